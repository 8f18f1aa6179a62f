// Undoing interrupted spawns (agents/spawn-intents.ts) on real repositories: a half-made worktree
// no record knows goes (with its branch, still at its base); a folder at the intent's path that is
// not that worktree (the person's own, made there later) is never removed.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpawnIntents, spawnLockReason } from '../../../src/agents/spawn-intents.js';
import { addWorktree } from '../../../src/git/worktree.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-spawn-intents-');
let n = 0;

async function repo(): Promise<{ source: string; base: string; git: (...a: string[]) => Promise<string> }> {
  const source = join(folder.dir(), `r${++n}`);
  mkdirSync(source);
  const git = (...a: string[]) => gitIn(source, a, folder.env());
  await git('init', '-q', '-b', 'main');
  writeFileSync(join(source, 'a.txt'), 'a\n');
  await git('add', 'a.txt');
  await git('commit', '-q', '-m', 'base');
  return { source, base: (await git('rev-parse', 'HEAD')).trim(), git };
}

describe('SpawnIntents.recover', () => {
  it('removes a half-made worktree no record knows, and its branch still at its base', async () => {
    const { source, base, git } = await repo();
    const intents = new SpawnIntents(join(folder.dir(), `intents${n}`));
    const path = join(folder.dir(), `wt${n}`);
    const id = intents.begin({ source, path, branch: 'agent-1', create: true, baseCommit: base });
    // As spawn makes it: locked with the spawn's own reason, its identity for recovery.
    await addWorktree(source, { path, branch: 'agent-1', create: true, base: null, lockReason: spawnLockReason(id) });
    const done = await intents.recover(new Set());
    expect(done).toEqual([`removed the half-made worktree ${path}`, 'deleted its branch agent-1 (nothing was committed on it)']);
    expect(existsSync(path)).toBe(false);
    expect(await git('branch', '--list', 'agent-1')).toBe('');
  });

  it('never removes a folder at the intent\'s path that is not the worktree it was making (killed before git made it)', async () => {
    const { source, base } = await repo();
    const intents = new SpawnIntents(join(folder.dir(), `intents${n}`));
    const path = join(folder.dir(), `wt${n}`);
    intents.begin({ source, path, branch: 'agent-2', create: true, baseCommit: base });
    // The daemon died before `git worktree add`; the person later made a folder of their own there.
    mkdirSync(join(path, 'src'), { recursive: true });
    writeFileSync(join(path, 'src', 'work.txt'), 'a day of work\n');
    const done = await intents.recover(new Set());
    expect(readFileSync(join(path, 'src', 'work.txt'), 'utf8')).toBe('a day of work\n');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatch(new RegExp(`^left ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} alone`));
    expect(await intents.recover(new Set())).toEqual([]); // the intent is gone
  });
});
