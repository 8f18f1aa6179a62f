// `where REV --run CMD` through the CLI: which worktrees hold a fix, and a reproduction command
// run in each at once, pass/fail per worktree, every line of its output kept in a log per worktree,
// a time limit that ends the whole command (what it started too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { isRunning } from '../helpers/proc.js';

let ts: TestServer;
let repo: string;
let fix: string;
const wt = (name: string) => join(`${repo}.worktrees`, name);

interface WhereJson { rev: string; rows: Array<{ worktree: string; agent: string | null; status: string; run: { exitCode: number | null; log: string; timedOut: boolean } | null }> }

beforeAll(async () => {
  ts = createTestServer('where');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  for (const n of ['old', 'fixed']) expect((await cli(ts, ['spawn', '--name', n, '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo })).exitCode).toBe(0);
  // The bug: bug.txt says "broken"; the fix (on main, picked into "fixed") says "ok".
  writeFileSync(join(repo, 'bug.txt'), 'ok\n');
  await git(repo, ['add', 'bug.txt'], ts.env);
  await git(repo, ['commit', '-q', '-m', 'fix the bug'], ts.env);
  fix = (await git(repo, ['rev-parse', 'HEAD'], ts.env)).trim();
  // Work of its own first, so the pick is a new commit (a pick onto the same parent in the same
  // second would be the very same commit).
  writeFileSync(join(wt('fixed'), 'own.txt'), 'own work\n');
  await git(wt('fixed'), ['add', 'own.txt'], ts.env);
  await git(wt('fixed'), ['commit', '-q', '-m', 'own work'], ts.env);
  await git(wt('fixed'), ['cherry-pick', fix], ts.env);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

const row = (res: WhereJson, agent: string) => res.rows.find((r) => r.agent === agent)!;

describe('where --run', () => {
  it('runs the check in every worktree and keeps stdout and stderr, in order, in each log', async () => {
    const check = 'echo "out before"; echo "err between" >&2; echo "out after"; test "$(cat bug.txt 2>/dev/null)" = ok';
    const res = await cli(ts, ['where', fix, '--run', check, '--json'], { cwd: repo });
    expect(res.exitCode).toBe(1); // some worktree fails the check
    const out = JSON.parse(res.stdout) as WhereJson;
    expect(row(out, 'old')).toMatchObject({ status: 'lacks', run: { exitCode: 1, timedOut: false } });
    expect(row(out, 'fixed')).toMatchObject({ status: 'equivalent', run: { exitCode: 0, timedOut: false } });
    expect(out.rows.find((r) => r.worktree === repo)).toMatchObject({ status: 'contains', run: { exitCode: 0 } });
    for (const r of out.rows) expect(readFileSync(r.run!.log, 'utf8')).toBe('out before\nerr between\nout after\n');
  });

  it('ends a check at its time limit, with what it started in the background', async () => {
    const pids = join(ts.root, 'grandchildren');
    mkdirSync(pids);
    // A grandchild that would outlive a shell killed alone: it records its pid and sleeps a minute.
    const check = `sleep 60 & echo $! > ${pids}/$$; echo started; wait`;
    const started = Date.now();
    const res = await cli(ts, ['where', fix, '--run', check, '--timeout', '0.3', '--jobs', '3', '--json'], { cwd: repo });
    expect(res.exitCode).toBe(1);
    const out = JSON.parse(res.stdout) as WhereJson;
    // Cut at its limit, far before the check would have ended by itself.
    expect(Date.now() - started).toBeLessThan(30_000);
    for (const r of out.rows) {
      expect(r.run).toMatchObject({ timedOut: true });
      expect(readFileSync(r.run!.log, 'utf8')).toBe('started\n');
    }
    // Each check's grandchild was ended with it: no sleeper is left running.
    const sleepers = readdirSync(pids).map((f) => Number(readFileSync(join(pids, f), 'utf8')));
    expect(sleepers).toHaveLength(out.rows.length);
    await waitFor(() => sleepers.every((p) => !isRunning(p)), { what: 'the grandchildren to be ended' });
  });

  it('refuses an unknown REV and bad numbers with exit code 2', async () => {
    const unknown = await cli(ts, ['where', 'no-such-rev'], { cwd: repo });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no-such-rev');
    const bad = await cli(ts, ['where', fix, '--run', 'true', '--jobs', '0'], { cwd: repo });
    expect(bad.exitCode).toBe(2);
  });

  it('gives every worktree its own log (two detached; feat/a and feat_a), and each agent its own PORT and environment', async () => {
    const extra = { d1: ['--detach'], d2: ['--detach'], slash: ['-b', 'feat/a'], underscore: ['-b', 'feat_a'] };
    for (const [dir, how] of Object.entries(extra)) await git(repo, ['worktree', 'add', '-q', ...how, join(ts.root, dir)], ts.env);
    try {
      const check = 'pwd; echo "PORT=$PORT AGENT=$TMUXCODEX_AGENT_NAME ID=$TMUXCODEX_AGENT_ID"';
      const res = await cli(ts, ['where', fix, '--run', check, '--json'], { cwd: repo });
      expect(res.exitCode).toBe(0);
      const out = JSON.parse(res.stdout) as WhereJson;
      expect(out.rows).toHaveLength(7);
      expect(new Set(out.rows.map((r) => r.run!.log)).size).toBe(out.rows.length);
      for (const r of out.rows) expect(readFileSync(r.run!.log, 'utf8').split('\n')[0]).toBe(r.worktree);
      const agents = (JSON.parse((await cli(ts, ['list', '--json'])).stdout) as { agents: Array<{ id: string; name: string; ports: number[] }> }).agents;
      const ports = new Set<number>();
      for (const a of agents.filter((x) => x.name === 'old' || x.name === 'fixed')) {
        expect(a.ports.length).toBeGreaterThan(0);
        ports.add(a.ports[0]!);
        expect(readFileSync(row(out, a.name).run!.log, 'utf8').split('\n')[1]).toBe(`PORT=${a.ports[0]} AGENT=${a.name} ID=${a.id}`);
      }
      expect(ports.size).toBe(2);
      // A worktree no agent works in runs with the caller's environment, no agent's.
      expect(readFileSync(out.rows.find((r) => r.worktree === join(ts.root, 'd1'))!.run!.log, 'utf8').split('\n')[1]).toBe('PORT= AGENT= ID=');
    } finally {
      for (const dir of Object.keys(extra)) await git(repo, ['worktree', 'remove', '--force', join(ts.root, dir)], ts.env);
    }
  });
});
