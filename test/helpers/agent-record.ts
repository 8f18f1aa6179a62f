// Agent records for unit tests that need no tmux or git: every field set, ids and names numbered.
import type { AgentRecord } from '../../src/core/agent.js';
import { paneId, windowId } from '../../src/tmux/ids.js';

let n = 0;

/** An agent record (a shell in pane %N) with the given fields changed. */
export function agentRecord(over: Partial<AgentRecord> = {}): AgentRecord {
  n++;
  return {
    id: (0x20000000 + n).toString(16), name: `agent-${n}`, profile: 'shell', paneId: paneId(`%${n}`), windowId: windowId('@1'), session: 'agents',
    cwd: '/tmp', worktree: null, branch: null, base: null, target: null, parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'idle', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    ...over,
  };
}

/** A Claude agent in a worktree of its own (/tmp/wtN) on branch aN, targeting main: no git is asked about it. */
export function worktreeAgent(over: Partial<AgentRecord> = {}): AgentRecord {
  const base = agentRecord({ profile: 'claude' });
  const k = base.id;
  return { ...base, name: over.name ?? `a${k}`, cwd: `/tmp/wt${k}`, worktree: { path: `/tmp/wt${k}`, mode: 'new' }, branch: `a${k}`, target: 'main', ...over };
}
