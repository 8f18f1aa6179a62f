// The typed events a tmux 3.3a control-mode client reads (tmux-control-mode.md §1).

/** A finished %begin..%end/%error block. flags 1 = a reply to a line we sent; 0 = hooks/initial command. */
export interface ReplyBlock {
  type: 'reply';
  time: number;
  commandNumber: number;
  flags: number;
  ok: boolean;
  lines: string[];
}

export type Notification =
  | { type: 'output'; paneId: string; data: Buffer }
  | { type: 'extended-output'; paneId: string; ageMs: number; data: Buffer }
  | { type: 'pause'; paneId: string }
  | { type: 'continue'; paneId: string }
  | { type: 'layout-change'; windowId: string; layout: string; visibleLayout: string; flags: string }
  /** linked: false for the %unlinked-* forms (3.3a sends those even for our own session's windows). */
  | { type: 'window-add'; windowId: string; linked: boolean }
  | { type: 'window-close'; windowId: string; linked: boolean }
  | { type: 'window-renamed'; windowId: string; name: string; linked: boolean }
  | { type: 'window-pane-changed'; windowId: string; paneId: string }
  | { type: 'pane-mode-changed'; paneId: string }
  | { type: 'session-window-changed'; sessionId: string; windowId: string }
  | { type: 'session-changed'; sessionId: string; name: string }
  | { type: 'client-session-changed'; client: string; sessionId: string; name: string }
  | { type: 'client-detached'; client: string }
  | { type: 'session-renamed'; sessionId: string; name: string }
  | { type: 'sessions-changed' }
  | { type: 'subscription-changed'; name: string; sessionId: string; windowId: string | null; windowIndex: number | null; paneId: string | null; value: string }
  | { type: 'exit'; reason: string | null };

export type ControlEvent = ReplyBlock | Notification;
