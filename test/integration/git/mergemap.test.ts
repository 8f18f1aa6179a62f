// The merge map on a scripted repository with targets main and consumer: every cell asserted.
//   merged-ff   merged into main normally (ancestor); not in consumer
//   squashed    squash-merged into main (content there, commits not)
//   picked      cherry-picked into main (patch-equivalent commits)
//   open-a / open-b   both change shared.txt differently: they conflict with each other only
//   cons-only   changes consumer.txt, which consumer changed differently: conflicts with consumer only
//   behind      main moved on after it branched: behind main, nothing of its own
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { computeMergeMap, mergeTrees, type MergeMap } from '../../../src/git/mergemap.js';

let root: string;
let repo: string;
let map: MergeMap;
const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

async function git(...args: string[]): Promise<string> {
  const r = await execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', '-C', repo, ...args], { env, extendEnv: false });
  return r.stdout;
}

async function commit(file: string, text: string, msg: string): Promise<void> {
  writeFileSync(join(repo, file), text);
  await git('add', file);
  await git('commit', '-q', '-m', msg);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tmuxcodex-map-'));
  repo = join(root, 'repo');
  await execa('git', ['init', '-q', '-b', 'main', repo], { env, extendEnv: false });
  await commit('shared.txt', 'line 1\nline 2\nline 3\n', 'base');
  await commit('consumer.txt', 'consumer base\n', 'consumer file');
  await git('branch', 'consumer');
  await git('branch', 'behind');
  // Branches from the base.
  for (const [b, file, text] of [['merged-ff', 'ff.txt', 'ff\n'], ['squashed', 'sq.txt', 'sq 1\n'], ['picked', 'pick.txt', 'pick\n'],
    ['open-a', 'shared.txt', 'line 1\nA\nline 3\n'], ['open-b', 'shared.txt', 'line 1\nB\nline 3\n'], ['cons-only', 'consumer.txt', 'from branch\n']] as const) {
    await git('checkout', '-q', '-b', b, 'main');
    await commit(file, text, `${b} work`);
  }
  await git('checkout', '-q', 'squashed');
  await commit('sq.txt', 'sq 1\nsq 2\n', 'squashed more');
  // consumer changes consumer.txt its own way.
  await git('checkout', '-q', 'consumer');
  await commit('consumer.txt', 'from consumer\n', 'consumer change');
  // main: ff merge, squash merge, cherry-pick, and a commit of its own.
  await git('checkout', '-q', 'main');
  await git('merge', '-q', '--no-ff', '-m', 'merge ff', 'merged-ff');
  await git('merge', '-q', '--squash', 'squashed');
  await git('commit', '-q', '-m', 'squash of squashed');
  await git('cherry-pick', 'picked');
  await commit('main-only.txt', 'main moves on\n', 'main only');
  map = await computeMergeMap(repo, ['main', 'consumer'], [
    { branch: 'merged-ff', worktree: null, agent: 'ff' }, { branch: 'squashed', worktree: null, agent: 'sq' },
    { branch: 'picked', worktree: null, agent: 'pk' }, { branch: 'open-a', worktree: null, agent: 'a' },
    { branch: 'open-b', worktree: null, agent: 'b' }, { branch: 'cons-only', worktree: null, agent: 'c' },
    { branch: 'behind', worktree: null, agent: 'bh' },
  ]);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const cell = (branch: string, target: string) => map.rows.find((r) => r.branch === branch)!.targets[target]!;

describe('merge map against main', () => {
  it.each([
    ['merged-ff', { merged: 'ancestor', ahead: 0, conflicts: [] }],
    ['squashed', { merged: 'squash', ahead: 2, conflicts: [] }],
    ['picked', { merged: 'patch', ahead: 1, conflicts: [] }],
    ['open-a', { merged: 'no', ahead: 1, conflicts: [] }],
    ['open-b', { merged: 'no', ahead: 1, conflicts: [] }],
    ['cons-only', { merged: 'no', ahead: 1, conflicts: [] }],
    ['behind', { merged: 'ancestor', ahead: 0, conflicts: [] }],
  ])('%s', (branch, want) => {
    expect(cell(branch, 'main')).toMatchObject(want);
  });

  it('counts how far each branch is behind main', () => {
    // main has: merge ff, squash commit, cherry-pick, main only (+ the merged branch's commit via the merge).
    expect(cell('behind', 'main').behind).toBe(5);
    expect(cell('open-a', 'main').behind).toBe(5);
  });
});

describe('merge map against consumer', () => {
  it('nothing is merged into consumer', () => {
    for (const b of ['merged-ff', 'squashed', 'picked', 'open-a', 'open-b', 'cons-only']) expect(cell(b, 'consumer').merged).toBe('no');
  });

  it('cons-only conflicts with consumer on consumer.txt, and only there', () => {
    expect(cell('cons-only', 'consumer').conflicts).toEqual(['consumer.txt']);
    expect(cell('cons-only', 'main').conflicts).toEqual([]);
  });

  it('behind is an ancestor of consumer too (it is at the base)', () => {
    expect(cell('behind', 'consumer')).toMatchObject({ merged: 'ancestor', ahead: 0, behind: 1 });
  });
});

describe('pairs', () => {
  it('open-a and open-b conflict with each other on shared.txt; no other pair conflicts', () => {
    expect(map.pairs).toEqual([{ a: 'open-a', b: 'open-b', files: ['shared.txt'] }]);
  });
});

describe('rows and conditions', () => {
  it('adds the main worktree (no agent) as a row of its own', () => {
    const main = map.rows.find((r) => r.agent === null);
    expect(main).toMatchObject({ branch: 'main', worktree: repo, dirty: 0 });
    expect(main!.targets.main).toMatchObject({ merged: 'ancestor', ahead: 0, behind: 0 });
  });

  it('shows a deleted branch with its condition instead of failing', async () => {
    await git('branch', '-D', 'open-b');
    const m = await computeMergeMap(repo, ['main'], [{ branch: 'open-b', worktree: null, agent: 'b' }]);
    expect(m.rows[0]).toMatchObject({ branch: 'open-b', condition: 'branch open-b was deleted', targets: { main: null } });
  });

  it('sees a cherry-pick even after the target changed the same lines again', async () => {
    await git('checkout', '-q', '-b', 'picked-then-changed', 'consumer');
    await commit('later.txt', 'from the branch\n', 'branch change');
    await git('checkout', '-q', 'consumer');
    await commit('unrelated.txt', 'consumer moves on first\n', 'unrelated'); // so the pick is a new commit
    await git('cherry-pick', 'picked-then-changed');
    await commit('later.txt', 'changed again on consumer\n', 'consumer changes it again');
    await git('checkout', '-q', 'main');
    const m = await computeMergeMap(repo, ['consumer'], [{ branch: 'picked-then-changed', worktree: null, agent: 'x' }]);
    expect(m.rows.find((r) => r.branch === 'picked-then-changed')!.targets.consumer).toMatchObject({ merged: 'patch', ahead: 1 });
  });

  it('names a worktree in the middle of a rebase, and one on a detached HEAD', async () => {
    const rebasing = join(root, 'wt-rebasing');
    await git('worktree', 'add', '-q', '-b', 'rebasing', rebasing, 'main');
    writeFileSync(join(rebasing, 'shared.txt'), 'line 1\nrebasing side\nline 3\n');
    await execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', '-C', rebasing, 'commit', '-q', '-am', 'r'], { env, extendEnv: false });
    await execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', '-C', rebasing, 'rebase', 'open-a'], { env, extendEnv: false, reject: false });
    const detached = join(root, 'wt-detached');
    await git('worktree', 'add', '-q', '--detach', detached, 'main');
    const m = await computeMergeMap(repo, ['main'], []);
    expect(m.rows.find((r) => r.worktree === rebasing)?.condition).toMatch(/rebase in progress/);
    expect(m.rows.find((r) => r.worktree === detached)).toMatchObject({ branch: null, condition: 'detached HEAD' });
  });

  it('refuses an unknown target with a usage error', async () => {
    await expect(computeMergeMap(repo, ['nope'], [])).rejects.toMatchObject({ code: 'UNKNOWN_TARGET', exitCode: 2 });
  });
});

describe('helpers', () => {
  it('mergeTrees answers each pair in order, in one git process', async () => {
    const r = await mergeTrees(repo, [['main', 'open-a'], ['consumer', 'cons-only'], ['main', 'main']]);
    expect(r.map((x) => x.clean)).toEqual([true, false, true]);
    expect(r[1]!.conflicts).toEqual(['consumer.txt']);
  });
});
