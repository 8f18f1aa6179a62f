// Where a new worktree goes (agents/new-worktree.ts), on real repositories: never in a folder
// another user controls. A repository in /tmp gets its worktrees beside it, at a name anyone can
// make first; "another user" is the real nobody (tests run as root).
import { describe, expect, it } from 'vitest';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planNewWorktree, type NewWorktreeRequest } from '../../../src/agents/new-worktree.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';
import { asyncRefusal as refusal } from '../../helpers/refusal.js';

const folder = hermeticGitFolder('tmuxcodex-new-worktree-');
let n = 0;

async function repo(): Promise<string> {
  const parent = join(folder.dir(), `p${++n}`);
  mkdirSync(parent);
  chmodSync(parent, 0o1777); // like /tmp: anyone may make folders here
  const source = join(parent, 'myrepo');
  mkdirSync(source);
  const git = (...a: string[]) => gitIn(source, a, folder.env());
  await git('init', '-q', '-b', 'main');
  writeFileSync(join(source, 'a.txt'), 'a\n');
  await git('add', 'a.txt');
  await git('commit', '-q', '-m', 'base');
  return source;
}

const request = (path: string, root: string | null = null): NewWorktreeRequest => ({ mode: 'new', path, given: 'new', branch: null, base: null, root, targets: [] });

describe('planNewWorktree: the worktrees folder', () => {
  it('plans beside the repository when that folder is not there yet, or is ours', async () => {
    const source = await repo();
    expect((await planNewWorktree(request(source), 'agent-1', null)).path).toBe(join(`${source}.worktrees`, 'agent-1'));
    mkdirSync(`${source}.worktrees`);
    expect((await planNewWorktree(request(source), 'agent-1', null)).path).toBe(join(`${source}.worktrees`, 'agent-1'));
  });

  it('refuses a worktrees folder another user made first, or one others can write: they could swap the agents\' worktrees', async () => {
    const source = await repo();
    const root = `${source}.worktrees`;
    mkdirSync(root);
    chownSync(root, 65534, 65534);
    const e = await refusal(planNewWorktree(request(source), 'agent-1', null));
    expect([e.code, e.exitCode]).toEqual(['UNSAFE_WORKTREE_ROOT', 2]);
    expect(e.message).toBe(`${root} belongs to uid 65534: that user could replace the agents' worktrees in it with folders of their own; nothing was created.`);
    chownSync(root, 0, 0);
    chmodSync(root, 0o777);
    expect((await refusal(planNewWorktree(request(source), 'agent-1', null))).message).toBe(`${root} can be written by other users (mode 0777): they could replace the agents' worktrees in it with folders of their own; nothing was created.`);
    // A configured root is held to the same rule.
    const shared = join(folder.dir(), `shared${n}`);
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect((await refusal(planNewWorktree(request(source, join(shared, 'wts')), 'agent-1', null))).code).toBe('UNSAFE_WORKTREE_ROOT');
  });
});
