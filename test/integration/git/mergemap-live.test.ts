// The merge map's cache and targets with real git: a cached map equals a cold one after every kind
// of change, git is asked only about what moved, remote-tracking targets, and an orphan branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeMergeMap, newMapCache, type MapCache, type MergeMap, type RowSource } from '../../../src/git/mergemap.js';
import { git as gitIn } from '../../helpers/git-repo.js';

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = (dir: string, ...args: string[]) => gitIn(dir, args, env);

let root: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tmuxcodex-map-live-')));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function commit(dir: string, file: string, text: string, msg: string): Promise<string> {
  writeFileSync(join(dir, file), text);
  await git(dir, 'add', file);
  await git(dir, 'commit', '-q', '-m', msg);
  return (await git(dir, 'rev-parse', 'HEAD')).trim();
}

/**
 * A repository at base/repo on main, a consumer branch, and three worktrees base/wt-{a,b,c} on
 * branches of the same names, each with a commit of its own (a and c both change shared.txt).
 */
async function scriptedRepo(base: string): Promise<{ repo: string; wt: Record<'a' | 'b' | 'c', string> }> {
  mkdirSync(base, { recursive: true });
  const repo = join(base, 'repo');
  await git(base, 'init', '-q', '-b', 'main', repo);
  await commit(repo, 'shared.txt', 'line 1\nline 2\nline 3\n', 'base');
  await commit(repo, 'consumer.txt', 'consumer base\n', 'consumer file');
  await git(repo, 'branch', 'consumer');
  const wt = { a: join(base, 'wt-a'), b: join(base, 'wt-b'), c: join(base, 'wt-c') };
  for (const [name, path] of Object.entries(wt)) await git(repo, 'worktree', 'add', '-q', '-b', `wt-${name}`, path, 'main');
  await commit(wt.a, 'shared.txt', 'line 1\nA\nline 3\n', 'a: shared');
  await commit(wt.b, 'b.txt', 'b\n', 'b: own file');
  await commit(wt.c, 'shared.txt', 'line 1\nC\nline 3\n', 'c: shared');
  return { repo, wt };
}

let traces = 0;

/** Runs fn with GIT_TRACE pointing at a fresh file (gitRaw passes process.env on); the built-in commands git ran. */
async function traced<T>(fn: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const file = join(root, `trace-${++traces}.txt`);
  const before = process.env.GIT_TRACE;
  process.env.GIT_TRACE = file;
  let result: T;
  try {
    result = await fn();
  } finally {
    if (before === undefined) delete process.env.GIT_TRACE;
    else process.env.GIT_TRACE = before;
  }
  // Lines look like: "08:12:09.989547 git.c:460  trace: built-in: git for-each-ref --merged=refs/heads/main ..."
  const commands = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('trace: built-in: git ')).map((l) => l.slice(l.indexOf('trace: built-in: git ') + 'trace: built-in: '.length)) : [];
  return { result, commands };
}

const cellOf = (map: MergeMap, branch: string, target: string) => map.rows.find((r) => r.branch === branch)!.targets[target]!;
const rowOf = (map: MergeMap, worktree: string) => map.rows.find((r) => r.worktree === worktree)!;

describe('a cached map equals a cold one after every change', () => {
  let repo: string;
  let wt: Record<'a' | 'b' | 'c', string>;
  let rows: RowSource[];
  let cache: MapCache;
  let last: MergeMap;
  const TARGETS = ['main', 'consumer'];

  /** Computes with the cache (traced) and without one; the two must be the same map. */
  async function both(): Promise<{ map: MergeMap; commands: string[] }> {
    const { result: warm, commands } = await traced(() => computeMergeMap(repo, TARGETS, rows, { cache }));
    const cold = await computeMergeMap(repo, TARGETS, rows);
    expect(warm).toEqual(cold);
    return { map: warm, commands };
  }

  beforeAll(async () => {
    ({ repo, wt } = await scriptedRepo(join(root, 'cache')));
    // snapshot-a: a branch no worktree has checked out, at wt-a's first commit.
    await git(repo, 'branch', 'snapshot-a', 'wt-a');
    rows = [
      { branch: 'wt-a', worktree: wt.a, agent: 'a' },
      { branch: 'wt-b', worktree: wt.b, agent: 'b' },
      { branch: 'wt-c', worktree: wt.c, agent: 'c' },
      { branch: 'snapshot-a', worktree: null, agent: 'snap' },
    ];
    cache = newMapCache();
  });

  it('starts out equal, with every row and the conflicting pairs', async () => {
    ({ map: last } = await both());
    // The four agent rows plus the main worktree's own row.
    expect(last.rows.map((r) => r.branch)).toEqual(['wt-a', 'wt-b', 'wt-c', 'snapshot-a', 'main']);
    expect(cellOf(last, 'wt-a', 'main')).toMatchObject({ ahead: 1, behind: 0, merged: 'no', mergedOn: null });
    expect(cellOf(last, 'wt-b', 'consumer')).toMatchObject({ ahead: 1, behind: 0, merged: 'no' });
    // snapshot-a is wt-a's commit: it conflicts with wt-c as wt-a does.
    expect(last.pairs).toEqual([{ a: 'wt-a', b: 'wt-c', files: ['shared.txt'] }, { a: 'wt-c', b: 'snapshot-a', files: ['shared.txt'] }]);
    expect(cache.cells.size).toBeGreaterThan(0);
  });

  it('after a commit in one worktree', async () => {
    await commit(wt.a, 'a.txt', 'a\n', 'a: second');
    ({ map: last } = await both());
    expect(cellOf(last, 'wt-a', 'main').ahead).toBe(2);
    expect(cellOf(last, 'snapshot-a', 'main').ahead).toBe(1);
  });

  it('after reset --hard HEAD~1 moves the branch back to a commit the cache still holds', async () => {
    await git(wt.a, 'reset', '-q', '--hard', 'HEAD~1');
    const { map, commands } = await both();
    last = map;
    expect(cellOf(last, 'wt-a', 'main')).toMatchObject({ ahead: 1, merged: 'no' });
    expect(rowOf(last, wt.a).dirty).toBe(0);
    // wt-a is back at snapshot-a's commit, whose cells every computation used: nothing to ask.
    expect(commands.filter((c) => c.includes('--merged='))).toEqual([]);
  });

  it('after a commit on main', async () => {
    await commit(repo, 'main.txt', 'main moves\n', 'main: moves');
    ({ map: last } = await both());
    for (const b of ['wt-a', 'wt-b', 'wt-c', 'snapshot-a']) expect(cellOf(last, b, 'main').behind).toBe(1);
    expect(cellOf(last, 'wt-b', 'consumer').behind).toBe(0);
  });

  it('after a commit on consumer', async () => {
    await git(repo, 'checkout', '-q', 'consumer');
    await commit(repo, 'consumer.txt', 'consumer moves\n', 'consumer: moves');
    await git(repo, 'checkout', '-q', 'main');
    ({ map: last } = await both());
    for (const b of ['wt-a', 'wt-b', 'wt-c']) expect(cellOf(last, b, 'consumer').behind).toBe(1);
    expect(cellOf(last, 'main', 'consumer')).toMatchObject({ ahead: 1, behind: 1, merged: 'no' });
  });

  it('after git branch -D of a branch no worktree has checked out', async () => {
    await git(repo, 'branch', '-q', '-D', 'snapshot-a');
    ({ map: last } = await both());
    expect(last.rows.find((r) => r.agent === 'snap')).toMatchObject({ branch: 'snapshot-a', condition: 'branch snapshot-a was deleted', dirty: null, targets: { main: null, consumer: null } });
    expect(cellOf(last, 'wt-a', 'main')).toMatchObject({ ahead: 1, behind: 1 });
  });

  it("after a cherry-pick of a worktree's commit onto main: that row is merged 'patch'", async () => {
    expect(cellOf(last, 'wt-b', 'main').merged).toBe('no');
    await git(repo, 'cherry-pick', 'wt-b');
    ({ map: last } = await both());
    expect(cellOf(last, 'wt-b', 'main')).toMatchObject({ ahead: 1, behind: 2, merged: 'patch', mergedOn: 'main', conflicts: [] });
    expect(cellOf(last, 'wt-b', 'consumer').merged).toBe('no');
    expect(cellOf(last, 'wt-a', 'main').merged).toBe('no');
  });

  it('after an unstaged edit in a worktree: its dirty count goes up by one', async () => {
    const before = rowOf(last, wt.c).dirty!;
    writeFileSync(join(wt.c, 'shared.txt'), 'edited, not staged\n');
    ({ map: last } = await both());
    expect(rowOf(last, wt.c).dirty).toBe(before + 1);
    expect(rowOf(last, wt.a).dirty).toBe(0);
  });
});

describe('with a warm cache git is asked only about what moved', () => {
  let repo: string;
  let wt: Record<'a' | 'b' | 'c', string>;
  let rows: RowSource[];
  const cache = newMapCache();
  const map = () => computeMergeMap(repo, ['main', 'consumer'], rows, { cache });

  beforeAll(async () => {
    ({ repo, wt } = await scriptedRepo(join(root, 'trace')));
    rows = [{ branch: 'wt-a', worktree: wt.a, agent: 'a' }, { branch: 'wt-b', worktree: wt.b, agent: 'b' }, { branch: 'wt-c', worktree: wt.c, agent: 'c' }];
    await map();
  });

  it('asks nothing of merge-tree or --merged when nothing changed', async () => {
    const { result, commands } = await traced(map);
    // The trace works: the refs were read.
    expect(commands.some((c) => c.startsWith('git for-each-ref') && c.includes('refs/heads/'))).toBe(true);
    expect(commands.filter((c) => c.includes('merge-tree'))).toEqual([]);
    expect(commands.filter((c) => c.includes('--merged'))).toEqual([]);
    expect(cellOf(result, 'wt-a', 'main')).toMatchObject({ ahead: 1, merged: 'no' });
  });

  it('asks --merged only about wt-a after a commit in wt-a', async () => {
    await commit(wt.a, 'a.txt', 'a\n', 'a: second');
    const { result, commands } = await traced(map);
    const merged = commands.filter((c) => c.includes('--merged='));
    // One per target.
    expect(merged).toHaveLength(2);
    expect(merged.some((c) => c.includes('--merged=refs/heads/main'))).toBe(true);
    expect(merged.some((c) => c.includes('--merged=refs/heads/consumer'))).toBe(true);
    for (const c of merged) {
      expect(c).toMatch(/ refs\/heads\/wt-a(\s|$)/);
      expect(c).not.toMatch(/refs\/heads\/wt-[bc]/);
    }
    expect(cellOf(result, 'wt-a', 'main').ahead).toBe(2);
  });
});

describe('targets with a remote', () => {
  let local: string;

  beforeAll(async () => {
    const base = join(root, 'remote');
    mkdirSync(base);
    const origin = join(base, 'origin.git');
    await git(base, 'init', '-q', '--bare', '-b', 'main', origin);
    const seed = join(base, 'seed');
    await git(base, 'init', '-q', '-b', 'main', seed);
    await commit(seed, 'README.md', 'seed\n', 'seed');
    await git(seed, 'push', '-q', origin, 'main');
    local = join(base, 'local');
    await git(base, 'clone', '-q', origin, local);
    // done: merged into local main, which is pushed.
    await git(local, 'checkout', '-q', '-b', 'done');
    await commit(local, 'done.txt', 'done\n', 'done');
    await git(local, 'checkout', '-q', 'main');
    await git(local, 'merge', '-q', '--no-ff', '-m', 'merge done', 'done');
    await git(local, 'push', '-q', 'origin', 'main');
    // feature: pushed, then merged on the remote by someone else; open: never merged anywhere.
    await git(local, 'checkout', '-q', '-b', 'feature', 'main');
    await commit(local, 'feature.txt', 'feature\n', 'feature');
    await git(local, 'push', '-q', 'origin', 'feature');
    await git(local, 'checkout', '-q', '-b', 'open', 'main');
    await commit(local, 'open.txt', 'open\n', 'open');
    await git(local, 'checkout', '-q', 'main');
    const other = join(base, 'other');
    await git(base, 'clone', '-q', origin, other);
    await git(other, 'fetch', '-q');
    await git(other, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'origin/feature');
    await git(other, 'push', '-q', 'origin', 'main');
    await git(local, 'fetch', '-q');
    // The setup this depends on: local main tracks origin/main and is behind it.
    expect((await git(local, 'rev-parse', '--symbolic-full-name', 'main@{upstream}')).trim()).toBe('refs/remotes/origin/main');
    expect((await git(local, 'rev-list', '--count', 'main..origin/main')).trim()).toBe('2');
  });

  const rows: RowSource[] = [
    { branch: 'feature', worktree: null, agent: 'f' },
    { branch: 'done', worktree: null, agent: 'd' },
    { branch: 'open', worktree: null, agent: 'o' },
  ];

  it('counts work merged only on the upstream as merged there (mergedOn origin/main)', async () => {
    const map = await computeMergeMap(local, ['main'], rows);
    expect(map.targets).toEqual(['main']);
    // Ahead and behind stay those of the local main.
    expect(cellOf(map, 'feature', 'main')).toMatchObject({ merged: 'ancestor', mergedOn: 'origin/main', ahead: 1, behind: 0 });
    expect(cellOf(map, 'done', 'main')).toMatchObject({ merged: 'ancestor', mergedOn: 'main' });
    expect(cellOf(map, 'open', 'main')).toMatchObject({ merged: 'no', mergedOn: null, ahead: 1 });
  });

  it('takes a remote-tracking branch as a target by name', async () => {
    const map = await computeMergeMap(local, ['origin/main'], rows);
    expect(map.targets).toEqual(['origin/main']);
    expect(map.rows.find((r) => r.branch === 'feature')!.targets['origin/main']).toBeDefined();
    expect(cellOf(map, 'feature', 'origin/main')).toMatchObject({ merged: 'ancestor', mergedOn: 'origin/main', ahead: 0, behind: 1 });
    expect(cellOf(map, 'done', 'origin/main')).toMatchObject({ merged: 'ancestor', mergedOn: 'origin/main' });
    expect(cellOf(map, 'open', 'origin/main')).toMatchObject({ merged: 'no', mergedOn: null });
  });

  it('refuses an unknown target with a usage error', async () => {
    await expect(computeMergeMap(local, ['origin/nope'], rows)).rejects.toMatchObject({ code: 'UNKNOWN_TARGET', exitCode: 2 });
  });
});

describe('an orphan branch', () => {
  it('is not merged, and the map of the other rows stays right', async () => {
    const base = join(root, 'orphan');
    mkdirSync(base);
    const repo = join(base, 'repo');
    await git(base, 'init', '-q', '-b', 'main', repo);
    await commit(repo, 'a.txt', 'a\n', 'base');
    for (const b of ['done', 'picked', 'open']) {
      await git(repo, 'checkout', '-q', '-b', b, 'main');
      await commit(repo, `${b}.txt`, `${b}\n`, b);
    }
    await git(repo, 'checkout', '-q', '--orphan', 'lonely');
    await git(repo, 'rm', '-q', '-r', '--cached', '.');
    await commit(repo, 'lonely.txt', 'no history shared\n', 'lonely');
    await git(repo, 'checkout', '-q', '-f', 'main');
    await git(repo, 'clean', '-q', '-f');
    await git(repo, 'merge', '-q', '--no-ff', '-m', 'merge done', 'done');
    await git(repo, 'cherry-pick', 'picked');
    const map = await computeMergeMap(repo, ['main'], ['lonely', 'done', 'picked', 'open'].map((b) => ({ branch: b, worktree: null, agent: b })));
    expect(cellOf(map, 'lonely', 'main')).toMatchObject({ merged: 'no', mergedOn: null, ahead: 1 });
    expect(map.rows.find((r) => r.branch === 'lonely')!.condition).toBeNull();
    expect(cellOf(map, 'done', 'main')).toMatchObject({ merged: 'ancestor', mergedOn: 'main' });
    expect(cellOf(map, 'picked', 'main')).toMatchObject({ merged: 'patch', ahead: 1 });
    expect(cellOf(map, 'open', 'main')).toMatchObject({ merged: 'no', ahead: 1 });
    expect(rowOf(map, repo)).toMatchObject({ branch: 'main', dirty: 0 });
  });
});

describe('cherry-pick detection per branch', () => {
  // As git cherry: a branch's commits are compared only with the target's commits it lacks. A
  // branch that forked long ago (old) must not widen what counts as "in the target" for another.
  it('does not count a reverted change as picked because an older branch was computed with it', async () => {
    const base = join(root, 'revert');
    mkdirSync(base);
    const repo = join(base, 'repo');
    await git(base, 'init', '-q', '-b', 'main', repo);
    await commit(repo, 'a.txt', 'a\n', 'base');
    await git(repo, 'checkout', '-q', '-b', 'old', 'main');
    await commit(repo, 'o.txt', 'o\n', 'old work');
    await git(repo, 'checkout', '-q', 'main');
    const x = await commit(repo, 'x.txt', 'x\n', 'X');
    await git(repo, 'revert', '--no-edit', x);
    await git(repo, 'checkout', '-q', '-b', 'redo', 'main');
    await commit(repo, 'x.txt', 'x\n', 'redo X');
    await git(repo, 'checkout', '-q', 'main');
    const rows = (names: string[]): RowSource[] => names.map((b) => ({ branch: b, worktree: null, agent: b }));
    // git cherry main redo says "+": the change is not in main (it was reverted there).
    expect((await git(repo, 'cherry', 'main', 'redo')).trim()).toMatch(/^\+ /);
    const alone = await computeMergeMap(repo, ['main'], rows(['redo']));
    const together = await computeMergeMap(repo, ['main'], rows(['redo', 'old']));
    expect(cellOf(alone, 'redo', 'main').merged).toBe('no');
    expect(cellOf(together, 'redo', 'main').merged).toBe('no');
    // And warm (old already cached) equals cold.
    const cache = newMapCache();
    await computeMergeMap(repo, ['main'], rows(['old']), { cache });
    expect(await computeMergeMap(repo, ['main'], rows(['redo', 'old']), { cache })).toEqual(together);
  });
});

describe('a repository with thousands of branches', () => {
  it('maps only the agents\' rows and worktrees, each right, with 3000 other branches present', async () => {
    const { repo, wt } = await scriptedRepo(join(root, 'many'));
    const tip = (await git(repo, 'rev-parse', 'main')).trim();
    const { execa } = await import('execa');
    const lines = Array.from({ length: 3000 }, (_, i) => `create refs/heads/bulk/${i} ${tip}\n`).join('');
    await execa('git', ['-C', repo, 'update-ref', '--stdin'], { input: lines, env, extendEnv: false });
    expect((await git(repo, 'for-each-ref', '--count=5000', '--format=x', 'refs/heads/bulk/')).split('\n').length).toBe(3000);
    const map = await computeMergeMap(repo, ['main', 'consumer'], [{ branch: 'wt-a', worktree: wt.a, agent: 'a' }, { branch: 'bulk/7', worktree: null, agent: 'bulk' }]);
    // The agents' rows, then the worktrees no agent works in (main, b, c): no row per bulk branch.
    expect(map.rows.map((r) => r.branch)).toEqual(['wt-a', 'bulk/7', 'main', 'wt-b', 'wt-c']);
    expect(cellOf(map, 'wt-a', 'main')).toMatchObject({ ahead: 1, behind: 0, merged: 'no' });
    expect(cellOf(map, 'bulk/7', 'main')).toMatchObject({ ahead: 0, merged: 'ancestor' });
    expect(cellOf(map, 'wt-c', 'consumer')).toMatchObject({ ahead: 1, behind: 0, merged: 'no' });
    expect(map.pairs).toEqual([]); // a and c conflict, but only a is an agent's branch
  });
});
