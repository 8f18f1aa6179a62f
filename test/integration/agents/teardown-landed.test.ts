// Tearing down an agent right after its branch was landed (agents/teardown.ts, the landedTip
// shortcut): the branch goes without asking the map again only when it still points at the commit
// that was landed; a commit the agent made after the landing keeps the branch (and its tip).
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { landBranch } from '../../../src/git/land.js';
import { teardownWorktree } from '../../../src/agents/teardown.js';
import type { AgentRecord } from '../../../src/core/agent.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-teardown-landed-');

/** A repository on main with one agent worktree on branch `name`, one commit ahead. */
async function repoWithAgent(name: string): Promise<{ repo: string; wt: string; agent: AgentRecord; git: (...a: string[]) => Promise<string> }> {
  const repo = join(folder.dir(), `repo-${name}`);
  mkdirSync(repo);
  const git = (...a: string[]) => gitIn(repo, a, folder.env());
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'Person');
  await git('config', 'user.email', 'person@example.com');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'base');
  const base = (await git('rev-parse', 'HEAD')).trim();
  const wt = join(folder.dir(), `wt-${name}`);
  await git('worktree', 'add', '-q', '-b', name, wt, 'main');
  writeFileSync(join(wt, `${name}.txt`), 'work\n');
  await gitIn(wt, ['add', '-A'], folder.env());
  await gitIn(wt, ['commit', '-q', '-m', `${name} work`], folder.env());
  const agent = {
    id: `id-${name}`, name, branch: name, branchCreated: true, base, target: 'main', cwd: wt, source: repo,
    worktree: { path: wt, mode: 'new' }, state: 'gone',
  } as unknown as AgentRecord;
  return { repo, wt, agent, git };
}

describe('teardown after a landing', () => {
  it('deletes the branch that still points at the landed tip (its tip kept under refs/tmuxcodex/branches/)', async () => {
    const { repo, agent, git } = await repoWithAgent('still');
    const landed = await landBranch(repo, { branch: 'still', target: 'main', method: 'squash', message: 'land still' });
    expect(landed.branchTip).toBe((await git('rev-parse', 'refs/heads/still')).trim());
    const res = await teardownWorktree(agent, [], { keepWorktree: false, force: false, mergedInto: 'main', landedTip: landed.branchTip });
    expect(res.removed.branch).toBe('still');
    expect(await git('for-each-ref', '--format=%(objectname)', 'refs/tmuxcodex/branches/still/')).toContain(landed.branchTip);
  });

  it('keeps a branch the agent committed to after the landing: that commit is in no target', async () => {
    const { repo, wt, agent, git } = await repoWithAgent('moved');
    const landed = await landBranch(repo, { branch: 'moved', target: 'main', method: 'squash', message: 'land moved' });
    // The agent commits once more before its pane is stopped.
    writeFileSync(join(wt, 'late.txt'), 'late work\n');
    await gitIn(wt, ['add', '-A'], folder.env());
    await gitIn(wt, ['commit', '-q', '-m', 'late work'], folder.env());
    const late = (await git('rev-parse', 'refs/heads/moved')).trim();
    const res = await teardownWorktree(agent, [], { keepWorktree: false, force: false, mergedInto: 'main', landedTip: landed.branchTip });
    expect(res.removed.branch).toBeNull();
    expect((await git('rev-parse', 'refs/heads/moved')).trim()).toBe(late);
  });

  it('a landed tip for another target than the one asked proves nothing: the map decides (unmerged: kept)', async () => {
    const { repo, agent, git } = await repoWithAgent('other');
    await git('branch', 'consumer', 'main');
    const landed = await landBranch(repo, { branch: 'other', target: 'consumer', method: 'squash', message: 'land other' });
    const res = await teardownWorktree({ ...agent, target: 'main' }, [], { keepWorktree: false, force: false, landedTip: landed.branchTip });
    expect(res.removed.branch).toBeNull();
    expect(await git('rev-parse', '--verify', 'refs/heads/other')).toContain(landed.branchTip);
  });
});
