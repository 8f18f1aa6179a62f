// tmux's immutable object ids: %N panes, @N windows, $N sessions. Branded so that a pane id cannot be
// passed where a window id (or a name) belongs; tmux never reuses an id while its server runs.
import { failure } from '../errors.js';

import type { PaneId, SessionId, WindowId } from '../core/ids.js';

// The types live in core/ (the agent record stores them; core imports nothing of ours).
export type { PaneId, SessionId, WindowId };

const PANE_ID = /^%\d+$/;
const WINDOW_ID = /^@\d+$/;
const SESSION_ID = /^\$\d+$/;

/** True if s is written as a pane id (%N). */
export function isPaneId(s: string): s is PaneId {
  return PANE_ID.test(s);
}

/** True if s is written as a window id (@N). */
export function isWindowId(s: string): s is WindowId {
  return WINDOW_ID.test(s);
}

/** True if s is written as a session id ($N). */
export function isSessionId(s: string): s is SessionId {
  return SESSION_ID.test(s);
}

/** s as a PaneId; throws when it is not one (a bug or a tmux that answered something else). */
export function paneId(s: string): PaneId {
  if (!isPaneId(s)) throw failure('TMUX_UNEXPECTED', `"${s}" is not a tmux pane id (%N).`);
  return s;
}

/** s as a WindowId; throws when it is not one. */
export function windowId(s: string): WindowId {
  if (!isWindowId(s)) throw failure('TMUX_UNEXPECTED', `"${s}" is not a tmux window id (@N).`);
  return s;
}

/** s as a SessionId; throws when it is not one. */
export function sessionId(s: string): SessionId {
  if (!isSessionId(s)) throw failure('TMUX_UNEXPECTED', `"${s}" is not a tmux session id ($N).`);
  return s;
}
