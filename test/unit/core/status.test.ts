// The status-bar segment and pane border texts built from agent records.
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../src/core/agent.js';
import { paneBorder, statusSegment } from '../../../src/core/status.js';
import { paneId, windowId } from '../../../src/tmux/ids.js';

let n = 0;
function agent(over: Partial<AgentRecord> = {}): AgentRecord {
  n++;
  return {
    id: (0x30000000 + n).toString(16), name: `a${n}`, profile: 'claude', paneId: paneId(`%${n}`), windowId: windowId('@1'), session: 'agents',
    cwd: '/tmp', worktree: null, branch: null, base: null, target: null, parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    ...over,
  };
}
const ctx = (percent: number) => ({ usedTokens: percent * 2000, windowTokens: 200000, percent, updatedAt: '' });

describe('statusSegment', () => {
  it('counts agents by state, waiting first with who, and the fullest context', () => {
    const agents = [agent({ state: 'working', context: ctx(42) }), agent({ name: 'w1', state: 'waiting', context: ctx(72.4) }), agent({ state: 'idle' }), agent({ state: 'working' }), agent({ state: 'gone', context: ctx(99) })];
    expect(statusSegment(agents)).toBe('tmuxcodex: 1 waiting (w1) · 2 working · 1 idle · ctx 72%');
  });
  it('names at most three who wait; nothing at all without live agents', () => {
    expect(statusSegment(['p', 'q', 'r', 's'].map((name) => agent({ name, state: 'waiting' })))).toBe('tmuxcodex: 4 waiting (p, q, r, …)');
    expect(statusSegment([agent({ state: 'gone' })])).toBe('');
  });
});

describe('paneBorder', () => {
  it('name, branch→target, context and state', () => {
    expect(paneBorder(agent({ name: 'fix-1', branch: 'fix-1', target: 'main', context: ctx(42.6), state: 'working' }))).toBe('fix-1  fix-1→main  ctx 43%  working');
    expect(paneBorder(agent({ name: 'sh', branch: 'main', target: 'main', state: 'exited', exitCode: 3 }))).toBe('sh  main  exited 3');
    expect(paneBorder(agent({ name: 'x', state: 'starting' }))).toBe('x  starting');
  });
});
