// propagate's choice of named receivers (--all asks git which repository each is of: test/e2e/map-day.test.ts).
import { describe, expect, it } from 'vitest';
import { worktreeAgent } from '../../helpers/agent-record.js';
import { receiversOf } from '../../../src/agents/propagate.js';

/** An agent with a worktree of its own and a target, so no git is asked. */
const agent = worktreeAgent;

describe('receiversOf, named', () => {
  it('finds live agents with a worktree by id or name, in the order given', async () => {
    const [x, y] = [agent({ name: 'x' }), agent({ name: 'y' })];
    expect((await receiversOf('/repo', [x, y], { all: false, to: ['y', x.id] })).map((a) => a.name)).toEqual(['y', 'x']);
  });

  it('refuses a name that is gone or has no worktree', async () => {
    await expect(receiversOf('/repo', [agent({ name: 'g', state: 'gone' })], { all: false, to: ['g'] })).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
  });
});
