// addWorktree on a real repository when git fails: a branch it made for the new worktree goes with
// the failure, a branch that was there before is never touched.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addWorktree } from '../../../src/git/worktree.js';
import { TmuxcodexError } from '../../../src/errors.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-add-worktree-');
let dir: string;
let repo: string;
const git = (...args: string[]) => gitIn(repo, args, folder.env());
const branches = async () => (await git('for-each-ref', '--format=%(refname:short)', 'refs/heads/')).split('\n').filter(Boolean).sort();

beforeAll(async () => {
  dir = folder.dir();
  repo = join(dir, 'repo');
  mkdirSync(repo);
  await git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await git('add', 'a.txt');
  await git('commit', '-q', '-m', 'a');
  await git('branch', 'theirs');
});

describe('addWorktree when git fails', () => {
  it('a new branch for a path git cannot use (a file there) is deleted again', async () => {
    writeFileSync(join(dir, 'taken'), 'a file, not a folder\n');
    const err = await addWorktree(repo, { path: join(dir, 'taken', 'wt'), branch: 'fresh', create: true, base: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TmuxcodexError);
    expect(await branches()).toEqual(['main', 'theirs']);
    expect(await git('worktree', 'list', '--porcelain')).not.toContain('taken');
  });

  it('a branch that was there before is left alone when -b refuses it', async () => {
    const tip = (await git('rev-parse', 'theirs')).trim();
    const err = await addWorktree(repo, { path: join(dir, 'wt-theirs'), branch: 'theirs', create: true, base: null }).catch((e: unknown) => e);
    expect((err as TmuxcodexError).code).toBe('WORKTREE_ADD_FAILED');
    expect((await git('rev-parse', 'theirs')).trim()).toBe(tip);
  });
});
