// fix --from's plan: which agent, the branch point, the fix agent's name, task and profile.
import { describe, expect, it } from 'vitest';
import { worktreeAgent } from '../../helpers/agent-record.js';
import { planFix } from '../../../src/agents/fix-plan.js';

/** An agent with a worktree of its own and a target, so no git is asked. */
const agent = worktreeAgent;

describe('planFix', () => {
  it('branches from the agent\'s target, names the fix after it (the next free number), and tells where the bug was seen', async () => {
    const a = agent({ name: 'web' });
    const plan = await planFix([a, agent({ name: 'fix-web' })], { from: 'web', name: null, task: 'login loops', profile: null, all: true });
    expect(plan).toMatchObject({ forAgent: { id: a.id }, worktree: a.worktree!.path, name: 'fix-web-2', target: 'main', profile: 'claude' });
    expect(plan.task).toMatch(/^login loops\n\nThis bug was seen in the worktree of agent web \(.*\)\. You work on a branch from main.* and every worktree that lacks it\.$/s);
  });

  it('takes a given name as it is, and a shell for an agent that ran a command', async () => {
    const plan = await planFix([agent({ name: 'srv', profile: 'cmd' })], { from: 'srv', name: 'mine', task: null, profile: null, all: false });
    expect(plan).toMatchObject({ name: 'mine', profile: 'shell' });
  });

  it('refuses an agent that is gone or has no worktree', async () => {
    await expect(planFix([agent({ name: 'g', state: 'gone' })], { from: 'g', name: null, task: null, profile: null, all: false })).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
    await expect(planFix([agent({ name: 'w', worktree: null })], { from: 'w', name: null, task: null, profile: null, all: false })).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
  });
});
