// Cases found in review where a kill could have lost work: commits on a detached HEAD, edits
// hidden by assume-unchanged / skip-worktree, and files a clean filter would store converted.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveArchive } from '../../../src/git/archive.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-archive-review-');
let n = 0;

const git = (cwd: string, ...args: string[]) => gitIn(cwd, args, folder.env());

/** A repository with one commit and a linked worktree on branch w<n>. */
async function worktree(files: Record<string, string> = { 'a.txt': 'a\n' }): Promise<{ repo: string; wt: string }> {
  const repo = join(folder.dir(), `repo${++n}`);
  mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  for (const [f, c] of Object.entries(files)) writeFileSync(join(repo, f), c);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'base');
  const wt = join(folder.dir(), `wt${n}`);
  await git(repo, 'worktree', 'add', '-q', '-b', `w${n}`, wt);
  return { repo, wt };
}

describe('saveArchive never lets work go with the worktree', () => {
  it('keeps commits made on a detached HEAD, even with a clean tree', async () => {
    const { repo, wt } = await worktree();
    await git(wt, 'switch', '-q', '--detach');
    writeFileSync(join(wt, 'a.txt'), 'detached work\n');
    await git(wt, 'commit', '-q', '-am', 'on a detached HEAD');
    const head = (await git(wt, 'rev-parse', 'HEAD')).trim();
    const entry = await saveArchive(wt, { agent: 'det', agentId: '00000001', branch: null });
    expect(entry).not.toBeNull();
    expect(entry!.commit).toBe(head);
    expect((await git(repo, 'rev-parse', entry!.ref)).trim()).toBe(head);
  });

  it('saves edits hidden from git status by assume-unchanged and skip-worktree', async () => {
    const { wt } = await worktree({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await git(wt, 'update-index', '--assume-unchanged', 'a.txt');
    await git(wt, 'update-index', '--skip-worktree', 'b.txt');
    writeFileSync(join(wt, 'a.txt'), 'hidden edit a\n');
    writeFileSync(join(wt, 'b.txt'), 'hidden edit b\n');
    expect((await git(wt, 'status', '--porcelain')).trim()).toBe(''); // git itself says clean
    const entry = await saveArchive(wt, { agent: 'hid', agentId: '00000002', branch: `w${n}` });
    expect(entry).not.toBeNull();
    expect(await git(wt, 'show', `${entry!.commit}:a.txt`)).toBe('hidden edit a\n');
    expect(await git(wt, 'show', `${entry!.commit}:b.txt`)).toBe('hidden edit b\n');
  });

  it('returns null when there is truly nothing to save (clean, HEAD on a branch)', async () => {
    const { wt } = await worktree();
    expect(await saveArchive(wt, { agent: 'clean', agentId: '00000003', branch: `w${n}` })).toBeNull();
  });

  it('refuses (and so keeps the worktree) when a clean filter would store converted bytes', async () => {
    const { wt } = await worktree({ 'a.txt': 'a\n', '.gitattributes': '* text=auto\n' });
    writeFileSync(join(wt, 'crlf.txt'), 'line one\r\nline two\r\n');
    await expect(saveArchive(wt, { agent: 'crlf', agentId: '00000004', branch: `w${n}` })).rejects.toMatchObject({ code: 'ARCHIVE_UNVERIFIED' });
    expect(readFileSync(join(wt, 'crlf.txt'), 'utf8')).toBe('line one\r\nline two\r\n');
    expect((await git(wt, 'for-each-ref', 'refs/tmuxcodex/')).trim()).toBe('');
  });
});
