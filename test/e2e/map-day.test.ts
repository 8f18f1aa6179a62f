// A day of use, as a person gets into it (issue 15): agents for two targets (main and consumer), a
// branch pushed with an upstream as `pr` pushes it, an agent with no commits yet, two agents whose
// branches conflict, a fix chain that conflicts in one worktree, a killed agent whose unmerged
// branch was kept (with an archive of its uncommitted work), and a propagate to worktrees that
// never had the bug. Every cell of `map --json` and every agent's `git` record is then checked
// against git's own answers, computed here independently of the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { MergeMap } from '../../src/git/mergemap.js';
import type { CleanResult } from '../../src/daemon/protocol.js';

let ts: TestServer;
let repo: string;
const wt = (name: string) => join(`${repo}.worktrees`, name);
const g = (dir: string, ...args: string[]) => git(dir, args, ts.env);
const tip = async (ref: string, dir = repo) => (await g(dir, 'rev-parse', '--verify', ref)).trim();

async function commitFile(dir: string, file: string, content: string, msg: string): Promise<string> {
  writeFileSync(join(dir, file), content);
  await g(dir, 'add', file);
  await g(dir, 'commit', '-q', '-m', msg);
  return tip('HEAD', dir);
}

async function spawn(name: string, extra: readonly string[] = []): Promise<AgentRecord> {
  return cliJson<AgentRecord>(ts, ['spawn', '--name', name, '--worktree', 'new', ...extra, '--cmd', 'exec sleep 600'], { cwd: repo });
}

const agents = async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd: repo })).agents;

// ---- git's own answers, computed here -----------------------------------------------------------

interface Truth { ahead: number; behind: number; merged: 'no' | 'ancestor' | 'patch' | 'squash'; conflicts: string[] }

/** ahead/behind, ancestry and predicted conflicts of branch against target, straight from git. */
async function truth(branch: string, target: string, base: string | null): Promise<Truth> {
  const [behind, ahead] = (await g(repo, 'rev-list', '--left-right', '--count', `refs/heads/${target}...refs/heads/${branch}`)).trim().split(/\s+/).map(Number);
  const empty = base !== null && (await tip(`refs/heads/${branch}`)) === base;
  const ancestor = await git(repo, ['merge-base', '--is-ancestor', `refs/heads/${branch}`, `refs/heads/${target}`], ts.env).then(() => true, () => false);
  // git cherry: every commit of the branch has an equivalent in the target ("-" lines only).
  const cherry = (await g(repo, 'cherry', `refs/heads/${target}`, `refs/heads/${branch}`)).trim().split('\n').filter(Boolean);
  const picked = cherry.length > 0 && cherry.every((l) => l.startsWith('-'));
  const merge = await git(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', `refs/heads/${target}`, `refs/heads/${branch}`], ts.env).then(() => null, (e: { stdout?: string }) => String(e.stdout ?? ''));
  const conflicts = merge === null ? [] : merge.split('\n').slice(1).filter(Boolean);
  const merged = empty ? 'no' : ancestor ? 'ancestor' : picked ? 'patch' : 'no';
  return { ahead: ahead!, behind: behind!, merged, conflicts };
}

// ---- the day ------------------------------------------------------------------------------------

let mainBase: string;
let consumerBase: string;
let bug: string;

beforeAll(async () => {
  ts = createTestServer('map-day');
  repo = realpathSync(await makeRepo(join(ts.root, 'repo'), ts.env));
  await g(repo, 'config', 'user.name', 'Repo User');
  await g(repo, 'config', 'user.email', 'repo@example.com');
  await commitFile(repo, 'shared.txt', 'line 1\nline 2\nline 3\n', 'shared file');
  await g(repo, 'branch', 'consumer');
  const origin = join(ts.root, 'origin.git');
  mkdirSync(origin);
  await g(origin, 'init', '-q', '--bare');
  await g(repo, 'remote', 'add', 'origin', origin);
  await g(repo, 'push', '-q', '--set-upstream', 'origin', 'main');
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);

  // Morning: an agent that never had the feature, then the feature (with its bug) lands on main.
  await spawn('old');
  await commitFile(wt('old'), 'old.txt', 'old work\n', 'old: work');
  await commitFile(repo, 'feature.txt', 'start\nbuggy\nend\n', 'feature with a bug');
  bug = await tip('main');
  mainBase = bug;
  // Agents on main: one pushes its branch (as `tmuxcodex pr` does, --set-upstream), two conflict
  // with each other, one has no commits yet.
  await spawn('pusher');
  await commitFile(wt('pusher'), 'pushed.txt', 'p1\n', 'pusher: 1');
  await commitFile(wt('pusher'), 'pushed2.txt', 'p2\n', 'pusher: 2');
  await g(repo, 'push', '-q', '--set-upstream', 'origin', 'refs/heads/pusher:refs/heads/pusher');
  // An integrator's helper works in pusher's worktree: one row for both.
  expect((await cli(ts, ['spawn', '--name', 'helper', '--worktree', 'shared', '--parent', 'pusher', '--cmd', 'exec sleep 600'], { cwd: repo })).exitCode).toBe(0);
  await spawn('left');
  await commitFile(wt('left'), 'shared.txt', 'line 1\nleft\nline 3\n', 'left: shared');
  await spawn('right');
  await commitFile(wt('right'), 'shared.txt', 'line 1\nright\nline 3\n', 'right: shared');
  await spawn('empty');
  // An agent for consumer, and consumer moving on.
  consumerBase = await tip('consumer');
  await spawn('cons', ['--target', 'consumer', '--base', 'consumer']);
  await commitFile(wt('cons'), 'c.txt', 'cons\n', 'cons: work');
  await g(repo, 'checkout', '-q', 'consumer');
  await commitFile(repo, 'consumer-only.txt', 'x\n', 'consumer moves on');
  await g(repo, 'checkout', '-q', 'main');
  // Main moves on after everyone branched.
  await commitFile(repo, 'later.txt', 'later\n', 'main moves on');

  // A killed agent: a commit of its own (unmerged) and uncommitted work (archived by kill).
  await spawn('doomed');
  await commitFile(wt('doomed'), 'doomed.txt', 'committed\n', 'doomed: committed');
  writeFileSync(join(wt('doomed'), 'wip.txt'), 'not committed\n');
  const killed = await cli(ts, ['kill', 'doomed'], { cwd: repo });
  expect(killed.exitCode, killed.stderr).toBe(0);
  expect(await tip('refs/heads/doomed')).toBeTruthy();
}, 180_000);

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

/** map --json for both targets, every cell checked against git's own answer. */
async function mapMatchingGit(): Promise<MergeMap> {
  const map = await cliJson<MergeMap>(ts, ['map', '--targets', 'main,consumer'], { cwd: repo });
  expect(map.targets).toEqual(['main', 'consumer']);
  const live = await agents();
  const baseOf = new Map(live.map((a) => [a.branch, a.base]));
  for (const row of map.rows) {
    if (!row.branch) continue;
    const base = baseOf.get(row.branch) ?? null;
    for (const t of ['main', 'consumer']) {
      const want = await truth(row.branch, t, row.agent ? base : null);
      expect(row.targets[t], `${row.branch} → ${t}`).toMatchObject(want);
    }
    expect(row.noCommitsYet, row.branch).toBe(row.agent !== null && base !== null && (await tip(`refs/heads/${row.branch}`)) === base);
  }
  // Every live agent is named on exactly one row.
  for (const a of live) expect(map.rows.filter((r) => r.agents.includes(a.name)), a.name).toHaveLength(1);
  return map;
}

describe('a day of work: the map against git', () => {
  it('every cell of map --json is git\'s own answer, and the killed agent\'s branch is still there', async () => {
    const map = await mapMatchingGit();
    const byBranch = new Map(map.rows.map((r) => [r.branch, r]));
    // The pushed branch is counted against each target, not its upstream.
    expect(byBranch.get('pusher')!.targets.main).toMatchObject({ ahead: 2, behind: 1 });
    // One row per worktree, naming every agent in it; each row knows its own target.
    expect(map.rows.filter((r) => r.branch === 'pusher')).toHaveLength(1);
    expect(byBranch.get('pusher')).toMatchObject({ agent: 'pusher', agents: ['pusher', 'helper'], target: 'main' });
    expect(byBranch.get('cons')).toMatchObject({ agents: ['cons'], target: 'consumer' });
    const table = (await cli(ts, ['map', '--targets', 'main,consumer'], { cwd: repo })).stdout;
    expect(table.split('\n').find((l) => l.startsWith('pusher'))).toMatch(/pusher, helper .* \*↑2 ↓1 clean +↑3 ↓1 clean/);
    expect(table.split('\n').find((l) => l.startsWith('cons '))).toMatch(/ ↑1 ↓\d+ clean +\*↑1 ↓1 clean/);
    // No commits yet is never merged.
    expect(byBranch.get('empty')).toMatchObject({ noCommitsYet: true, targets: { main: { merged: 'no', ahead: 0, behind: 1 } } });
    // The killed agent's unmerged branch: a row with no agent, its archive named.
    expect(byBranch.get('doomed')).toMatchObject({ agent: null, worktree: null, keptFrom: { agent: 'doomed', archive: expect.stringMatching(/^doomed\//) } });
    expect(byBranch.get('doomed')!.targets.main).toMatchObject({ ahead: 1, merged: 'no' });
    // The pair that conflicts, and only it.
    expect(map.pairs).toEqual([{ a: 'left', b: 'right', files: ['shared.txt'] }]);
  }, 120_000);

  it('every agent\'s git record is git\'s own answer against its own target', async () => {
    const live = await waitFor(async () => {
      const all = await agents();
      for (const a of all) {
        if (!a.branch || !a.git) return undefined;
        const want = await truth(a.branch, a.target ?? 'main', a.base);
        if (a.git.ahead !== want.ahead || a.git.behind !== want.behind) return undefined;
      }
      return all;
    }, { timeoutMs: 30_000, what: 'git fields that match git' });
    for (const a of live) {
      const want = await truth(a.branch!, a.target ?? 'main', a.base);
      const empty = (await tip(`refs/heads/${a.branch}`)) === a.base;
      expect(a.git, a.name).toMatchObject({ ahead: want.ahead, behind: want.behind, merged: want.merged !== 'no', mergedHow: want.merged, conflicts: want.conflicts, noCommitsYet: empty });
    }
    expect(live.find((a) => a.name === 'cons')!.git).toMatchObject({ ahead: 1, behind: 1 });
  }, 120_000);

  it('list says "no commits yet" for the empty agent, never merged', async () => {
    const out = (await cli(ts, ['list'], { cwd: repo })).stdout;
    const line = out.split('\n').find((l) => l.startsWith('empty'))!;
    expect(line).toContain('no commits yet');
    expect(line).not.toContain('merged');
  });

  it('clean lists the kept branch of the killed agent with what to do', async () => {
    const res = await cliJson<{ results: CleanResult[] }>(ts, ['clean', '--dry-run'], { cwd: repo });
    const doomed = res.results.find((r) => r.branch === 'doomed');
    expect(doomed).toMatchObject({ agent: 'doomed', action: 'kept', merged: 'no' });
    expect(doomed!.reason).toMatch(/git branch -D doomed/);
  });

  it('propagate --all: not-needed where the bug never was, a named conflict where it changed, exit 1 for the conflict', async () => {
    // left changed the feature's buggy line its own way too.
    await commitFile(wt('left'), 'feature.txt', 'start\nleft take\nend\n', 'left: feature');
    await commitFile(repo, 'feature.txt', 'start\nfixed\nend\n', 'fix the feature');
    const fix = await tip('main');
    const res = await cli(ts, ['propagate', fix, '--all', '--json'], { cwd: repo });
    const out = JSON.parse(res.stdout) as { results: Array<{ agent: string; outcome: string; reason: string | null; files: string[] }> };
    const by = Object.fromEntries(out.results.map((r) => [r.agent, r]));
    expect(by.old).toMatchObject({ outcome: 'not-needed' });
    expect(by.old!.reason).toContain(bug.slice(0, 7));
    expect(by.cons).toMatchObject({ outcome: 'not-needed' });
    expect(by.left).toMatchObject({ outcome: 'conflict', files: ['feature.txt'], reason: 'conflict in feature.txt' });
    expect(by.pusher).toMatchObject({ outcome: 'applied' });
    expect(res.exitCode).toBe(1);
    // Without the conflicting worktree, everything is settled: exit 0.
    const rest = await cli(ts, ['propagate', fix, '--to', 'right', '--to', 'old', '--json'], { cwd: repo });
    expect(rest.exitCode, rest.stdout).toBe(0);
    expect(mainBase).toBe(bug);
    expect(consumerBase).toBeTruthy();
  }, 120_000);

  it('a fix chain whose first commit conflicts in the agent\'s worktree stops there, and the map stays true', async () => {
    const fixer = await cliJson<AgentRecord>(ts, ['fix', '--from', 'right', '--task', 'line 2 is wrong'], { cwd: repo });
    const f1 = await commitFile(wt(fixer.name), 'shared.txt', 'line 1\nfixed line 2\nline 3\n', 'F1: line 2');
    const f2 = await commitFile(wt(fixer.name), 'extra.txt', 'extra\n', 'F2: extra');
    const right = await waitFor(async () => (await agents()).find((a) => a.name === 'right' && a.fixBlocked), { timeoutMs: 30_000, what: 'right blocked by F1' });
    expect(right.fixBlocked).toMatchObject({ fix: fixer.name, commit: f1, files: ['shared.txt'] });
    // Neither F1 nor F2 reached right; the fix agent does not claim F2 was brought.
    expect((await g(wt('right'), 'log', '--format=%B')).includes(f2)).toBe(false);
    expect((await agents()).find((a) => a.name === fixer.name)!.fix!.propagatedTip).not.toBe(f2);
    const map = await mapMatchingGit();
    expect(map.rows.find((r) => r.agent === fixer.name)!.targets.main).toMatchObject({ ahead: 2, behind: 0 });
  }, 120_000);
});
