// `where REV [--run CMD]`: which worktrees contain a commit (or an equivalent patch) and which lack
// it; with --run, a reproduction command runs in every worktree at once (src/agents/where.ts).
import type { Command } from '../command.js';
import { str } from '../command.js';
import { usageError } from '../../errors.js';
import { requireRev } from '../../agents/git-facts.js';
import { runInRows, whereRows } from '../../agents/where.js';
import { printJson, table } from '../output.js';

export const where: Command = {
  name: 'where',
  usage: 'where REV [--run CMD] [--timeout SEC] [--jobs N]',
  summary: 'which worktrees contain REV, contain an equivalent patch, or lack it; --run a check in each',
  options: {
    run: { type: 'string', arg: 'CMD', help: 'a command line to run in every worktree (pass/fail per worktree)' },
    timeout: { type: 'number', arg: 'SEC', help: 'time limit per worktree for --run (default 300)' },
    jobs: { type: 'number', arg: 'N', help: 'worktrees at once for --run (default 4)' },
  },
  async run(ctx) {
    const rev = ctx.positionals[0];
    if (!rev) throw usageError('MISSING_REV', 'where needs a REV: a commit, branch or tag.', 'Example: tmuxcodex where a1b2c3d --run "npm test"');
    const { repo, commit } = await requireRev(ctx.cwd, rev, 'where looks through a repository\'s worktrees');
    const client = await ctx.daemon();
    const { agents } = await client.request('list', {});
    const rows = await whereRows(repo, commit, agents);
    const command = str(ctx, 'run');
    if (command !== null) {
      const timeout = (ctx.options.timeout as number | undefined) ?? 300;
      const jobs = (ctx.options.jobs as number | undefined) ?? 4;
      if (!(timeout > 0) || !Number.isInteger(jobs) || jobs < 1) throw usageError('BAD_NUMBER', '--timeout takes seconds above 0 and --jobs a whole number from 1.');
      await runInRows(rows, agents, command, { timeoutMs: timeout * 1000, jobs, env: ctx.env });
    }
    // Exit 1 when a check failed somewhere, with --json too: scripts test the exit code.
    const failed = command !== null && rows.some((r) => r.run && r.run.exitCode !== 0) ? 1 : 0;
    if (ctx.json) {
      printJson({ rev: commit, rows });
      return failed;
    }
    process.stdout.write(table(['WORKTREE', 'BRANCH', 'AGENT', 'DIRTY', 'STATUS', ...(command !== null ? ['RUN', 'LOG'] : [])],
      rows.map((r) => [r.worktree ?? '-', r.branch ?? `(detached ${r.head?.slice(0, 12) ?? '?'})`, r.agent ?? (r.madeBy ? `- (${r.madeBy.by}: ${r.madeBy.name})` : '-'), r.dirty === null ? '?' : String(r.dirty), r.status,
        ...(command !== null ? [r.run ? (r.run.timedOut ? 'timeout' : r.run.exitCode === 0 ? 'pass' : `fail (${r.run.exitCode ?? '?'})`) : '-', r.run?.log ?? '-'] : [])])));
    return failed;
  },
};
