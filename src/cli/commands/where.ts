// `where REV [--run CMD]`: which worktrees contain a commit (or an equivalent patch) and which lack
// it; with --run, a reproduction command runs in every worktree at once, each with its own log.
import { closeSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { str } from '../command.js';
import { usageError } from '../../errors.js';
import { stateHome } from '../../config/dirs.js';
import { runToFile } from '../../proc/run.js';
import { requireWorktreeRoot } from '../../git/repo.js';
import { requireCommit, whereIs, type WhereRow } from '../../git/where.js';
import { printJson, table } from '../output.js';
import { fullAgentEnv } from '../../agents/agent-env.js';

interface RunOutcome { exitCode: number | null; log: string; timedOut: boolean }

/** Runs the user's command line in worktree (through sh -c, as typed), all its output to logFile. */
async function runIn(worktree: string, command: string, logFile: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<RunOutcome> {
  const fd = openSync(logFile, 'wx'); // never a file another row writes: each row's name is its own
  try {
    const res = await runToFile('/bin/sh', ['-c', command], { cwd: worktree, timeoutMs, logFd: fd, env });
    return { exitCode: res.exitCode, log: logFile, timedOut: res.timedOut };
  } finally {
    closeSync(fd);
  }
}

/** The row's log file name: its place in the table first, so two rows never share one (feat/a, feat_a). */
export function logName(index: number, row: Pick<WhereRow, 'agent' | 'branch'>): string {
  return `${String(index + 1).padStart(2, '0')}-${(row.agent ?? row.branch ?? 'detached').replace(/[^\w.-]/g, '_')}.log`;
}

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
    const repo = await requireWorktreeRoot(ctx.cwd, 'where looks through a repository\'s worktrees');
    const commit = await requireCommit(repo, rev);
    const client = await ctx.daemon();
    const live = (await client.request('list', {})).agents.filter((a) => a.state !== 'gone');
    const agents = live.map((a) => ({ name: a.name, branch: a.branch, worktree: a.worktree?.path ?? null }));
    const rows: Array<WhereRow & { run: RunOutcome | null }> = (await whereIs(repo, commit, agents)).map((r) => ({ ...r, run: null }));
    const command = str(ctx, 'run');
    if (command !== null) {
      const timeout = (ctx.options.timeout as number | undefined) ?? 300;
      const jobs = (ctx.options.jobs as number | undefined) ?? 4;
      if (!(timeout > 0) || !Number.isInteger(jobs) || jobs < 1) throw usageError('BAD_NUMBER', '--timeout takes seconds above 0 and --jobs a whole number from 1.');
      // A folder of this run's own (two runs in one millisecond get two folders), under an absolute state folder.
      const logRoot = join(stateHome(ctx.env), 'tmuxcodex', 'where');
      mkdirSync(logRoot, { recursive: true });
      const logDir = mkdtempSync(join(logRoot, `${new Date().toISOString().replace(/[:.]/g, '-')}-`));
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(jobs, rows.length) }, async () => {
        while (next < rows.length) {
          const index = next++;
          const row = rows[index]!;
          if (!row.worktree) continue;
          // An agent's check runs with the agent's own environment, PORT included.
          const agent = live.find((a) => a.name === row.agent);
          const env = { ...ctx.env, ...(agent ? fullAgentEnv(agent, row.worktree) : {}) };
          row.run = await runIn(row.worktree, command, join(logDir, logName(index, row)), timeout * 1000, env);
        }
      }));
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
