// Strict UTF-8 for text given to agents: valid text decodes as it is; anything else is refused with
// the offset of the first bad byte (a usage error, exit 2), never decoded with U+FFFD.
import { describe, expect, it } from 'vitest';
import { decodeUtf8, invalidUtf8At } from '../../../src/fs/utf8.js';
import { TmuxcodexError } from '../../../src/errors.js';

describe('invalidUtf8At', () => {
  it('is null for valid UTF-8, the empty text and a BOM', () => {
    for (const s of ['', 'plain', 'ünïcödé ✓ 😀', '\ufeffwith BOM']) expect(invalidUtf8At(Buffer.from(s, 'utf8'))).toBeNull();
  });
  it('finds the first bad byte: a stray byte, a cut sequence, an overlong form, a surrogate', () => {
    expect(invalidUtf8At(Buffer.from([0x61, 0x62, 0xff, 0x63]))).toBe(2);
    expect(invalidUtf8At(Buffer.concat([Buffer.from('ab✓'), Buffer.from([0xe2, 0x9c])]))).toBe(5);
    expect(invalidUtf8At(Buffer.from([0x41, 0xc0, 0x80]))).toBe(1);
    expect(invalidUtf8At(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
  });
});

describe('decodeUtf8', () => {
  it('returns the text, BOM and all', () => {
    expect(decodeUtf8(Buffer.from('\ufeffa ✓', 'utf8'), 'x')).toBe('\ufeffa ✓');
  });
  it('refuses other bytes with exit code 2, naming what and where', () => {
    try {
      decodeUtf8(Buffer.from([0x61, 0xfe]), 'The task file t.txt');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TmuxcodexError);
      expect((e as TmuxcodexError).exitCode).toBe(2);
      expect((e as Error).message).toBe('The task file t.txt is not valid UTF-8 (byte 1); agents take text, and nothing was sent.');
    }
  });
});
