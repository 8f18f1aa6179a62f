// The typed events a tmux 3.3a control-mode client reads (tmux-control-mode.md §1).
import type { PaneId, SessionId, WindowId } from '../ids.js';

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
  | { type: 'output'; paneId: PaneId; data: Buffer }
  | { type: 'extended-output'; paneId: PaneId; ageMs: number; data: Buffer }
  | { type: 'pause'; paneId: PaneId }
  | { type: 'continue'; paneId: PaneId }
  | { type: 'layout-change'; windowId: WindowId; layout: string; visibleLayout: string; flags: string }
  /** linked: false for the %unlinked-* forms (3.3a sends those even for our own session's windows). */
  | { type: 'window-add'; windowId: WindowId; linked: boolean }
  | { type: 'window-close'; windowId: WindowId; linked: boolean }
  | { type: 'window-renamed'; windowId: WindowId; name: string; linked: boolean }
  | { type: 'window-pane-changed'; windowId: WindowId; paneId: PaneId }
  | { type: 'pane-mode-changed'; paneId: PaneId }
  | { type: 'session-window-changed'; sessionId: SessionId; windowId: WindowId }
  | { type: 'session-changed'; sessionId: SessionId; name: string }
  | { type: 'client-session-changed'; client: string; sessionId: SessionId; name: string }
  | { type: 'client-detached'; client: string }
  | { type: 'session-renamed'; sessionId: SessionId; name: string }
  | { type: 'sessions-changed' }
  | { type: 'subscription-changed'; name: string; sessionId: SessionId; windowId: WindowId | null; windowIndex: number | null; paneId: PaneId | null; value: string }
  | { type: 'exit'; reason: string | null };

export type ControlEvent = ReplyBlock | Notification;
