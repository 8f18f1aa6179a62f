// textStillAtCursor: the screen rows seen with capture-pane in Claude Code 2.1.332's TUI (a prompt
// typed while it starts stays in its input box; the Enter is dropped) and after it was taken.
import { describe, expect, it } from 'vitest';
import { textStillAtCursor } from '../../../src/agents/submit-check.js';

describe('textStillAtCursor', () => {
  it('sees the typed prompt still in the input box', () => {
    expect(textStillAtCursor('❯ early words', 'early words')).toBe(true);
    expect(textStillAtCursor('› early words   ', 'early words')).toBe(true); // Codex's box, padded
  });

  it('sees an emptied box, or another row, as submitted', () => {
    expect(textStillAtCursor('❯ ', 'early words')).toBe(false);
    expect(textStillAtCursor('', 'early words')).toBe(false);
    expect(textStillAtCursor('$ ', 'echo early words')).toBe(false);
  });

  it('compares the end of a long or multi-line text, which a TUI may wrap itself', () => {
    const long = `${'x'.repeat(300)} and the end of it`;
    expect(textStillAtCursor('│ xxxxxx and the end of it', long)).toBe(true);
    expect(textStillAtCursor('❯ last line here', 'first line\nlast line here')).toBe(true);
    expect(textStillAtCursor('❯ first line', 'first line\nlast line here')).toBe(false);
  });

  it('never asks for Enter on a text with nothing to find', () => {
    expect(textStillAtCursor('❯ ', '   ')).toBe(false);
    expect(textStillAtCursor('❯ a', 'a\n')).toBe(false);
  });
});
