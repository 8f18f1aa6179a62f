// repoFacts (git/repo.ts): what a spawn learns of the repository once, on real repositories; and
// that a plan made from those facts is the plan planNewWorktree makes by asking git itself.
import { describe, expect, it } from 'vitest';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoFacts } from '../../../src/git/repo.js';
import { defaultBranch } from '../../../src/git/worktree.js';
import { planNewWorktree, planWorktreeIn, type NewWorktreeRequest } from '../../../src/agents/new-worktree.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-repo-facts-');
let n = 0;

async function repo(): Promise<string> {
  const source = join(realpathSync(folder.dir()), `r${++n}`);
  mkdirSync(source);
  const git = (...a: string[]) => gitIn(source, a, folder.env());
  await git('init', '-q', '-b', 'main');
  writeFileSync(join(source, 'a.txt'), 'a\n');
  await git('add', 'a.txt');
  await git('commit', '-q', '-m', 'base');
  return source;
}

const request = (path: string): NewWorktreeRequest => ({ mode: 'new', path, given: 'new', branch: null, base: null, root: null, targets: [] });

describe('repoFacts', () => {
  it('is null outside a repository', async () => {
    const outside = join(folder.dir(), 'plain');
    mkdirSync(outside);
    expect(await repoFacts(outside)).toBeNull();
  });

  it('from a subfolder of the main checkout: its top, the main checkout and every worktree', async () => {
    const source = await repo();
    await gitIn(source, ['worktree', 'add', '-q', '-b', 'side', join(`${source}.worktrees`, 'side')], folder.env());
    mkdirSync(join(source, 'sub'));
    const facts = (await repoFacts(join(source, 'sub')))!;
    expect([facts.root, facts.mainCheckout, facts.main?.branch]).toEqual([source, source, 'main']);
    expect(facts.worktrees.map((w) => w.branch)).toEqual(['main', 'side']);
    expect(await defaultBranch(source, facts.main)).toBe(await defaultBranch(source));
  });

  it('from a linked worktree: that worktree is the top, the main checkout stays the main one', async () => {
    const source = await repo();
    const side = join(`${source}.worktrees`, 'side');
    await gitIn(source, ['worktree', 'add', '-q', '-b', 'side', side], folder.env());
    const facts = (await repoFacts(side))!;
    expect([facts.root, facts.mainCheckout]).toEqual([side, source]);
  });

  it('plans from the facts as planNewWorktree plans by asking git', async () => {
    const source = await repo();
    const req = request(source);
    expect(await planWorktreeIn(await repoFacts(source), req, 'agent-1', null)).toEqual(await planNewWorktree(req, 'agent-1', null));
  });
});
