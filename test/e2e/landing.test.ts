// Landing agents' work, through the CLI as a user runs it, on a real tmux server and real git
// repositories: `merge` (merge commit, squash, rebase, fast-forward; refused conflicts and dirty
// targets that change nothing), `pr` (push + a fake GitHub CLI, recorded on the agent), and
// `clean` (exited agents whose work is merged lose their worktree and branch; the rest stay).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, type CliResult } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { CleanResult, KillResult } from '../../src/daemon/protocol.js';
import type { LandResult } from '../../src/git/land.js';

const FAKE_GH_DIR = fileURLToPath(new URL('../fake-gh', import.meta.url));

let ts: TestServer;
let repo: string;
let origin: string;
const wt = (name: string) => join(`${repo}.worktrees`, name);

interface MergeJson { agent: AgentRecord; branch: string; into: string; method: string; commit: string; removed: { worktree: string | null; branch: string | null } | null; landed: LandResult; teardown: KillResult | null }
interface PrJson { agent: string; branch: string; base: string; pushed: boolean; url: string | null; existing: boolean; finishWith: string[] | null; compareUrl: string | null }
interface ErrorJson { error: { code: string; message: string; hint: string | null; kind: string } }

// ---- small helpers ------------------------------------------------------------------------------

/** git in dir, its output without the final newline (leading spaces of porcelain output kept). */
const g = (dir: string, args: readonly string[]) => git(dir, args, ts.env);
/** A read that must not touch any index (as the daemon's own reads). */
const gRead = (dir: string, args: readonly string[]) => git(dir, args, { ...ts.env, GIT_OPTIONAL_LOCKS: '0' });
const tip = async (ref: string, dir = repo) => (await g(dir, ['rev-parse', '--verify', ref])).trim();
const parentsOf = async (ref: string) => (await g(repo, ['rev-list', '--parents', '-n', '1', ref])).trim().split(' ').slice(1);
const isAncestor = async (a: string, b: string) => (await git(repo, ['merge-base', '--is-ancestor', a, b], ts.env).then(() => true, () => false));
const branchExists = async (b: string, dir = repo) => (await g(dir, ['for-each-ref', '--format=%(refname)', `refs/heads/${b}`])).trim() === `refs/heads/${b}`;

async function agents(): Promise<AgentRecord[]> {
  return (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd: repo })).agents;
}
const agent = async (name: string) => (await agents()).find((a) => a.name === name);

async function spawnAgent(name: string, extra: readonly string[] = [], cmd = 'exec sleep 600'): Promise<AgentRecord> {
  return cliJson<AgentRecord>(ts, ['spawn', '--name', name, '--worktree', 'new', ...extra, '--cmd', cmd], { cwd: repo });
}

/** Writes file (relative to dir), commits it there with subject msg; returns the new commit. */
async function commitFile(dir: string, file: string, content: string, msg: string): Promise<string> {
  writeFileSync(join(dir, file), content);
  await g(dir, ['add', file]);
  await g(dir, ['commit', '-q', '-m', msg]);
  return tip('HEAD', dir);
}

/** The {"error": ...} a --json command printed on stderr. */
function errorOf(res: CliResult): ErrorJson['error'] {
  const line = res.stderr.split('\n').find((l) => l.startsWith('{"error"'));
  if (!line) throw new Error(`no JSON error on stderr (exit ${res.exitCode}): ${res.stderr}`);
  return (JSON.parse(line) as ErrorJson).error;
}

/** The paths of every worktree of the repository, from git itself. */
async function worktreePaths(): Promise<string[]> {
  return (await gRead(repo, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length));
}

/** Everything a refused merge must leave as it was: refs, worktrees, their HEADs and status, file contents. */
async function snapshot(files: readonly string[]) {
  const refs = await gRead(repo, ['for-each-ref', '--format=%(refname) %(objectname)']);
  const worktrees = await gRead(repo, ['worktree', 'list', '--porcelain']);
  const perWorktree: Record<string, { head: string; status: string }> = {};
  for (const path of await worktreePaths()) {
    perWorktree[path] = { head: await gRead(path, ['rev-parse', 'HEAD']), status: await gRead(path, ['status', '--porcelain', '--untracked-files=all']) };
  }
  const contents = Object.fromEntries(files.map((f) => [f, readFileSync(f, 'utf8')]));
  return { refs, worktrees, perWorktree, contents };
}

// ---- the repository, its origin, the daemon -----------------------------------------------------

beforeAll(async () => {
  ts = createTestServer('landing');
  repo = realpathSync(await makeRepo(join(ts.root, 'repo'), ts.env));
  // The repository's own identity: the daemon makes merge, squash and rebase commits.
  await g(repo, ['config', 'user.name', 'Repo User']);
  await g(repo, ['config', 'user.email', 'repo@example.com']);
  await commitFile(repo, 'shared.txt', 'line 1\nline 2\nline 3\n', 'shared file');
  // consumer: a branch of its own, checked out nowhere.
  await g(repo, ['checkout', '-q', '-b', 'consumer']);
  await commitFile(repo, 'consumer.txt', 'consumer only\n', 'consumer setup');
  await g(repo, ['checkout', '-q', 'main']);
  origin = join(ts.root, 'origin.git');
  mkdirSync(origin);
  await g(origin, ['init', '-q', '--bare']);
  await g(repo, ['remote', 'add', 'origin', origin]);
  await g(repo, ['push', '-q', 'origin', 'main', 'consumer']);
  expect(await tip('refs/remotes/origin/consumer')).toBe(await tip('consumer'));
  const up = await cli(ts, ['up', '--detached'], { cwd: repo });
  expect(up.exitCode, up.stderr).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

// ---- merge ----------------------------------------------------------------------------------------

describe('merge', () => {
  // The agents kept running by these tests are done with: stopped, so the agents window has room again.
  afterAll(async () => {
    for (const a of await agents()) {
      if (a.state === 'running') expect((await cli(ts, ['kill', a.name], { cwd: repo })).exitCode).toBe(0);
    }
  });

  it('makes a merge commit in the clean checkout of main, then removes the agent, its worktree and its branch', async () => {
    await spawnAgent('m1');
    const work = await commitFile(wt('m1'), 'm1.txt', 'm1 work\n', 'm1: add m1.txt');
    const before = await tip('main');
    const res = await cli(ts, ['merge', 'm1', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as MergeJson;
    const after = await tip('main');
    expect(out.landed).toEqual({ target: 'main', method: 'merge', before, after, checkout: repo, branchTip: work });
    expect(out.teardown).toMatchObject({ archive: null, removed: { worktree: wt('m1'), branch: 'm1' }, kept: null });
    expect(out).toMatchObject({ branch: 'm1', into: 'main', method: 'merge', commit: after, removed: { worktree: wt('m1'), branch: 'm1' } });
    expect(out.agent).toMatchObject({ name: 'm1', state: 'gone' });
    // A true merge commit: the old main first, the agent's commit second.
    expect(await parentsOf('main')).toEqual([before, work]);
    expect(await isAncestor(work, 'main')).toBe(true);
    expect(await g(repo, ['log', '-1', '--format=%B', 'main'])).toContain("Merge branch 'm1' into main");
    expect(await g(repo, ['log', '-1', '--format=%B', 'main'])).toContain('Agent m1');
    // It happened in repo itself: the checkout is on the new main, clean, with the file.
    expect(await tip('HEAD')).toBe(after);
    expect(await gRead(repo, ['status', '--porcelain'])).toBe('');
    expect(readFileSync(join(repo, 'm1.txt'), 'utf8')).toBe('m1 work\n');
    // Tidied away.
    expect(await agent('m1')).toBeUndefined();
    expect(existsSync(wt('m1'))).toBe(false);
    expect(await worktreePaths()).not.toContain(wt('m1'));
    expect(await branchExists('m1')).toBe(false);
  });

  it('--squash into consumer (checked out nowhere): one commit on consumer with the agent\'s change, made without a worktree', async () => {
    const spawned = await spawnAgent('s1', ['--target', 'consumer', '--task', 'add the squash feature']);
    expect(spawned.target).toBe('consumer');
    const consumerBefore = await tip('consumer');
    expect(await tip('HEAD', wt('s1'))).toBe(consumerBefore);
    await commitFile(wt('s1'), 's1-a.txt', 'first part\n', 's1: first part');
    const last = await commitFile(wt('s1'), 's1-b.txt', 'second part\n', 's1: second part');
    const mainBefore = await tip('main');
    const worktreesBefore = await worktreePaths();

    const res = await cli(ts, ['merge', 's1', '--squash', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as MergeJson;
    const after = await tip('consumer');
    expect(out.landed).toEqual({ target: 'consumer', method: 'squash', before: consumerBefore, after, checkout: null, branchTip: last });
    expect(await parentsOf('consumer')).toEqual([consumerBefore]);
    expect(await isAncestor(last, 'consumer')).toBe(false);
    expect(await g(repo, ['show', 'consumer:s1-a.txt'])).toBe('first part');
    expect(await g(repo, ['show', 'consumer:s1-b.txt'])).toBe('second part');
    expect(await g(repo, ['show', 'consumer:consumer.txt'])).toBe('consumer only');
    const message = await g(repo, ['log', '-1', '--format=%B', 'consumer']);
    expect(message.split('\n')[0]).toBe('add the squash feature');
    expect(message).toContain('Agent s1');
    expect(message).toContain('- s1: first part\n- s1: second part');
    // Squashed counts as merged: the branch goes with the worktree.
    expect(out.teardown).toMatchObject({ removed: { worktree: wt('s1'), branch: 's1' }, kept: null });
    expect(await branchExists('s1')).toBe(false);
    expect(existsSync(wt('s1'))).toBe(false);
    // No temporary worktree left behind; main and its checkout untouched.
    expect(await worktreePaths()).toEqual(worktreesBefore.filter((p) => p !== wt('s1')));
    expect(await tip('main')).toBe(mainBefore);
    expect(await gRead(repo, ['status', '--porcelain'])).toBe('');
  });

  it('--squash of an agent targeting main, in one command: one commit in main\'s clean checkout, the agent tidied away (the issue\'s done-when)', async () => {
    await spawnAgent('sq-main', ['--task', 'tidy the readme']);
    await commitFile(wt('sq-main'), 'sq-a.txt', 'a\n', 'sq-main: a');
    await commitFile(wt('sq-main'), 'sq-b.txt', 'b\n', 'sq-main: b');
    const before = await tip('main');
    const res = await cli(ts, ['merge', 'sq-main', '--squash'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('squash-merged sq-main into main');
    expect(await parentsOf('main')).toEqual([before]);
    expect(await g(repo, ['show', 'main:sq-b.txt'])).toBe('b');
    expect(await gRead(repo, ['status', '--porcelain'])).toBe(''); // the checkout of main moved with it
    expect(await agent('sq-main')).toBeUndefined();
    expect(await branchExists('sq-main')).toBe(false);
    expect(existsSync(wt('sq-main'))).toBe(false);
  });

  it('--rebase replays the agent\'s commit on main\'s new tip: linear history', async () => {
    await spawnAgent('r1');
    const work = await commitFile(wt('r1'), 'r1.txt', 'r1 work\n', 'r1: add r1.txt');
    // main moves on meanwhile, so the rebase has something to replay onto.
    const moved = await commitFile(repo, 'main-moved.txt', 'main moved\n', 'main moves on');
    const worktreesBefore = await worktreePaths();
    const res = await cli(ts, ['merge', 'r1', '--rebase', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as MergeJson;
    const after = await tip('main');
    expect(out.landed).toEqual({ target: 'main', method: 'rebase', before: moved, after, checkout: repo, branchTip: work });
    expect(await parentsOf('main')).toEqual([moved]);
    expect(after).not.toBe(work);
    expect(await g(repo, ['log', '-1', '--format=%s', 'main'])).toBe('r1: add r1.txt');
    expect(await g(repo, ['show', 'main:r1.txt'])).toBe('r1 work');
    expect(readFileSync(join(repo, 'r1.txt'), 'utf8')).toBe('r1 work\n');
    expect(await gRead(repo, ['status', '--porcelain'])).toBe('');
    // The rebased copy counts as merged: the branch is deleted; no temporary worktree is left.
    expect(out.teardown).toMatchObject({ removed: { worktree: wt('r1'), branch: 'r1' } });
    expect(await branchExists('r1')).toBe(false);
    expect(await worktreePaths()).toEqual(worktreesBefore.filter((p) => p !== wt('r1')));
  });

  it('--ff-only moves main forward to the branch\'s tip when the branch is strictly ahead', async () => {
    await spawnAgent('f1');
    const before = await tip('main');
    expect(await tip('HEAD', wt('f1'))).toBe(before);
    const work = await commitFile(wt('f1'), 'f1.txt', 'f1 work\n', 'f1: add f1.txt');
    const res = await cli(ts, ['merge', 'f1', '--ff-only', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as MergeJson;
    expect(out.landed).toEqual({ target: 'main', method: 'ff-only', before, after: work, checkout: repo, branchTip: work });
    expect(await tip('main')).toBe(work);
    expect(await tip('HEAD')).toBe(work);
    expect(await branchExists('f1')).toBe(false);
  });

  it('--ff-only is refused when main has moved on, and changes nothing', async () => {
    await spawnAgent('f2');
    await commitFile(wt('f2'), 'f2.txt', 'f2 work\n', 'f2: add f2.txt');
    await commitFile(repo, 'main-again.txt', 'main again\n', 'main moves on again');
    const before = await snapshot([join(repo, 'README.md')]);
    const res = await cli(ts, ['merge', 'f2', '--ff-only', '--json'], { cwd: repo });
    expect(res.exitCode).toBe(1);
    expect(errorOf(res).code).toBe('NOT_FAST_FORWARD');
    expect(res.stdout).toBe('');
    const plain = await cli(ts, ['merge', 'f2', '--ff-only'], { cwd: repo });
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).toContain('cannot be fast-forwarded');
    expect(await snapshot([join(repo, 'README.md')])).toEqual(before);
    expect(await agent('f2')).toMatchObject({ state: 'running' });
  });

  it('--keep lands the work and leaves the agent running with its worktree and branch', async () => {
    await spawnAgent('k1');
    const work = await commitFile(wt('k1'), 'k1.txt', 'k1 work\n', 'k1: add k1.txt');
    const res = await cli(ts, ['merge', 'k1', '--keep'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^merged k1 into main: [0-9a-f]{8} → [0-9a-f]{8} \\(in ${repo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\n`));
    expect(res.stdout).toContain('kept k1 running (--keep)');
    expect(await isAncestor(work, 'main')).toBe(true);
    expect(await agent('k1')).toMatchObject({ state: 'running', branch: 'k1', worktree: { path: wt('k1'), mode: 'new' } });
    expect(existsSync(join(wt('k1'), 'k1.txt'))).toBe(true);
    expect(await tip('k1')).toBe(work);
    expect(await worktreePaths()).toContain(wt('k1'));
  });

  it('refuses a merge that would conflict, naming the file, and leaves every ref, worktree and file as it was', async () => {
    await spawnAgent('c1');
    await spawnAgent('c2');
    await commitFile(wt('c1'), 'shared.txt', 'line 1\nline 2 by c1\nline 3\n', 'c1 edits line 2');
    const c2Work = await commitFile(wt('c2'), 'shared.txt', 'line 1\nline 2 by c2\nline 3\n', 'c2 edits line 2');
    const first = await cli(ts, ['merge', 'c1'], { cwd: repo });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(readFileSync(join(repo, 'shared.txt'), 'utf8')).toBe('line 1\nline 2 by c1\nline 3\n');

    const files = [join(repo, 'shared.txt'), join(wt('c2'), 'shared.txt')];
    const before = await snapshot(files);
    const res = await cli(ts, ['merge', 'c2'], { cwd: repo });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('shared.txt');
    expect(res.stderr).toMatch(/conflict/i);
    expect(await snapshot(files)).toEqual(before);
    expect(before.contents).toEqual({ [files[0]!]: 'line 1\nline 2 by c1\nline 3\n', [files[1]!]: 'line 1\nline 2 by c2\nline 3\n' });
    expect(await tip('c2')).toBe(c2Work);
    expect(await agent('c2')).toMatchObject({ state: 'running', worktree: { path: wt('c2') } });
  });

  it('refuses a target checked out with uncommitted changes (exit 1) and an --into branch that does not exist (exit 2), changing nothing', async () => {
    await spawnAgent('d1');
    await commitFile(wt('d1'), 'd1.txt', 'd1 work\n', 'd1: add d1.txt');
    const readme = join(repo, 'README.md');
    const clean = readFileSync(readme, 'utf8');
    writeFileSync(readme, clean + 'an edit not committed\n');
    try {
      const before = await snapshot([readme]);
      const dirty = await cli(ts, ['merge', 'd1', '--json'], { cwd: repo });
      expect(dirty.exitCode).toBe(1);
      expect(errorOf(dirty).code).toBe('TARGET_CHECKOUT_DIRTY');
      expect(errorOf(dirty).message).toContain(repo);
      expect(await snapshot([readme])).toEqual(before);
      expect(before.perWorktree[repo]!.status).toBe(' M README.md');
    } finally {
      writeFileSync(readme, clean);
    }
    const before = await snapshot([readme]);
    const unknown = await cli(ts, ['merge', 'd1', '--into', 'nope', '--json'], { cwd: repo });
    expect(unknown.exitCode).toBe(2);
    expect(errorOf(unknown).code).toBe('UNKNOWN_TARGET');
    expect(errorOf(unknown).message).toContain('nope');
    expect(await snapshot([readme])).toEqual(before);
    expect(await agent('d1')).toMatchObject({ state: 'running' });
  });

  it('says clearly that an agent with no commits of its own has nothing to merge (exit 2)', async () => {
    await spawnAgent('n1');
    const mainBefore = await tip('main');
    const res = await cli(ts, ['merge', 'n1'], { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('n1 has no commits that main lacks');
    expect(await tip('main')).toBe(mainBefore);
    expect(await agent('n1')).toMatchObject({ state: 'running' });
  });

  it('refuses two methods at once (exit 2)', async () => {
    const res = await cli(ts, ['merge', 'n1', '--squash', '--rebase'], { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('--squash and --rebase');
    const json = await cli(ts, ['merge', 'n1', '--ff-only', '--squash', '--json'], { cwd: repo });
    expect(json.exitCode).toBe(2);
    expect(errorOf(json).code).toBe('MERGE_METHODS');
  });
});

// ---- pr -------------------------------------------------------------------------------------------

describe('pr', () => {
  const ghLog = () => join(ts.root, 'gh-calls.jsonl');
  const ghEnv = (extra: Record<string, string> = {}) => ({ PATH: `${FAKE_GH_DIR}${delimiter}${ts.env.PATH ?? ''}`, FAKE_GH_LOG: ghLog(), ...extra });
  const ghCalls = (): string[][] => existsSync(ghLog()) ? readFileSync(ghLog(), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  const onOrigin = async (branch: string) => (await g(origin, ['for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`])).trim() || null;

  beforeAll(async () => {
    // merge --squash moved consumer locally: publish it, as a user would before opening PRs against it.
    await g(repo, ['push', '-q', 'origin', 'main', 'consumer']);
  });

  it('pushes the branch, runs gh pr create with base, head, title and body, prints the URL and records it on the agent', async () => {
    const spawned = await spawnAgent('p1', ['--target', 'consumer', '--task', 'Add the widget endpoint']);
    const work = await commitFile(wt('p1'), 'widget.txt', 'widget\n', 'widget endpoint');
    const res = await cli(ts, ['pr', 'p1', '--json'], { cwd: repo, env: ghEnv() });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as PrJson;
    expect(out).toEqual({ agent: 'p1', branch: 'p1', base: 'consumer', pushed: true, url: 'https://github.com/acme/widgets/pull/1', existing: false, finishWith: null, compareUrl: null });
    expect(await onOrigin('p1')).toBe(work);
    expect((await g(repo, ['rev-parse', '--abbrev-ref', 'p1@{upstream}'])).trim()).toBe('origin/p1');
    expect(ghCalls()).toEqual([['pr', 'create', '--base', 'consumer', '--head', 'p1', '--title', 'Add the widget endpoint', '--body',
      'Add the widget endpoint\n\nCommits:\n- widget endpoint\n\nOpened by tmuxcodex for agent p1.']]);
    expect((await agent('p1'))?.pr).toEqual({ url: 'https://github.com/acme/widgets/pull/1', base: 'consumer' });
    expect((await ts.tmux(tmux.display(spawned.paneId!, '#{@tmuxcodex-pr-url}'))).trim()).toBe('https://github.com/acme/widgets/pull/1');

  });

  it('--draft passes --draft; without a task the title is the one commit\'s subject', async () => {
    await spawnAgent('p2', ['--target', 'consumer']);
    await commitFile(wt('p2'), 'p2.txt', 'p2\n', 'p2 change');
    const before = ghCalls().length;
    const res = await cli(ts, ['pr', 'p2', '--draft'], { cwd: repo, env: ghEnv() });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toBe(`opened a pull request for p2 against consumer: https://github.com/acme/widgets/pull/${before + 1}`);
    expect((await agent('p2'))?.pr).toEqual({ url: `https://github.com/acme/widgets/pull/${before + 1}`, base: 'consumer' });
    expect(ghCalls().slice(before)).toEqual([['pr', 'create', '--base', 'consumer', '--head', 'p2', '--title', 'p2 change', '--body',
      'Commits:\n- p2 change\n\nOpened by tmuxcodex for agent p2.', '--draft']]);
  });

  it('when gh fails: exit 1 naming gh, the branch pushed all the same, nothing recorded', async () => {
    await spawnAgent('p3', ['--target', 'consumer']);
    const work = await commitFile(wt('p3'), 'p3.txt', 'p3\n', 'p3 change');
    const res = await cli(ts, ['pr', 'p3'], { cwd: repo, env: ghEnv({ FAKE_GH_FAIL: 'not logged in' }) });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('gh');
    expect(res.stderr).toContain('not logged in');
    expect(await onOrigin('p3')).toBe(work);
    expect((await agent('p3'))?.pr).toBeNull();
  });

  it('when gh says a pull request already exists: exit 0 and that pull request is recorded', async () => {
    const work = await tip('p3');
    const res = await cli(ts, ['pr', 'p3', '--json'], { cwd: repo, env: ghEnv({ FAKE_GH_EXISTS: '1' }) });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout) as PrJson).toMatchObject({ branch: 'p3', base: 'consumer', pushed: true, url: 'https://github.com/acme/widgets/pull/41', existing: true });
    expect(await onOrigin('p3')).toBe(work);
    expect((await agent('p3'))?.pr).toEqual({ url: 'https://github.com/acme/widgets/pull/41', base: 'consumer' });
  });

  it('without gh on PATH: pushes and says the gh pr create to finish with (exit 0)', async () => {
    await spawnAgent('p4', ['--target', 'consumer']);
    const work = await commitFile(wt('p4'), 'p4.txt', 'p4\n', 'p4 change');
    const path = pathWithoutGh();
    const env = { PATH: path, FAKE_GH_LOG: ghLog() };
    const before = ghCalls().length;
    const res = await cli(ts, ['pr', 'p4'], { cwd: repo, env });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('gh pr create --base consumer --head p4');
    expect(await onOrigin('p4')).toBe(work);
    const json = await cli(ts, ['pr', 'p4', '--json'], { cwd: repo, env });
    expect(json.exitCode, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as PrJson;
    expect(out).toMatchObject({ agent: 'p4', branch: 'p4', base: 'consumer', pushed: true, url: null, existing: false });
    expect(out.finishWith).toEqual(['gh', 'pr', 'create', '--base', 'consumer', '--head', 'p4', '--title', 'p4 change', '--body', 'Commits:\n- p4 change\n\nOpened by tmuxcodex for agent p4.']);
    expect(ghCalls().length).toBe(before); // the fake gh was not reachable
    expect((await agent('p4'))?.pr).toBeNull();
  });

  it('refuses a base missing on the remote and a remote that does not exist (exit 2), pushing nothing', async () => {
    await spawnAgent('p5', ['--target', 'consumer']);
    await commitFile(wt('p5'), 'p5.txt', 'p5\n', 'p5 change');
    const before = ghCalls().length;
    const base = await cli(ts, ['pr', 'p5', '--base', 'nope', '--json'], { cwd: repo, env: ghEnv() });
    expect(base.exitCode).toBe(2);
    expect(errorOf(base).code).toBe('BASE_NOT_ON_REMOTE');
    expect(errorOf(base).message).toContain('nope');
    const remote = await cli(ts, ['pr', 'p5', '--remote', 'nope', '--json'], { cwd: repo, env: ghEnv() });
    expect(remote.exitCode).toBe(2);
    expect(errorOf(remote).code).toBe('NO_REMOTE');
    expect(errorOf(remote).message).toContain('nope');
    expect(await onOrigin('p5')).toBeNull();
    expect(ghCalls().length).toBe(before);
  });
});

/**
 * A PATH with only the folders of node, git and tmux (not the fake gh's), checked to hold no gh;
 * if one of them does have a gh, a private folder with links to those three programs instead.
 */
function pathWithoutGh(): string {
  const executable = (p: string) => { try { accessSync(p, constants.X_OK); return true; } catch { return false; } };
  const dirs = (ts.env.PATH ?? '').split(delimiter).filter((d) => d && d !== FAKE_GH_DIR);
  const which = (prog: string) => dirs.map((d) => join(d, prog)).find(executable);
  const programs = { node: process.execPath, git: which('git'), tmux: which('tmux') };
  for (const [name, p] of Object.entries(programs)) if (!p) throw new Error(`${name} is not on PATH`);
  let chosen = [...new Set(Object.values(programs).map((p) => dirname(p!)))];
  if (chosen.some((d) => executable(join(d, 'gh')))) {
    const bin = join(ts.root, 'bin-without-gh');
    mkdirSync(bin, { recursive: true });
    for (const [name, p] of Object.entries(programs)) if (!existsSync(join(bin, name))) symlinkSync(p!, join(bin, name));
    chosen = [bin];
  }
  expect(chosen.some((d) => executable(join(d, 'gh')))).toBe(false);
  return chosen.join(delimiter);
}

// ---- clean ----------------------------------------------------------------------------------------

describe('clean', () => {
  let archivedContent: string;

  beforeAll(async () => {
    for (const n of ['e1', 'e2', 'e3']) await spawnAgent(n, [], 'sleep 0.3; exit 0');
    await waitFor(async () => {
      const list = await agents();
      return ['e1', 'e2', 'e3'].every((n) => list.find((a) => a.name === n)?.state === 'exited');
    }, { timeoutMs: 8000, what: 'e1, e2 and e3 exited' });
    // Two commits each: squashed, they match no single commit (one commit would count as cherry-picked).
    for (const n of ['e1', 'e2', 'e3']) {
      await commitFile(wt(n), `${n}.txt`, `${n} work\n`, `${n} work`);
      await commitFile(wt(n), `${n}-more.txt`, `${n} more\n`, `${n} more work`);
    }
    // e1 and e3 are squash-merged into main with plain git; e2 is not merged.
    for (const n of ['e1', 'e3']) {
      await g(repo, ['merge', '--squash', '-q', n]);
      await g(repo, ['commit', '-q', '-m', `${n} work, squashed by hand`]);
    }
    // e3's worktree has work that was never committed.
    archivedContent = 'edited after the merge\n';
    writeFileSync(join(wt('e3'), 'e3.txt'), archivedContent);
    appendFileSync(join(wt('e3'), 'notes.txt'), 'untracked notes\n');
  });

  const byName = (results: CleanResult[]) => [...results].sort((a, b) => a.agent.localeCompare(b.agent));
  const ours = (results: CleanResult[]) => results.filter((r) => ['e1', 'e2', 'e3'].includes(r.agent));
  /** The other rows: branches kept when earlier tests killed their agents, listed with what to do (issue 15, item 4). */
  async function expectKeptBranchAdvice(results: CleanResult[]): Promise<void> {
    const others = results.filter((r) => !['e1', 'e2', 'e3'].includes(r.agent));
    for (const r of others) {
      expect(r).toMatchObject({ action: 'kept', removed: null });
      expect(r.reason).toMatch(r.merged === 'no' ? new RegExp(`its agent is gone and the branch is not merged.*git branch -D ${r.branch}`) : /git branch -d/);
      expect(await branchExists(r.branch!)).toBe(true);
    }
  }

  it('--dry-run lists the merged agents as would-remove and the other as kept with a reason, changing nothing', async () => {
    const before = await snapshot([join(wt('e3'), 'e3.txt'), join(wt('e3'), 'notes.txt')]);
    const out = await cliJson<{ results: CleanResult[] }>(ts, ['clean', '--dry-run'], { cwd: repo });
    await expectKeptBranchAdvice(out.results);
    expect(byName(ours(out.results))).toEqual([
      { agent: 'e1', branch: 'e1', target: 'main', merged: 'squash', action: 'would-remove', reason: null, removed: null },
      { agent: 'e2', branch: 'e2', target: 'main', merged: 'no', action: 'kept', reason: 'not merged into main', removed: null },
      { agent: 'e3', branch: 'e3', target: 'main', merged: 'squash', action: 'would-remove', reason: null, removed: null },
    ]);
    expect(ours(out.results).map((r) => r.agent).sort()).toEqual(['e1', 'e2', 'e3']);
    expect(await snapshot([join(wt('e3'), 'e3.txt'), join(wt('e3'), 'notes.txt')])).toEqual(before);
    for (const n of ['e1', 'e2', 'e3']) {
      expect(existsSync(wt(n))).toBe(true);
      expect(await branchExists(n)).toBe(true);
      expect(await agent(n)).toMatchObject({ state: 'exited' });
    }
  });

  it('removes the merged agents\' worktrees and branches (archiving uncommitted work) and leaves the unmerged one untouched', async () => {
    const e2Tip = await tip('e2');
    const e2Status = await gRead(wt('e2'), ['status', '--porcelain', '--untracked-files=all']);
    const out = await cliJson<{ results: CleanResult[] }>(ts, ['clean'], { cwd: repo });
    await expectKeptBranchAdvice(out.results);
    expect(ours(out.results)).toHaveLength(3);
    const [e1, e2, e3] = byName(ours(out.results));
    expect(e1).toMatchObject({ agent: 'e1', merged: 'squash', action: 'removed', reason: null, removed: { archive: null, removed: { worktree: wt('e1'), branch: 'e1' }, kept: null } });
    expect(e2).toEqual({ agent: 'e2', branch: 'e2', target: 'main', merged: 'no', action: 'kept', reason: 'not merged into main', removed: null });
    expect(e3).toMatchObject({ agent: 'e3', merged: 'squash', action: 'removed', removed: { removed: { worktree: wt('e3'), branch: 'e3' }, kept: null } });
    // e3's uncommitted work was archived, not lost.
    const archive = e3!.removed!.archive;
    expect(archive).not.toBeNull();
    expect(archive).toMatchObject({ agent: 'e3', branch: 'e3' });
    expect(archive!.files).toBe(2);
    expect(await tip(archive!.ref)).toBe(archive!.commit);
    expect(await g(repo, ['show', `${archive!.commit}:e3.txt`])).toBe(archivedContent.trimEnd());
    expect(await g(repo, ['show', `${archive!.commit}:notes.txt`])).toBe('untracked notes');
    const listed = await cliJson<{ archives: Array<{ id: string; agent: string }> }>(ts, ['archive', 'list'], { cwd: repo });
    expect(listed.archives.map((a) => a.id)).toContain(archive!.id);

    for (const n of ['e1', 'e3']) {
      expect(existsSync(wt(n))).toBe(false);
      expect(await branchExists(n)).toBe(false);
      expect(await agent(n)).toBeUndefined();
    }
    expect(existsSync(join(wt('e2'), 'e2.txt'))).toBe(true);
    expect(await tip('e2')).toBe(e2Tip);
    expect(await gRead(wt('e2'), ['status', '--porcelain', '--untracked-files=all'])).toBe(e2Status);
    expect(await agent('e2')).toMatchObject({ state: 'exited', worktree: { path: wt('e2') } });
  });
});
