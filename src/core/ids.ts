// tmux's immutable object ids as the agent record stores them: %N panes, @N windows, $N sessions.
// Branded so that a pane id cannot be passed where a window id (or a name) belongs. Types only: the
// checking constructors are in src/tmux/ids.ts, where ids come from tmux.

declare const brand: unique symbol;
export type PaneId = string & { readonly [brand]: 'PaneId' };
export type WindowId = string & { readonly [brand]: 'WindowId' };
export type SessionId = string & { readonly [brand]: 'SessionId' };
