// `propagate REV --to AGENT|PATH... | --all`: cherry-pick a fix into the worktrees that lack it (agents', or one named by its folder).
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { requireWorktreeRoot } from '../../git/repo.js';
import { requireCommit } from '../../git/where.js';
import { commonGitDir, listWorktrees } from '../../git/worktree.js';
import { propagateInto, SETTLED } from '../../git/propagate.js';
import { bugCommitsOf } from '../../git/bug-commits.js';
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
    const repo = await requireWorktreeRoot(ctx.cwd, 'propagate works on a repository\'s worktrees');
    const commit = await requireCommit(repo, rev);
    // Worktrees that lack these never had the bug: not-needed there, rather than a conflict.
    const givenBugs = (ctx.options.bug as string[] | undefined) ?? [];
    const bugs = givenBugs.length ? await Promise.all(givenBugs.map((b) => requireCommit(repo, b))) : await bugCommitsOf(repo, commit);
    const client = await ctx.daemon();
    const { agents } = await client.request('list', {});
    const live = agents.filter((a) => a.state !== 'gone' && a.worktree);
    // --all: agents of this repository with a worktree of their own (never a shared or existing
    // one, which may be the user's own checkout); --to names agents explicitly.
    const repoDir = await commonGitDir(repo);
    const own = [];
    for (const a of live) if (a.worktree!.mode === 'new' && (await commonGitDir(a.worktree!.path)) === repoDir) own.push(a);
    const worktrees = (await listWorktrees(repo)).filter((w) => !w.bare && !w.prunable);
    const chosen = flag(ctx, 'all') ? own.map((a) => ({ name: a.name as string | null, path: a.worktree!.path })) : to.map((ref) => {
      const a = live.find((x) => x.id === ref || x.name === ref);
      if (a) return { name: a.name as string | null, path: a.worktree!.path };
      // A worktree no agent works in (Claude's -w, codex --worktree) is named by its folder.
      const w = worktrees.find((x) => x.path === resolve(ctx.cwd, ref));
      if (w) return { name: live.find((x) => x.worktree?.path === w.path)?.name ?? null, path: w.path };
      throw usageError('AGENT_NOT_FOUND', `No live agent with a worktree is called "${ref}", and no worktree of ${repo} is there.`, 'Run `tmuxcodex list` for the agents, `git worktree list` for the worktrees.');
    });
    // Agents that share a worktree get the fix once.
    const seen = new Set<string>();
    const results = [];
    for (const a of chosen) {
      if (seen.has(a.path)) continue;
      seen.add(a.path);
      results.push(await propagateInto(a.path, a.name, commit, bugs));
    }
    // Exit 1 (with --json too) unless every worktree is settled: applied, already or not-needed.
    // A script must not read a conflict, a skipped worktree or an error as done.
    const failed = results.every((r) => SETTLED.has(r.outcome)) ? 0 : 1;
    if (ctx.json) {
      printJson({ rev: commit, results });
      return failed;
    }
    process.stdout.write(table(['AGENT', 'WORKTREE', 'OUTCOME', 'REASON'], results.map((r) => [r.agent ?? (r.madeBy ? `- (${r.madeBy.by}: ${r.madeBy.name})` : '-'), r.worktree, r.outcome, [r.recovered && `an interrupted propagate's pick was ${r.recovered === 'finished' ? 'finished' : 'rolled back'} first`, r.reason].filter(Boolean).join('; ')])));
    return failed;
  },
};
