// Finding a worktree's top without git (git/find-top.ts), on real folders: the nearest `.git`, but
// never one another user made (a `.git` planted in /tmp would make every folder below it their
// repository, with their .tmuxcodex.yaml); git refuses such a repository too ("dubious ownership").
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findWorktreeTop } from '../../../src/git/find-top.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-find-top-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('findWorktreeTop', () => {
  it('finds the nearest folder holding .git (a folder, or a worktree\'s .git file), or null', () => {
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    mkdirSync(join(dir, 'repo', 'src', 'deep'), { recursive: true });
    expect(findWorktreeTop(join(dir, 'repo', 'src', 'deep'))).toBe(join(dir, 'repo'));
    mkdirSync(join(dir, 'wt'));
    writeFileSync(join(dir, 'wt', '.git'), 'gitdir: /elsewhere\n');
    expect(findWorktreeTop(join(dir, 'wt'))).toBe(join(dir, 'wt'));
    expect(findWorktreeTop(join(dir, 'plain'))).toBe(null);
  });

  it('never takes a .git another user made above us (a shared /tmp): no repository, as git says', () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    mkdirSync(join(shared, '.git'));
    writeFileSync(join(shared, '.tmuxcodex.yaml'), 'session: theirs\n');
    chownSync(join(shared, '.git'), 65534, 65534);
    mkdirSync(join(shared, 'mine', 'work'), { recursive: true });
    expect(findWorktreeTop(join(shared, 'mine', 'work'))).toBe(null);
  });
});
