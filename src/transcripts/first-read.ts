// The first read of a transcript the daemon has not seen yet. Small files are parsed whole. A large
// one (a session of hundreds of MB) is not: its head is parsed for the session's start, its last
// few MB for the context now, and the part between is only scanned line by line for prompts and
// compactions (a substring test, no JSON parse), so time and memory stay small whatever the size.
import { stat } from 'node:fs/promises';
import { openRegular } from '../fs/read-regular.js';
import type { SessionFacts } from '../core/session.js';
import { MAX_LINE_BYTES, type JsonlTail } from './jsonl-tail.js';

/** Above this, the middle of a transcript is scanned instead of parsed. */
export const LARGE_TRANSCRIPT = 8 << 20;
const HEAD_BYTES = 256 << 10;
const TAIL_BYTES = 4 << 20;
const CHUNK = 1 << 20;

/** What a fast scan of raw lines can tell without parsing them. */
export interface LineScan {
  /** Substrings that every prompt line contains (only lines holding one are looked at). */
  promptMarkers: readonly string[];
  /** The line is a prompt the person gave. */
  prompt(line: string): boolean;
  compactionMarker: string;
  /** The line records a compaction. */
  compaction(line: string): boolean;
}

/**
 * One pass over [from, to): for each marker, counts the lines holding it that pass its test; only
 * those lines are decoded. Returns the counts in the order of the markers. A line longer than
 * MAX_LINE_BYTES is passed over without being held (memory stays bounded by it).
 */
async function countLines(path: string, from: number, to: number, probes: ReadonlyArray<{ marker: string; test: (line: string) => boolean }>): Promise<number[]> {
  const needles = probes.map((p) => Buffer.from(p.marker));
  const counts = probes.map(() => 0);
  const fh = await openRegular(path); // swapped for a FIFO since its size was read: nothing to count
  if (!fh) return counts;
  try {
    // One buffer for the whole pass: the unfinished last line is moved to its start, then read after.
    let buf = Buffer.alloc(CHUNK * 2);
    let carried = 0;
    let discarding = false; // inside a line over the limit: skipped up to its newline
    for (let pos = from; pos < to;) {
      if (carried > MAX_LINE_BYTES) { // too long to be a record we count: drop it
        carried = 0;
        discarding = true;
      }
      if (carried > buf.length - CHUNK) { // a long line: grow the buffer (up to the limit)
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, carried);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carried, Math.min(CHUNK, to - pos), pos);
      if (!bytesRead) break;
      pos += bytesRead;
      const data = buf.subarray(0, carried + bytesRead);
      const begin = discarding ? data.indexOf(0x0a) + 1 : 0;
      if (discarding && begin === 0) continue; // still inside the long line
      discarding = false;
      const complete = data.lastIndexOf(0x0a) + 1;
      needles.forEach((needle, k) => {
        for (let i = data.indexOf(needle, begin); i !== -1 && i < complete;) {
          const start = Math.max(begin, data.lastIndexOf(0x0a, i) + 1);
          const end = data.indexOf(0x0a, i);
          if (probes[k]!.test(data.toString('utf8', start, end))) counts[k]!++;
          i = data.indexOf(needle, end);
        }
      });
      carried = data.length - Math.max(begin, complete);
      buf.copy(buf, 0, Math.max(begin, complete), data.length);
    }
  } finally {
    await fh.close();
  }
  return counts;
}

/** Calls onLine for every complete line in [from, to); returns where the last complete line ended. */
async function eachLine(path: string, from: number, to: number, onLine: (line: string) => void): Promise<number> {
  const fh = await openRegular(path);
  if (!fh) return from;
  try {
    const buf = Buffer.alloc(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let pos = from;
    let end = from;
    while (pos < to) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, to - pos), pos);
      if (!bytesRead) break;
      pos += bytesRead;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
        onLine(data.toString('utf8', start, nl));
        start = nl + 1;
      }
      end = pos - (data.length - start);
      carry = Buffer.from(data.subarray(start));
    }
    return end;
  } finally {
    await fh.close();
  }
}

/** Reads a transcript for the first time into facts, leaving tail positioned for the appends to come. */
export async function firstRead(tail: JsonlTail, facts: SessionFacts, apply: (f: SessionFacts, record: unknown) => void, scan: LineScan): Promise<void> {
  const size = await stat(tail.path).then((s) => s.size, () => 0);
  if (size <= LARGE_TRANSCRIPT) {
    await tail.read((r) => apply(facts, r));
    return;
  }
  const parse = (line: string) => {
    try {
      apply(facts, JSON.parse(line));
    } catch { /* not JSON: skipped, as JsonlTail does */ }
  };
  const headEnd = await eachLine(tail.path, 0, HEAD_BYTES, parse);
  await tail.seek(size - TAIL_BYTES);
  // A line holding two prompt markers is counted once: each marker only counts lines no earlier marker finds.
  const markers = scan.promptMarkers;
  const counts = await countLines(tail.path, headEnd, tail.position, [
    ...markers.map((marker, k) => ({ marker, test: (l: string) => scan.prompt(l) && !markers.slice(0, k).some((m) => l.includes(m)) })),
    { marker: scan.compactionMarker, test: scan.compaction },
  ]);
  facts.turns += counts.slice(0, markers.length).reduce((a, b) => a + b, 0);
  facts.compactions += counts[markers.length]!;
  await tail.read((r) => apply(facts, r));
}
