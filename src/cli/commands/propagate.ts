// `propagate REV --to AGENT|PATH... | --all`: cherry-pick a fix into the worktrees that lack it (agents', or one named by its folder).
// The CLI runs the picks (src/agents/propagate.ts); the daemon only names the agents.
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { requireRev } from '../../agents/git-facts.js';
import { allSettled, bugsOf, propagateToAgents, receiversOf } from '../../agents/propagate.js';
import { printJson, table } from '../output.js';

export const propagate: Command = {
  name: 'propagate',
  usage: 'propagate REV --to AGENT|PATH [--to AGENT|PATH]... | --all [--bug REV]...',
  summary: 'cherry-pick a fix (with -x) into agents\' worktrees that had the bug; dirty, busy or conflicting ones are left exactly as they were; exit 1 unless every worktree is applied, already or not-needed',
  options: {
    bug: { type: 'list', arg: 'REV', help: 'the commit the fix repairs (repeatable); default: the commits its removed lines were written in' },
    to: { type: 'list', arg: 'AGENT|PATH', help: 'an agent, or the folder of a worktree no agent works in (a Claude or Codex one), to bring the fix to (repeatable)' },
    all: { type: 'boolean', help: 'every live agent with a worktree of its own' },
  },
  async run(ctx) {
    const rev = ctx.positionals[0];
    const to = (ctx.options.to as string[] | undefined) ?? [];
    if (!rev) throw usageError('MISSING_REV', 'propagate needs a REV: the commit to bring.', 'Example: tmuxcodex propagate a1b2c3d --all');
    if ((to.length > 0) === flag(ctx, 'all')) throw usageError('PROPAGATE_TARGETS', 'Say where: --to AGENT (repeatable) or --all.');
    const { repo, commit } = await requireRev(ctx.cwd, rev, 'propagate works on a repository\'s worktrees');
    const bugs = await bugsOf(repo, commit, (ctx.options.bug as string[] | undefined) ?? []);
    const client = await ctx.daemon();
    const { agents } = await client.request('list', {});
    const receivers = await receiversOf(repo, agents, flag(ctx, 'all') ? { all: true } : { all: false, to, cwd: ctx.cwd });
    const results = await propagateToAgents(receivers, commit, bugs);
    // Exit 1 (with --json too) unless every worktree is settled: applied, already or not-needed.
    // A script must not read a conflict, a skipped worktree or an error as done.
    const failed = allSettled(results) ? 0 : 1;
    if (ctx.json) {
      printJson({ rev: commit, results });
      return failed;
    }
    process.stdout.write(table(['AGENT', 'WORKTREE', 'OUTCOME', 'REASON'], results.map((r) => [r.agent ?? (r.madeBy ? `- (${r.madeBy.by}: ${r.madeBy.name})` : '-'), r.worktree, r.outcome, [r.recovered && `an interrupted propagate's pick was ${r.recovered === 'finished' ? 'finished' : 'rolled back'} first`, r.reason].filter(Boolean).join('; ')])));
    return failed;
  },
};
