// `where REV [--run CMD]`: which worktrees contain a commit (or an equivalent patch) and which lack
// it; with --run, a reproduction command runs in every worktree at once, each with its own log and
// the agent's own environment. Read-only for git: the CLI runs it without the daemon's help beyond
// the list of agents.
import { closeSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from '../core/agent.js';
import { stateHome } from '../config/dirs.js';
import { whereIs, type WhereRow } from '../git/where.js';
import { runToFile } from '../proc/run.js';
import { fullAgentEnv } from './agent-env.js';

export interface RunOutcome { exitCode: number | null; log: string; timedOut: boolean }
export type WhereRunRow = WhereRow & { run: RunOutcome | null };

/** Every worktree of repo against commit, each named by the live agent (of agents) working there. */
export async function whereRows(repo: string, commit: string, agents: readonly AgentRecord[]): Promise<WhereRunRow[]> {
  const live = agents.filter((a) => a.state !== 'gone').map((a) => ({ name: a.name, branch: a.branch, worktree: a.worktree?.path ?? null }));
  return (await whereIs(repo, commit, live)).map((r) => ({ ...r, run: null }));
}

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

/** --run: command in every row's worktree, jobs at a time, filling in each row's run. */
export async function runInRows(rows: WhereRunRow[], agents: readonly AgentRecord[], command: string, o: { timeoutMs: number; jobs: number; env: NodeJS.ProcessEnv }): Promise<void> {
  // A folder of this run's own (two runs in one millisecond get two folders), under an absolute state folder.
  const logRoot = join(stateHome(o.env), 'tmuxcodex', 'where');
  mkdirSync(logRoot, { recursive: true });
  const logDir = mkdtempSync(join(logRoot, `${new Date().toISOString().replace(/[:.]/g, '-')}-`));
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(o.jobs, rows.length) }, async () => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index]!;
      if (!row.worktree) continue;
      // An agent's check runs with the agent's own environment, PORT included.
      const agent = agents.find((a) => a.state !== 'gone' && a.name === row.agent);
      const env = { ...o.env, ...(agent ? fullAgentEnv(agent, row.worktree) : {}) };
      row.run = await runIn(row.worktree, command, join(logDir, logName(index, row)), o.timeoutMs, env);
    }
  }));
}
