// Makes sure a prompt typed into an agent CLI was submitted. A TUI that is still starting keeps
// the typed text in its input box but drops the Enter: Claude Code 2.1.332 does so for ~10 s after
// it starts on a busy machine (spawn, fresh, resurrect), and Codex "sometimes drops the first Enter"
// (shared/notes/agent-tuis.md). Seen with capture-pane: the text sits at the cursor, `❯ early words`,
// until Enter is pressed again. So after Enter, while the text is still at the cursor, press it again.
import { tmux } from '../tmux/command.js';
import { PANE_CURSOR } from '../tmux/formats.js';
import type { PaneId } from '../tmux/ids.js';
import type { TmuxRunner } from './pane-query.js';

/** How much of the text's end identifies it at the cursor (a TUI may wrap long input itself). */
const TAIL_CHARS = 12;

/** True when the cursor's row still ends with the end of text: the prompt was typed but not submitted. */
export function textStillAtCursor(cursorRow: string, text: string): boolean {
  const lastLine = text.split('\n').pop()!.trimEnd();
  if (!lastLine) return false;
  return cursorRow.trimEnd().endsWith(lastLine.slice(-TAIL_CHARS));
}

/** The row the cursor is on, as drawn; null when the pane is gone or its program has ended. */
async function cursorRow(runner: TmuxRunner, paneId: PaneId): Promise<string | null> {
  try {
    const cursor = PANE_CURSOR.first(await runner.run(tmux.display(paneId, PANE_CURSOR.template)));
    if (!cursor || cursor.dead || cursor.cursorY === null || !Number.isInteger(cursor.cursorY)) return null;
    return (await runner.run(tmux.captureScreen(paneId)))[cursor.cursorY] ?? '';
  } catch {
    return null;
  }
}

/**
 * Waits (up to deadlineMs) until the CLI has drawn text at its cursor: it has read the typed keys.
 * Why: Codex takes keys that arrive in one read with the Enter after them as a paste, and turns
 * the Enter into a newline in its input box; on a busy machine a fixed pause does not keep them
 * apart, but an Enter sent after the text is drawn always comes in a read of its own.
 */
export async function waitTextDrawn(runner: TmuxRunner, paneId: PaneId, text: string, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const row = await cursorRow(runner, paneId);
    if (row === null) return false;
    if (textStillAtCursor(row, text)) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Presses Enter again while text stays unsubmitted at the cursor, until it is taken or deadlineMs
 * passes (then the text is left in the box, as typed). Taken: taken() says so (the agent's
 * transcript moved since the send), the text was seen at the cursor and has left it, or the cursor's
 * row shows something else. A TUI still starting shows a blank row: that proves nothing yet.
 * A spare Enter on an emptied box does nothing in these CLIs, so a check before a redraw costs nothing.
 */
export async function ensureSubmitted(runner: TmuxRunner, paneId: PaneId, text: string, opts: { deadlineMs: number; taken: () => boolean; firstCheckMs?: number; everyMs?: number }): Promise<{ extraEnters: number }> {
  const until = Date.now() + opts.deadlineMs;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let extraEnters = 0;
  let seen = false;
  await pause(opts.firstCheckMs ?? 300);
  for (;;) {
    if (opts.taken()) return { extraEnters };
    const row = await cursorRow(runner, paneId);
    if (row === null) return { extraEnters };
    const stuck = textStillAtCursor(row, text);
    // Seen and gone, or the CLI drew something else at the cursor (its emptied input box): taken.
    // A blank row is a TUI not drawn yet (still starting): wait for it.
    if (!stuck && (seen || row.trim() !== '')) return { extraEnters };
    if (Date.now() > until) return { extraEnters };
    if (stuck) {
      seen = true;
      await runner.run(tmux.sendEnter(paneId)).catch(() => {});
      extraEnters++;
      await pause(opts.everyMs ?? 1000);
    } else {
      await pause(250);
    }
  }
}
