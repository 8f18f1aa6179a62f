// What `send` may type into an agent's pane. Pure.

/**
 * The first character of text that a terminal program would take as a key rather than as text,
 * or null. Tab and newline are text (a newline goes in as part of one bracketed paste); CR is a
 * key: it is Enter, so "echo A\recho B" would run `echo A` even with --no-enter.
 */
export function keyLikeCharacter(text: string): { code: number; index: number } | null {
  const m = /[\x00-\x08\x0b-\x1f\x7f]/.exec(text);
  return m ? { code: m[0].charCodeAt(0), index: m.index } : null;
}
