// Incremental reading of a growing JSONL file: each read returns the records appended since the
// last one, never reading a byte twice. A torn last line (a write in progress) waits for the next
// read; a line that is not JSON is skipped; a file that shrank (replaced) is read again from the
// start. Memory stays bounded by the chunk size plus the longest line, whatever the file's size.
import { stat } from 'node:fs/promises';
import { openRegular } from '../fs/read-regular.js';

const CHUNK = 1 << 20;

export class JsonlTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  /** Records skipped because they were not JSON (a format we do not know, or garbage). */
  skipped = 0;

  constructor(readonly path: string) {}

  /** Where the next read starts (bytes already consumed, complete lines only). */
  get position(): number {
    return this.offset - this.partial.length;
  }

  /** Starts reading at byte `from` instead of the beginning, dropping the (likely partial) first line. */
  async seek(from: number): Promise<void> {
    this.offset = from;
    this.partial = Buffer.alloc(0);
    if (from === 0) return;
    const fh = await openRegular(this.path); // a transcript swapped for a FIFO is never waited on
    if (!fh) return;
    try {
      // Skip to just after the first newline at or after from - 1, so reading begins on a line start.
      const buf = Buffer.alloc(64 * 1024);
      let pos = from - 1;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (!bytesRead) { this.offset = pos; return; }
        const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (nl !== -1) { this.offset = pos + nl + 1; return; }
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
    if (size < this.offset) { // replaced or truncated: start over
      this.offset = 0;
      this.partial = Buffer.alloc(0);
    }
    if (size === this.offset) return 0;
    const fh = await openRegular(this.path); // swapped for a FIFO since the stat: never waited on
    if (!fh) return 0;
    let count = 0;
    try {
      const buf = Buffer.alloc(Math.min(CHUNK, size - this.offset));
      while (this.offset < size) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (!bytesRead) break;
        this.offset += bytesRead;
        let data = this.partial.length ? Buffer.concat([this.partial, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
          const line = data.toString('utf8', start, nl).trim();
          start = nl + 1;
          if (!line) continue;
          let record: unknown;
          try {
            record = JSON.parse(line);
          } catch {
            this.skipped++;
            continue;
          }
          count++;
          onRecord(record);
        }
        // Copy: buf is reused by the next read.
        this.partial = Buffer.from(data.subarray(start));
        data = Buffer.alloc(0);
      }
    } finally {
      await fh.close();
    }
    return count;
  }
}
