// JsonlTail on real files in a temp folder: each record comes through once and whole, however the
// writes are cut; torn lines wait, garbage is counted, a shrunk file is read again, big records
// survive the 1 MiB chunk, and seek lands on a line boundary.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlTail, MAX_LINE_BYTES } from '../../../src/transcripts/jsonl-tail.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-tail-'));
  file = join(dir, 'session.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const line = (r: unknown) => `${JSON.stringify(r)}\n`;

/** Reads what is new; returns the records and the count the read reported. */
async function readNew(tail: JsonlTail): Promise<{ records: unknown[]; count: number }> {
  const records: unknown[] = [];
  const count = await tail.read((r) => records.push(r));
  return { records, count };
}

describe('JsonlTail', () => {
  it('returns appended records once, across several reads', async () => {
    writeFileSync(file, line({ n: 1 }) + line({ n: 2 }) + line({ n: 3 }));
    const tail = new JsonlTail(file);
    expect(await readNew(tail)).toEqual({ records: [{ n: 1 }, { n: 2 }, { n: 3 }], count: 3 });
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    appendFileSync(file, line({ n: 4 }));
    expect(await readNew(tail)).toEqual({ records: [{ n: 4 }], count: 1 });
    appendFileSync(file, line({ n: 5 }) + line({ n: 6 }));
    expect(await readNew(tail)).toEqual({ records: [{ n: 5 }, { n: 6 }], count: 2 });
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    const size = (line({ n: 1 }).length) * 6;
    expect(tail.position).toBe(size);
    expect(tail.skipped).toBe(0);
  });

  it('does not return a torn last line until it is complete, then returns it whole', async () => {
    const whole = line({ type: 'event_msg', payload: { type: 'token_count', text: 'héllo wörld 日本' } });
    const bytes = Buffer.from(whole);
    writeFileSync(file, line({ n: 1 }));
    appendFileSync(file, bytes.subarray(0, 20));
    const tail = new JsonlTail(file);
    expect(await readNew(tail)).toEqual({ records: [{ n: 1 }], count: 1 });
    expect(tail.position).toBe(line({ n: 1 }).length);
    // The rest, except the newline, cutting a multi-byte character in two on the way.
    const cut = bytes.indexOf(Buffer.from('日')) + 1;
    appendFileSync(file, bytes.subarray(20, cut));
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    appendFileSync(file, bytes.subarray(cut, bytes.length - 1));
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    appendFileSync(file, '\n');
    expect(await readNew(tail)).toEqual({ records: [JSON.parse(whole)], count: 1 });
    expect(tail.position).toBe(line({ n: 1 }).length + bytes.length);
    expect(tail.skipped).toBe(0);
  });

  it('skips a line that is not JSON and counts it', async () => {
    writeFileSync(file, [line({ n: 1 }), 'not json at all\n', '{"torn": \n', '\n', '   \n', line({ n: 2 }), '}{\n', line([1, 2]), '42\n'].join(''));
    const tail = new JsonlTail(file);
    expect(await readNew(tail)).toEqual({ records: [{ n: 1 }, { n: 2 }, [1, 2], 42], count: 4 });
    expect(tail.skipped).toBe(3); // blank lines are not records, nor garbage
    appendFileSync(file, 'more garbage\n' + line({ n: 3 }));
    expect(await readNew(tail)).toEqual({ records: [{ n: 3 }], count: 1 });
    expect(tail.skipped).toBe(4);
  });

  it('accepts CRLF line ends', async () => {
    writeFileSync(file, '{"n":1}\r\n{"n":2}\r\n');
    const tail = new JsonlTail(file);
    expect(await readNew(tail)).toEqual({ records: [{ n: 1 }, { n: 2 }], count: 2 });
    expect(tail.skipped).toBe(0);
  });

  it('reads a file that shrank (rewritten shorter) again from the start', async () => {
    writeFileSync(file, line({ n: 1, pad: 'x'.repeat(100) }) + line({ n: 2, pad: 'x'.repeat(100) }) + '{"torn":');
    const tail = new JsonlTail(file);
    expect((await readNew(tail)).count).toBe(2);
    writeFileSync(file, line({ fresh: 1 }));
    expect(await readNew(tail)).toEqual({ records: [{ fresh: 1 }], count: 1 });
    appendFileSync(file, line({ fresh: 2 }));
    expect(await readNew(tail)).toEqual({ records: [{ fresh: 2 }], count: 1 });
    // Truncated to nothing, then written again.
    truncateSync(file, 0);
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    appendFileSync(file, line({ again: 1 }));
    expect(await readNew(tail)).toEqual({ records: [{ again: 1 }], count: 1 });
    expect(tail.position).toBe(line({ again: 1 }).length);
  });

  it('a file that does not exist gives 0, and is read once it is created', async () => {
    const tail = new JsonlTail(file);
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    writeFileSync(file, '');
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
    appendFileSync(file, line({ first: true }));
    expect(await readNew(tail)).toEqual({ records: [{ first: true }], count: 1 });
    // Removed again: nothing, no error.
    rmSync(file);
    expect(await readNew(tail)).toEqual({ records: [], count: 0 });
  });

  it('brings records larger than the 1 MiB chunk through intact, in one write or torn over reads', async () => {
    // 3-byte characters, so the 1 MiB chunk boundaries fall inside a character.
    const big = { type: 'session_meta', payload: { base_instructions: { text: '日本語'.repeat(350_000) + 'end' } } };
    const bigLine = Buffer.from(line(big));
    expect(bigLine.length).toBeGreaterThan(3 * 1024 * 1024);
    writeFileSync(file, line({ before: 1 }));
    appendFileSync(file, bigLine);
    appendFileSync(file, line({ after: 1 }));
    const tail = new JsonlTail(file);
    const first = await readNew(tail);
    expect(first.count).toBe(3);
    expect(first.records[0]).toEqual({ before: 1 });
    expect(first.records[1]).toEqual(big);
    expect(first.records[2]).toEqual({ after: 1 });

    // A second big record written in 700 KB pieces with reads between them.
    const big2 = { n: 2, text: 'é'.repeat(1_600_000) };
    const bytes = Buffer.from(line(big2));
    for (let at = 0; at < bytes.length; at += 700_000) {
      appendFileSync(file, bytes.subarray(at, at + 700_000));
      const r = await readNew(tail);
      if (at + 700_000 < bytes.length) expect(r).toEqual({ records: [], count: 0 });
      else expect(r).toEqual({ records: [big2], count: 1 });
    }
    expect(tail.skipped).toBe(0);
  });

  it('skips a line over the limit as it streams past, holding none of it, reports it once, and reads on', async () => {
    const limit = 1 << 20;
    const reported: number[] = [];
    const tail = new JsonlTail(file, { maxLineBytes: limit, onOversized: (at) => reported.push(at) });
    const first = line({ n: 1 });
    writeFileSync(file, first);
    expect(await readNew(tail)).toEqual({ records: [{ n: 1 }], count: 1 });
    // A valid JSON line of 5 MB, written in 700 KB pieces with a read after each.
    const long = Buffer.from(line({ n: 'long', pad: 'x'.repeat(5 << 20) }));
    for (let at = 0; at < long.length - 1; at += 700_000) {
      appendFileSync(file, long.subarray(at, Math.min(at + 700_000, long.length - 1)));
      expect(await readNew(tail)).toEqual({ records: [], count: 0 });
      expect(tail.pendingBytes).toBeLessThanOrEqual(limit);
      expect(tail.position).toBe(first.length); // the long line is not consumed until it ends
    }
    expect(reported).toEqual([first.length]); // once, as soon as it passed the limit
    appendFileSync(file, '\n' + line({ n: 2 }));
    expect(await readNew(tail)).toEqual({ records: [{ n: 2 }], count: 1 });
    expect(tail.oversized).toBe(1);
    expect(tail.skipped).toBe(0);
    // A long line that arrives whole in one read, between two short ones, is skipped too.
    const whole = line({ n: 'whole', pad: 'y'.repeat(limit) });
    const before = tail.position;
    appendFileSync(file, whole + line({ n: 3 }));
    expect(await readNew(tail)).toEqual({ records: [{ n: 3 }], count: 1 });
    expect(reported).toEqual([first.length, before]);
    expect(tail.oversized).toBe(2);
    expect(tail.pendingBytes).toBe(0);
  });

  it('keeps lines up to the limit, by default 32 MiB', async () => {
    expect(MAX_LINE_BYTES).toBe(32 << 20);
    const text = line({ pad: 'z'.repeat(1000) });
    writeFileSync(file, text + text);
    const exact = new JsonlTail(file, { maxLineBytes: text.length - 1 }); // newline excluded
    expect((await readNew(exact)).count).toBe(2);
    const under = new JsonlTail(file, { maxLineBytes: text.length - 2 });
    expect((await readNew(under)).count).toBe(0);
    expect(under.oversized).toBe(2);
  });

  it('seek(n) starts at the first line boundary at or after n', async () => {
    const lines = [0, 1, 2, 3, 4].map((n) => line({ n, pad: 'y'.repeat(n * 7) }));
    writeFileSync(file, lines.join(''));
    const starts = lines.map((_, i) => Buffer.byteLength(lines.slice(0, i).join('')));
    const size = Buffer.byteLength(lines.join(''));
    const from = async (n: number) => {
      const tail = new JsonlTail(file);
      await tail.seek(n);
      const pos = tail.position;
      const { records } = await readNew(tail);
      return { pos, ns: records.map((r) => (r as { n: number }).n) };
    };
    expect(await from(0)).toEqual({ pos: 0, ns: [0, 1, 2, 3, 4] });
    expect(await from(1)).toEqual({ pos: starts[1], ns: [1, 2, 3, 4] });
    expect(await from(starts[2]!)).toEqual({ pos: starts[2], ns: [2, 3, 4] }); // exactly on a line start
    expect(await from(starts[2]! - 1)).toEqual({ pos: starts[2], ns: [2, 3, 4] }); // on the newline before it
    expect(await from(starts[2]! + 1)).toEqual({ pos: starts[3], ns: [3, 4] });
    expect(await from(starts[4]! + 3)).toEqual({ pos: size, ns: [] });
    expect(await from(size)).toEqual({ pos: size, ns: [] });

    // After a seek to the end, only what is appended comes.
    const tail = new JsonlTail(file);
    await tail.seek(size);
    appendFileSync(file, line({ n: 5 }));
    expect((await readNew(tail)).records).toEqual([{ n: 5 }]);
    expect(tail.skipped).toBe(0);
  });

  it('seek finds the boundary past a line longer than its 64 KiB probe', async () => {
    const long = line({ n: 0, pad: 'z'.repeat(200_000) });
    writeFileSync(file, long + line({ n: 1 }));
    const tail = new JsonlTail(file);
    await tail.seek(10);
    expect(tail.position).toBe(Buffer.byteLength(long));
    expect((await readNew(tail)).records).toEqual([{ n: 1 }]);
  });

  it('loses nothing over many small appends interleaved with reads, lines split mid-way', async () => {
    let seed = 20261128;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const alphabet = ['a', 'b', ' ', 'é', '日', '🤖', '"', '\\', '{', '}'];
    const expected: unknown[] = [];
    let text = '';
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let k = rnd(60); k > 0; k--) s += alphabet[rnd(alphabet.length)]!;
      const r = { i, s };
      expected.push(r);
      text += line(r);
    }
    const bytes = Buffer.from(text);
    const fh = await open(file, 'a');
    const tail = new JsonlTail(file);
    const got: unknown[] = [];
    let writes = 0;
    let splits = 0;
    try {
      for (let at = 0; at < bytes.length;) {
        const n = 1 + rnd(400);
        const piece = bytes.subarray(at, at + n);
        await fh.write(piece);
        at += piece.length;
        writes++;
        if (at < bytes.length && bytes[at - 1] !== 0x0a) splits++;
        if (rnd(3) !== 0) await tail.read((r) => got.push(r));
      }
    } finally {
      await fh.close();
    }
    await tail.read((r) => got.push(r));
    expect(writes).toBeGreaterThan(500);
    expect(splits).toBeGreaterThan(400);
    expect(got).toHaveLength(2000);
    expect(got).toEqual(expected);
    expect(tail.skipped).toBe(0);
    expect(tail.position).toBe(bytes.length);
  });
});
