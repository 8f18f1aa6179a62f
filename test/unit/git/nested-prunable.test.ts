// A worktree entry git still lists but whose folder is gone (prunable) is no checkout any more: a
// folder a person later makes at that path holds their own files, which are the outer worktree's
// work. Before, the exclusion of nested worktrees left such files out of the archive `kill` saves
// and out of isDirty, while teardown (which skips prunable entries) went on to remove the folder:
// the files were lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDirty, saveArchive } from '../../../src/git/archive.js';
import { listWorktrees } from '../../../src/git/worktree.js';
import { gitIn, hermeticGitEnv, useHermeticProcessEnv } from '../../helpers/tree.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let restoreEnv: () => void;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-nested-prunable-'));
  mkdirSync(join(dir, 'home'));
  env = hermeticGitEnv(join(dir, 'home'));
  restoreEnv = useHermeticProcessEnv(join(dir, 'home'));
});

afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) => gitIn(cwd, args, env);

describe('a prunable nested worktree entry', () => {
  it('does not hide the files a person put at its path from the archive', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    await git(repo, 'init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'base');
    const wt = join(dir, 'wt');
    await git(repo, 'worktree', 'add', '-q', '-b', 'agent', wt);
    const nested = join(wt, '.claude/worktrees/x');
    await git(repo, 'worktree', 'add', '-q', '-b', 'claude-x', nested);
    // the nested checkout is deleted by hand; git keeps its entry (prunable) until a prune
    rmSync(nested, { recursive: true, force: true });
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(nested, 'notes.md'), 'a person\'s only copy\n');
    expect((await listWorktrees(repo)).some((w) => w.prunable)).toBe(true);

    expect(await isDirty(wt)).toBe(true);
    const saved = await saveArchive(wt, { agent: 'a1', agentId: 'id1', branch: 'agent' });
    expect(saved).not.toBeNull();
    const blob = await git(repo, 'show', `${saved!.ref}:.claude/worktrees/x/notes.md`);
    expect(blob).toContain('only copy');
    expect(readFileSync(join(nested, 'notes.md'), 'utf8')).toContain('only copy');
  });

  it('a live nested worktree named with glob characters hides only itself, never the files beside it', async () => {
    const repo = join(dir, 'repo2');
    mkdirSync(repo);
    await git(repo, 'init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'base');
    const wt = join(dir, 'wt2');
    await git(repo, 'worktree', 'add', '-q', '-b', 'agent2', wt);
    for (const [i, name] of ['*', '[ab]', '!x', '#y', 'sp '].entries()) await git(repo, 'worktree', 'add', '-q', '-b', `n${i}`, join(wt, 'nest', name));
    for (const name of ['a', 'b', 'x', '!x-not', 'zz']) { mkdirSync(join(wt, 'nest', `${name}.d`), { recursive: true }); writeFileSync(join(wt, 'nest', `${name}.d`, 'f.txt'), `${name}\n`); }
    writeFileSync(join(wt, 'nest', 'sp'), 'no trailing space\n');
    const saved = await saveArchive(wt, { agent: 'a2', agentId: 'id2', branch: 'agent2' });
    const files = (await git(repo, 'ls-tree', '-r', '--name-only', saved!.ref)).trim().split('\n').sort();
    expect(files).toEqual(['a.txt', 'nest/!x-not.d/f.txt', 'nest/a.d/f.txt', 'nest/b.d/f.txt', 'nest/sp', 'nest/x.d/f.txt', 'nest/zz.d/f.txt']);
  });
});
