// Sessions of the agent CLIs that run beside tmuxcodex without being its agents: what `list` shows
// under "unmanaged" (and `list --json` as `unmanaged`). Pure data, no I/O.

export interface UnmanagedSession {
  /** 'claude-bg': a `claude --bg` session under Claude's own supervisor; 'claude-tmux': a tmux session `claude -w NAME --tmux` started on this server. */
  kind: 'claude-bg' | 'claude-tmux';
  /** The id people use with it: the background job id (`claude attach ID`), or the tmux session name. */
  id: string;
  /** The session's process, when known (from Claude's sessions/<pid>.json). */
  pid: number | null;
  /** Claude's transcript id, when known. */
  sessionId: string | null;
  /** Where it works. */
  cwd: string;
  /** The worktree it works in when that is one Claude made (.claude/worktrees/NAME), else null. */
  worktree: string | null;
  /** Its name as Claude lists it (a --bg session: its prompt), when known. */
  name: string | null;
  /** Claude's live status (idle, busy, waiting), when known. */
  status: string | null;
  /** The command that attaches a terminal to it. */
  attach: string;
}
