// where and propagate on real worktrees: a fix made on main reaches the clean worktrees that lack
// it; dirty, busy and conflicting ones are left exactly as they were (checked byte for byte).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { propagateInto } from '../../../src/git/propagate.js';
import { bugCommitsOf, removedRanges } from '../../../src/git/bug-commits.js';
import { requireCommit, whereIs } from '../../../src/git/where.js';
import { gitIn, hermeticGitEnv, readTree, useHermeticProcessEnv } from '../../helpers/tree.js';

let dir: string;
let repo: string;
let env: NodeJS.ProcessEnv;
let restoreEnv: () => void;
let fix: string;
const git = (cwd: string, ...args: string[]) => gitIn(cwd, args, env);
const wt = (name: string) => join(dir, name);

/** Everything that must not change in a worktree left alone: files, HEAD, index. */
async function snapshot(path: string) {
  return { files: readTree(path, (rel) => rel === '.git'), head: await git(path, 'rev-parse', 'HEAD'), index: await git(path, 'ls-files', '-s'), status: await git(path, 'status', '--porcelain') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-propagate-'));
  mkdirSync(join(dir, 'home'));
  env = hermeticGitEnv(join(dir, 'home'));
  restoreEnv = useHermeticProcessEnv(join(dir, 'home'));
  repo = join(dir, 'repo');
  mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  // The repository's own identity: cherry-picks made by the code under test need one.
  await git(repo, 'config', 'user.name', 'Repo User');
  await git(repo, 'config', 'user.email', 'repo@example.com');
  writeFileSync(join(repo, 'bug.txt'), 'line 1\nbuggy line\nline 3\n');
  writeFileSync(join(repo, 'other.txt'), 'other\n');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'base');
  for (const name of ['clean', 'dirty', 'conflicting', 'rebasing', 'picked']) await git(repo, 'worktree', 'add', '-q', '-b', name, wt(name));
  // conflicting changed the buggy line its own way; rebasing is stopped in a rebase.
  writeFileSync(join(wt('conflicting'), 'bug.txt'), 'line 1\nits own fix\nline 3\n');
  await git(wt('conflicting'), 'commit', '-q', '-am', 'own fix');
  writeFileSync(join(wt('dirty'), 'other.txt'), 'uncommitted edit\n');
  // The fix, on main.
  writeFileSync(join(repo, 'bug.txt'), 'line 1\nfixed line\nline 3\n');
  await git(repo, 'commit', '-q', '-am', 'fix the bug');
  fix = (await git(repo, 'rev-parse', 'HEAD')).trim();
  // picked moves on first, so its cherry-pick is a new commit (not the same one fast-forwarded).
  writeFileSync(join(wt('picked'), 'picked-own.txt'), 'own work\n');
  await git(wt('picked'), 'add', 'picked-own.txt');
  await git(wt('picked'), 'commit', '-q', '-m', 'own work');
  await git(wt('picked'), 'cherry-pick', fix);
  // rebasing: a rebase that stops on a conflict.
  writeFileSync(join(wt('rebasing'), 'bug.txt'), 'line 1\nrebase conflict\nline 3\n');
  await git(wt('rebasing'), 'commit', '-q', '-am', 'conflicting for the rebase');
  await git(wt('rebasing'), 'rebase', 'main').catch(() => {});
});

afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

describe('where', () => {
  it('knows who contains the fix, who has an equivalent, who lacks it', async () => {
    const rows = await whereIs(repo, await requireCommit(repo, fix), [{ name: 'agent-clean', branch: 'clean', worktree: wt('clean') }]);
    const status = Object.fromEntries(rows.map((r) => [r.branch ?? r.worktree, r.status]));
    expect(status, JSON.stringify(status)).toMatchObject({ main: 'contains', picked: 'equivalent', clean: 'lacks', dirty: 'lacks', conflicting: 'lacks' });
    expect(rows.find((r) => r.branch === 'clean')!.agent).toBe('agent-clean');
  });

  it('refuses an unknown REV with a usage error', async () => {
    await expect(requireCommit(repo, 'no-such-rev')).rejects.toMatchObject({ code: 'UNKNOWN_REV', exitCode: 2 });
  });
});

describe('propagate', () => {
  it('applies the fix to a clean worktree that lacks it, recording the origin (-x)', async () => {
    const r = await propagateInto(wt('clean'), 'c', fix);
    expect(r.outcome).toBe('applied');
    expect(await git(wt('clean'), 'show', 'HEAD:bug.txt')).toBe('line 1\nfixed line\nline 3\n');
    expect(await git(wt('clean'), 'log', '-1', '--format=%B')).toContain(`(cherry picked from commit ${fix})`);
  });

  it('says already for a worktree that has it or an equivalent patch', async () => {
    expect((await propagateInto(repo, null, fix)).outcome).toBe('already');
    expect((await propagateInto(wt('picked'), 'p', fix)).outcome).toBe('already');
    expect((await propagateInto(wt('clean'), 'c', fix)).outcome).toBe('already'); // after the apply above
  });

  it.each([['dirty', 'skipped-dirty'], ['conflicting', 'conflict'], ['rebasing', 'skipped-busy']])('leaves %s exactly as it was (%s)', async (name, outcome) => {
    const before = await snapshot(wt(name));
    const r = await propagateInto(wt(name), name, fix);
    expect(r.outcome).toBe(outcome);
    expect(r.reason).toBeTruthy();
    expect(await snapshot(wt(name))).toEqual(before);
  });
});

describe('propagate to worktrees that never had the bug (issue 15, item 3)', () => {
  let bug: string;
  let fix2: string;
  beforeAll(async () => {
    // main gains a feature with a bug; one worktree branched before it, two after.
    await git(repo, 'worktree', 'add', '-q', '-b', 'never-had', wt('never-had'), 'main');
    writeFileSync(join(repo, 'feature.txt'), 'start\nbuggy feature\nend\n');
    await git(repo, 'add', 'feature.txt');
    await git(repo, 'commit', '-q', '-m', 'add the feature');
    bug = (await git(repo, 'rev-parse', 'HEAD')).trim();
    await git(repo, 'worktree', 'add', '-q', '-b', 'had-bug', wt('had-bug'), 'main');
    await git(repo, 'worktree', 'add', '-q', '-b', 'had-bug-changed', wt('had-bug-changed'), 'main');
    writeFileSync(join(wt('had-bug-changed'), 'feature.txt'), 'start\nits own take\nend\n');
    await git(wt('had-bug-changed'), 'commit', '-q', '-am', 'own take on the feature');
    writeFileSync(join(repo, 'feature.txt'), 'start\nfixed feature\nend\n');
    await git(repo, 'commit', '-q', '-am', 'fix the feature');
    fix2 = (await git(repo, 'rev-parse', 'HEAD')).trim();
  });

  it('finds the bug commit from the lines the fix removes (git blame of its parent)', async () => {
    expect(await bugCommitsOf(repo, fix2)).toEqual([bug]);
    expect(removedRanges('--- a/x.ts\n+++ b/x.ts\n@@ -3,2 +3 @@\n@@ -9 +8,0 @@\n@@ -12,0 +11,4 @@\n--- /dev/null\n+++ b/new.ts\n@@ -0,0 +1 @@\n')).toEqual(new Map([['x.ts', [[3, 2], [9, 1]]]]));
  });

  it('says not-needed, naming the commit it lacks, and leaves the worktree alone', async () => {
    const before = await snapshot(wt('never-had'));
    const r = await propagateInto(wt('never-had'), 'n', fix2, await bugCommitsOf(repo, fix2));
    expect(r).toMatchObject({ outcome: 'not-needed', files: [] });
    expect(r.reason).toBe(`it lacks ${bug.slice(0, 7)} add the feature, the commit the fix repairs`);
    expect(await snapshot(wt('never-had'))).toEqual(before);
  });

  it('still applies where the bug is, and names the files of a real conflict', async () => {
    const bugs = await bugCommitsOf(repo, fix2);
    expect((await propagateInto(wt('had-bug'), 'h', fix2, bugs)).outcome).toBe('applied');
    const before = await snapshot(wt('had-bug-changed'));
    const r = await propagateInto(wt('had-bug-changed'), 'c', fix2, bugs);
    expect(r).toMatchObject({ outcome: 'conflict', reason: 'conflict in feature.txt', files: ['feature.txt'] });
    expect(await snapshot(wt('had-bug-changed'))).toEqual(before);
  });
});
