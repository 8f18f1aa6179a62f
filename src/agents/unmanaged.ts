// The agent CLIs' own sessions beside tmuxcodex's agents (FORMATS.md 5.3, 5.4): `claude --bg`
// sessions (Claude's sessions/<pid>.json with kind "bg") and the tmux sessions `claude -w NAME
// --tmux` starts on the same server (named "<repo dir>_worktree-NAME", working in the worktree).
// Neither is adopted: they are listed, with how to reach them.
import type { AgentRecord } from '../core/agent.js';
import type { UnmanagedSession } from '../core/unmanaged.js';
import type { ClaudeSessionEntry } from './claude-registry.js';
import { tmuxAttachCommand } from '../tmux/binary.js';

export interface TmuxSessionFacts { name: string; path: string }

const CLAUDE_WORKTREE = /\/\.claude\/worktrees\/[^/]+$/;

/** The worktree Claude made that dir is (or is inside), else null. */
function claudeWorktreeOf(dir: string): string | null {
  const m = /^(.*\/\.claude\/worktrees\/[^/]+)(\/|$)/.exec(dir);
  return m ? m[1]! : null;
}

/** Whether a tmux session is one `claude -w NAME --tmux` made: its name and its folder say so. */
function isClaudeWorktreeSession(s: TmuxSessionFacts): boolean {
  return /_worktree-[^/]+$/.test(s.name) && CLAUDE_WORKTREE.test(s.path);
}

/**
 * The unmanaged sessions: Claude's --bg sessions and the Claude worktree sessions on this tmux
 * server, leaving out every session that is one of the agents (by Claude session id or pane).
 */
export function unmanagedSessions(o: { claude: readonly ClaudeSessionEntry[]; tmuxSessions: readonly TmuxSessionFacts[]; agents: readonly AgentRecord[]; managedSession: string; socket: string | null }): UnmanagedSession[] {
  const agentSessions = new Set(o.agents.filter((a) => a.state !== 'gone').map((a) => a.sessionId).filter(Boolean));
  const mine = (e: ClaudeSessionEntry) => e.sessionId !== null && agentSessions.has(e.sessionId);
  const out: UnmanagedSession[] = [];
  for (const e of o.claude) {
    if (e.kind !== 'bg' || mine(e)) continue;
    // The job id is what `claude attach` takes (the first 8 hex digits of the session id).
    const id = e.jobId ?? e.sessionId?.slice(0, 8) ?? String(e.pid);
    out.push({ kind: 'claude-bg', id, pid: e.pid, sessionId: e.sessionId, cwd: e.cwd, worktree: claudeWorktreeOf(e.cwd), name: e.name, status: e.status, attach: `claude attach ${id}` });
  }
  for (const s of o.tmuxSessions) {
    if (s.name === o.managedSession || !isClaudeWorktreeSession(s)) continue;
    // Its Claude says which tmux session it runs in: its status and ids come from there.
    const e = o.claude.find((c) => c.tmux?.startsWith(`${s.name}:`));
    if (e && mine(e)) continue;
    out.push({ kind: 'claude-tmux', id: s.name, pid: e?.pid ?? null, sessionId: e?.sessionId ?? null, cwd: e?.cwd ?? s.path, worktree: claudeWorktreeOf(s.path), name: e?.name ?? null, status: e?.status ?? null, attach: tmuxAttachCommand(o.socket, s.name) });
  }
  return out;
}
