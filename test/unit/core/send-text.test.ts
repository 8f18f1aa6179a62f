// What send refuses: characters a terminal program takes as keys. Tab and newline are text.
import { describe, expect, it } from 'vitest';
import { keyLikeCharacter } from '../../../src/core/send-text.js';

describe('keyLikeCharacter', () => {
  it('finds CR (Enter), ESC, NUL and DEL with their position', () => {
    expect(keyLikeCharacter('echo A\recho B')).toEqual({ code: 0x0d, index: 6 });
    expect(keyLikeCharacter('line\r\n')).toEqual({ code: 0x0d, index: 4 });
    expect(keyLikeCharacter('x\u001b[201~')).toEqual({ code: 0x1b, index: 1 });
    expect(keyLikeCharacter('\0')).toEqual({ code: 0, index: 0 });
    expect(keyLikeCharacter('ab\x7f')).toEqual({ code: 0x7f, index: 2 });
  });

  it('lets text, tabs, newlines and non-ASCII through', () => {
    expect(keyLikeCharacter('a\tb\nc — ünïcödé ✓ \u0085')).toBeNull();
    expect(keyLikeCharacter('')).toBeNull();
  });
});
