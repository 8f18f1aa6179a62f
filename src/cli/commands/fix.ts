// `fix --from AGENT`: a bug seen inside AGENT's worktree is fixed from AGENT's target, not from that
// worktree: a fix agent on a new branch from the target's tip, told where the bug was seen; as its
// commits land, the daemon brings them into AGENT (and, with --all, every worktree that lacks them).
import type { Command } from '../command.js';
import { flag, str } from '../command.js';
import { usageError } from '../../errors.js';
import { defaultBranch } from '../../git/worktree.js';
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
    const agent = agents.find((a) => a.id === from || a.name === from);
    if (!agent || agent.state === 'gone' || !agent.worktree) throw usageError('AGENT_NOT_FOUND', `No live agent with a worktree is called "${from}".`, 'Run `tmuxcodex list` to see them.');
    const target = agent.target ?? (await defaultBranch(agent.worktree.path));
    if (!target) throw usageError('NO_TARGET', `Agent "${agent.name}" has no target and the repository no default branch to fix from.`, 'Spawn agents with --target, or set targets in the config.');
    const names = new Set(agents.map((a) => a.name));
    let name = str(ctx, 'name') ?? `fix-${agent.name}`;
    for (let n = 2; !str(ctx, 'name') && names.has(name); n++) name = `fix-${agent.name}-${n}`;
    const where = `This bug was seen in the worktree of agent ${agent.name} (${agent.worktree.path}, branch ${agent.branch ?? 'detached'}). ` +
      `You work on a branch from ${target}, not in that worktree. Fix it here and commit; each commit is brought into ${agent.name}${flag(ctx, 'all') ? ' and every worktree that lacks it' : ''}.`;
    const task = [str(ctx, 'task'), where].filter(Boolean).join('\n\n');
    const profile = str(ctx, 'profile') ?? (agent.profile === 'cmd' ? 'shell' : agent.profile);
    return spawn.run({
      ...ctx,
      positionals: [profile],
      options: {
        ...ctx.options, name, worktree: 'new', base: target, target, task, 'fix-for': agent.id, 'fix-all': flag(ctx, 'all'),
        from: undefined, profile: undefined, all: undefined,
      },
      cwd: agent.worktree.path,
    });
  },
};
