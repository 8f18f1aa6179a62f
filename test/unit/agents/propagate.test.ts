// propagate's choice of named receivers (--all asks git which repository each is of: test/e2e/map-day.test.ts).
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../src/core/agent.js';
import { receiversOf } from '../../../src/agents/propagate.js';

let n = 0;
/** An agent with a worktree of its own and a target, so no git is asked. */
function agent(over: Partial<AgentRecord> = {}): AgentRecord {
  n++;
  return {
    id: (0x40000000 + n).toString(16), name: `a${n}`, profile: 'claude', paneId: `%${n}`, windowId: '@1', session: 'agents',
    cwd: `/tmp/wt${n}`, worktree: { path: `/tmp/wt${n}`, mode: 'new' }, branch: `a${n}`, base: null, target: 'main', parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'idle', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    ...over,
  } as AgentRecord;
}

describe('receiversOf, named', () => {
  it('finds live agents with a worktree by id or name, in the order given', async () => {
    const [x, y] = [agent({ name: 'x' }), agent({ name: 'y' })];
    expect((await receiversOf('/repo', [x, y], { all: false, to: ['y', x.id] })).map((a) => a.name)).toEqual(['y', 'x']);
  });

  it('refuses a name that is gone or has no worktree', async () => {
    await expect(receiversOf('/repo', [agent({ name: 'g', state: 'gone' })], { all: false, to: ['g'] })).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
  });
});
