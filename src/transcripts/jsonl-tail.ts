// Incremental reading of a growing JSONL file: each read returns the records appended since the
// last one, never reading a byte twice. A torn last line (a write in progress) waits for the next
// read; a line that is not JSON is skipped; a file that shrank (replaced) is read again from the
// start. Time is linear in the bytes read and memory stays bounded by the chunk size plus the line
// limit: an unfinished line is kept as a list of chunks (never copied again per read), and a line
// longer than the limit is dropped as it streams past and reported through onOversized.
import { stat } from 'node:fs/promises';
import { openRegular } from '../fs/read-regular.js';

const CHUNK = 1 << 20;
/** Lines longer than this are skipped: no transcript record we read is near it (images are a few MB). */
export const MAX_LINE_BYTES = 32 << 20;

export interface JsonlTailOptions {
  /** Longest line kept (bytes, newline excluded); longer ones are skipped. */
  maxLineBytes?: number;
  /** Told once of each line skipped for its length, as soon as it passes the limit: the byte it began at. */
  onOversized?: (at: number) => void;
}

export class JsonlTail {
  private offset = 0;
  /** The unfinished last line, as the chunks it came in (joined once, when its newline arrives). */
  private parts: Buffer[] = [];
  /** The unfinished last line's length so far (held in parts, or dropped while discarding). */
  private partLength = 0;
  /** Inside a line already over the limit: its bytes are dropped until its newline. */
  private discarding = false;
  private lineStart = 0;
  private readonly maxLineBytes: number;
  private readonly onOversized: (at: number) => void;
  /** Records skipped because they were not JSON (a format we do not know, or garbage). */
  skipped = 0;
  /** Lines skipped because they were longer than the limit. */
  oversized = 0;

  constructor(readonly path: string, options: JsonlTailOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.onOversized = options.onOversized ?? (() => {});
  }

  /** Where the next read starts (bytes already consumed, complete lines only). */
  get position(): number {
    return this.offset - this.partLength;
  }

  /** Bytes held for the unfinished last line (bounded by the line limit). */
  get pendingBytes(): number {
    return this.discarding ? 0 : this.partLength;
  }

  private reset(offset: number): void {
    this.offset = offset;
    this.lineStart = offset;
    this.parts = [];
    this.partLength = 0;
    this.discarding = false;
  }

  /** Starts reading at byte `from` instead of the beginning, dropping the (likely partial) first line. */
  async seek(from: number): Promise<void> {
    this.reset(from);
    if (from === 0) return;
    const fh = await openRegular(this.path); // a transcript swapped for a FIFO is never waited on
    if (!fh) return;
    try {
      // Skip to just after the first newline at or after from - 1, so reading begins on a line start.
      const buf = Buffer.alloc(64 * 1024);
      let pos = from - 1;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (!bytesRead) { this.reset(pos); return; }
        const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (nl !== -1) { this.reset(pos + nl + 1); return; }
        pos += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }

  /** Calls onRecord for each complete new line, in order; returns how many were parsed. */
  async read(onRecord: (record: unknown) => void): Promise<number> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      return 0; // not there (yet)
    }
    if (size < this.offset) this.reset(0); // replaced or truncated: start over
    if (size === this.offset) return 0;
    const fh = await openRegular(this.path); // swapped for a FIFO since the stat: never waited on
    if (!fh) return 0;
    let count = 0;
    try {
      const buf = Buffer.alloc(Math.min(CHUNK, size - this.offset));
      while (this.offset < size) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (!bytesRead) break;
        const chunkStart = this.offset;
        this.offset += bytesRead;
        count += this.take(buf.subarray(0, bytesRead), chunkStart, onRecord);
      }
    } finally {
      await fh.close();
    }
    return count;
  }

  /** Splits one chunk (starting at file byte chunkStart) into lines; returns how many records it parsed. */
  private take(data: Buffer, chunkStart: number, onRecord: (record: unknown) => void): number {
    let count = 0;
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      const length = this.partLength + nl - start;
      if (!this.discarding && length > this.maxLineBytes) this.skipLong();
      else if (!this.discarding) {
        const bytes = this.parts.length ? Buffer.concat([...this.parts, data.subarray(start, nl)]) : data.subarray(start, nl);
        if (this.parse(bytes, onRecord)) count++;
      }
      this.parts = [];
      this.partLength = 0;
      this.discarding = false;
      start = nl + 1;
      this.lineStart = chunkStart + start;
    }
    const rest = data.length - start;
    if (!this.discarding && this.partLength + rest > this.maxLineBytes) this.skipLong();
    this.partLength += rest;
    // Copy: the chunk's buffer is reused by the next read.
    if (!this.discarding && rest) this.parts.push(Buffer.from(data.subarray(start)));
    return count;
  }

  /** The current line is over the limit: counted and reported now, its bytes dropped up to its newline. */
  private skipLong(): void {
    this.oversized++;
    this.onOversized(this.lineStart);
    this.discarding = true;
    this.parts = [];
  }

  /** Parses one line; false for a blank line or one that is not JSON (counted in skipped). */
  private parse(bytes: Buffer, onRecord: (record: unknown) => void): boolean {
    const line = bytes.toString('utf8').trim();
    if (!line) return false;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      this.skipped++;
      return false;
    }
    onRecord(record);
    return true;
  }
}
