// The daemon socket's framing: JSON lines split out of arbitrary chunks.
import { describe, expect, it } from 'vitest';
import { LineSplitter, PROTOCOL_VERSION } from '../../../src/daemon/protocol.js';
import { METHODS } from '../../../src/daemon/methods/table.js';

describe('LineSplitter', () => {
  it('returns complete lines and keeps a partial last line for the next chunk', () => {
    const s = new LineSplitter();
    expect(s.push('{"id":1}\n{"id"')).toEqual(['{"id":1}']);
    expect(s.push(':2}')).toEqual([]);
    expect(s.push('\n')).toEqual(['{"id":2}']);
  });

  it('splits several lines in one chunk, in order', () => {
    expect(new LineSplitter().push('a\nb\nc\n')).toEqual(['a', 'b', 'c']);
  });

  it('drops empty and blank lines', () => {
    expect(new LineSplitter().push('\n\n  \n\t\na\n\n')).toEqual(['a']);
  });

  it('gives the same lines whatever the chunking, down to one character at a time', () => {
    const messages = [
      { id: 1, method: 'hello', params: { token: 't', version: '0.1.0' } },
      { id: 2, method: 'send', params: { agent: 'a', text: 'multi\nline "text" 日本語 🤖 \u241e', enter: true } },
      { event: 'agent-added', agent: { id: 'x'.repeat(5000) } },
    ];
    const stream = messages.map((m) => JSON.stringify(m) + '\n').join('');
    for (const size of [1, 2, 3, 7, 64, 4096, stream.length]) {
      const s = new LineSplitter();
      const lines: string[] = [];
      for (let i = 0; i < stream.length; i += size) lines.push(...s.push(stream.slice(i, i + size)));
      expect(lines.map((l) => JSON.parse(l) as unknown), `chunks of ${size}`).toEqual(messages);
    }
  });

  it('takes a long line in small chunks in linear time (it split the whole buffer again for every chunk)', () => {
    const s = new LineSplitter();
    const piece = 'p'.repeat(1024);
    const started = performance.now();
    for (let i = 0; i < 12 * 1024; i++) expect(s.push(piece)).toEqual([]);
    const [line] = s.push('\n');
    expect(line!.length).toBe(12 * 1024 * 1024);
    // 12,288 chunks: the old splitter scanned about 75 GB for them (minutes); this is milliseconds.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps the text of a line exactly, carriage return included', () => {
    expect(new LineSplitter().push(' {"a":1} \r\n')).toEqual([' {"a":1} \r']);
  });

  it('throws when the unfinished line outgrows the limit', () => {
    const s = new LineSplitter(10);
    expect(s.push('x'.repeat(10))).toEqual([]);
    expect(() => s.push('y')).toThrow('a request line is longer than 10 bytes');
  });

  it('accepts a partial line up to the limit after complete lines in the same chunk', () => {
    const s = new LineSplitter(10);
    expect(s.push('short\n' + 'z'.repeat(10))).toEqual(['short']);
    expect(s.push('\n')).toEqual(['z'.repeat(10)]);
  });
});

describe('the method table', () => {
  it('lists every method the protocol defines', () => {
    expect([...METHODS].sort()).toEqual(['capture', 'clean', 'ensureSession', 'focus', 'fresh', 'hello', 'highlight', 'kill', 'list', 'map', 'merge', 'resurrect', 'send', 'setPr', 'signal', 'spawn', 'status', 'stop', 'subscribe', 'syncFiles', 'toggleSidebar', 'wait']);
    expect(PROTOCOL_VERSION).toBe(1);
  });
});
