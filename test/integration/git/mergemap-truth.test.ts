// The merge map tells the truth in situations a person gets into on an ordinary day (issue 15):
// every count is checked against git's own answer, computed here independently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { computeMergeMap, mergedState } from '../../../src/git/mergemap.js';
import { cleanVerdict } from '../../../src/agents/landing.js';
import type { AgentRecord } from '../../../src/core/agent.js';

let root: string;
let repo: string;
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

/** git's own ahead/behind of branch against target. */
async function counts(branch: string, target: string): Promise<{ ahead: number; behind: number }> {
  const [behind, ahead] = (await git('rev-list', '--left-right', '--count', `${target}...${branch}`)).trim().split(/\s+/).map(Number);
  return { ahead: ahead!, behind: behind! };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tmuxcodex-map-truth-'));
  repo = join(root, 'repo');
  await execa('git', ['init', '-q', '-b', 'main', repo], { env, extendEnv: false });
  await execa('git', ['init', '-q', '--bare', join(root, 'origin.git')], { env, extendEnv: false });
  await git('remote', 'add', 'origin', join(root, 'origin.git'));
  await commit('a.txt', 'a\n', 'base');
  await git('push', '-q', '--set-upstream', 'origin', 'main');
  await git('branch', 'consumer');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ahead/behind of a branch that has an upstream (every branch `pr` pushed)', () => {
  it('counts against each target, not against the branch\'s own upstream', async () => {
    await git('checkout', '-q', '-b', 'pushed', 'main');
    await commit('p1.txt', 'p1\n', 'p1');
    await commit('p2.txt', 'p2\n', 'p2');
    // As `tmuxcodex pr` pushes: --set-upstream, so branch.pushed.merge is set in the repository's config.
    await git('push', '-q', '--set-upstream', 'origin', 'refs/heads/pushed:refs/heads/pushed');
    await git('checkout', '-q', 'main');
    await commit('m1.txt', 'm1\n', 'main moves on');
    await git('checkout', '-q', 'consumer');
    await commit('c1.txt', 'c1\n', 'consumer 1');
    await commit('c2.txt', 'c2\n', 'consumer 2');
    await commit('c3.txt', 'c3\n', 'consumer 3');
    await git('checkout', '-q', 'main');
    const map = await computeMergeMap(repo, ['main', 'consumer'], [{ branch: 'pushed', worktree: null, agent: 'p' }], { worktreeRows: false });
    const row = map.rows[0]!;
    expect(row.targets.main).toMatchObject({ ...(await counts('pushed', 'main')), merged: 'no' });
    expect(row.targets.consumer).toMatchObject({ ...(await counts('pushed', 'consumer')), merged: 'no' });
    expect(row.targets.main).toMatchObject({ ahead: 2, behind: 1 });
    expect(row.targets.consumer).toMatchObject({ ahead: 2, behind: 3 });
  });

  it('is not fooled by any upstream config the user set, however many values', async () => {
    await git('checkout', '-q', '-b', 'configured', 'main');
    await commit('k.txt', 'k\n', 'k');
    await git('checkout', '-q', 'main');
    await git('config', 'branch.configured.remote', '.');
    await git('config', '--add', 'branch.configured.merge', 'refs/heads/configured');
    await git('config', '--add', 'branch.configured.merge', 'refs/heads/consumer');
    const map = await computeMergeMap(repo, ['main', 'consumer'], [{ branch: 'configured', worktree: null, agent: 'k' }], { worktreeRows: false });
    expect(map.rows[0]!.targets.main).toMatchObject(await counts('configured', 'main'));
    expect(map.rows[0]!.targets.consumer).toMatchObject(await counts('configured', 'consumer'));
    expect(map.rows[0]!.targets.main).toMatchObject({ ahead: 1, behind: 0 });
  });
});

describe('answers that no repository config can change', () => {
  it('sees a cherry-pick when the repository sets color.ui=always', async () => {
    await git('checkout', '-q', '-b', 'to-pick', 'main');
    await commit('pick.txt', 'pick\n', 'to pick');
    await git('checkout', '-q', 'main');
    await commit('m2.txt', 'm2\n', 'main first'); // so the pick is a new commit
    await git('cherry-pick', 'to-pick');
    await git('config', 'color.ui', 'always');
    try {
      expect(await mergedState(repo, 'to-pick', 'main')).toBe('patch');
    } finally {
      await git('config', '--unset', 'color.ui');
    }
  });
});

describe('a branch with no commits of its own (issue 15, item 5)', () => {
  it('is "no commits yet", never merged; once it has a commit merged by fast-forward, it is merged', async () => {
    const base = (await git('rev-parse', 'main')).trim();
    await git('branch', 'empty', base);
    let row = (await computeMergeMap(repo, ['main', 'consumer'], [{ branch: 'empty', worktree: null, agent: 'e', base }], { worktreeRows: false })).rows[0]!;
    expect(row.noCommitsYet).toBe(true);
    expect(row.targets.main).toMatchObject({ ...(await counts('empty', 'main')), merged: 'no', mergedOn: null });
    expect(await mergedState(repo, 'empty', 'main', base)).toBe('no');
    // The same branch with a commit that main then took by fast-forward: merged by ancestry.
    await git('checkout', '-q', 'empty');
    await commit('e.txt', 'e\n', 'e work');
    await git('checkout', '-q', 'main');
    await git('merge', '-q', '--ff-only', 'empty');
    row = (await computeMergeMap(repo, ['main'], [{ branch: 'empty', worktree: null, agent: 'e', base }], { worktreeRows: false })).rows[0]!;
    expect(row.noCommitsYet).toBe(false);
    expect(row.targets.main).toMatchObject({ ahead: 0, behind: 0, merged: 'ancestor' });
  });

  it('is kept by clean with the reason, not removed as merged', async () => {
    const base = (await git('rev-parse', 'main')).trim();
    const wt = join(root, 'wt-empty-agent');
    await git('worktree', 'add', '-q', '-b', 'empty-agent', wt, base);
    const agent = { name: 'idle-one', branch: 'empty-agent', base, target: 'main', worktree: { path: wt, mode: 'new' }, source: repo, cwd: wt } as unknown as AgentRecord;
    expect(await cleanVerdict(agent)).toEqual({ merged: 'no', target: 'main', reason: expect.stringMatching(/^no commits yet/) });
  });
});
