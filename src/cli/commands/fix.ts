// `fix --from AGENT`: a bug seen inside AGENT's worktree is fixed from AGENT's target, not from that
// worktree: a fix agent on a new branch from the target's tip, told where the bug was seen; as its
// commits land, the daemon brings them into AGENT (and, with --all, every worktree that lacks them).
// The plan is src/agents/fix-plan.ts; the spawn goes through the daemon as `spawn` does.
import type { Command } from '../command.js';
import { flag, str } from '../command.js';
import { usageError } from '../../errors.js';
import { planFix } from '../../agents/fix-plan.js';
import { spawn } from './spawn.js';

export const fix: Command = {
  name: 'fix',
  usage: 'fix --from AGENT [--task TEXT] [--name N] [--profile P] [--all]',
  summary: 'spawn a fix agent branched from AGENT\'s target; its commits are cherry-picked into AGENT as they land',
  options: {
    from: { type: 'string', arg: 'AGENT', help: 'the agent in whose worktree the bug was seen' },
    task: { type: 'string', arg: 'TEXT', help: 'what is wrong' },
    name: { type: 'string', short: 'n', arg: 'N', help: 'name of the fix agent (default fix-AGENT)' },
    profile: { type: 'string', arg: 'P', help: 'profile of the fix agent (default: AGENT\'s)' },
    all: { type: 'boolean', help: 'also bring the fix into every other agent\'s worktree that lacks it' },
    session: { type: 'string', arg: 'NAME', help: 'agents session name' },
  },
  async run(ctx) {
    const from = str(ctx, 'from');
    if (!from) throw usageError('MISSING_FROM', 'fix needs --from AGENT: the agent in whose worktree the bug was seen.', 'Example: tmuxcodex fix --from a1 --task "login redirect loops"');
    const client = await ctx.daemon();
    const { agents } = await client.request('list', {});
    const plan = await planFix(agents, { from, name: str(ctx, 'name'), task: str(ctx, 'task'), profile: str(ctx, 'profile'), all: flag(ctx, 'all') });
    return spawn.run({
      ...ctx,
      positionals: [plan.profile],
      options: {
        ...ctx.options, name: plan.name, worktree: 'new', base: plan.target, target: plan.target, task: plan.task, 'fix-for': plan.forAgent.id, 'fix-all': flag(ctx, 'all'),
        from: undefined, profile: undefined, all: undefined,
      },
      cwd: plan.worktree,
    });
  },
};
