// What kill used to lose without a word (issue 14, item 7), on real git repositories: content that
// is only in the index (staged, then edited again or reverted on disk) is kept by the archive and
// comes back staged; a git-ignored repository with commits pushed nowhere is found so kill refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyArchive, listArchives, saveArchive } from '../../../src/git/archive.js';
import { ignoredReposWithOwnCommits } from '../../../src/git/ignored-repos.js';
import { gitIn, hermeticGitEnv, useHermeticProcessEnv } from '../../helpers/tree.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let restoreEnv: () => void;
let n = 0;
const git = (cwd: string, ...args: string[]) => gitIn(cwd, args, env);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-archive-index-test-'));
  mkdirSync(join(dir, 'home'));
  env = hermeticGitEnv(join(dir, 'home'));
  restoreEnv = useHermeticProcessEnv(join(dir, 'home'));
});

afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

/** A repository with a.txt = "v0\n" committed. */
async function repoWithFile(): Promise<string> {
  const repo = join(dir, `repo-${++n}`);
  mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'v0\n');
  await git(repo, 'add', 'a.txt');
  await git(repo, 'commit', '-q', '-m', 'v0');
  return repo;
}

const staged = (repo: string, path: string) => git(repo, 'show', `:${path}`);

describe('archives keep the index', () => {
  it('staged v1, edited again to v2: the archive keeps both, and restore gives v2 on disk with v1 staged', async () => {
    const repo = await repoWithFile();
    writeFileSync(join(repo, 'a.txt'), 'v1\n');
    await git(repo, 'add', 'a.txt');
    writeFileSync(join(repo, 'a.txt'), 'v2\n');
    const entry = await saveArchive(repo, { agent: 'ix', agentId: 'id-ix', branch: 'main' });
    expect(entry?.indexTree).toMatch(/^[0-9a-f]{40}$/);
    await git(repo, 'reset', '-q', '--hard');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('v0\n');
    const [listed] = await listArchives(repo);
    expect(listed).toMatchObject({ id: 'ix/1', indexTree: entry!.indexTree });
    await applyArchive(repo, listed!);
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('v2\n');
    expect(await staged(repo, 'a.txt')).toBe('v1\n');
  });

  it('content only in the index (staged, then put back on disk) is saved, not judged "nothing to save"', async () => {
    const repo = await repoWithFile();
    writeFileSync(join(repo, 'a.txt'), 'staged only\n');
    await git(repo, 'add', 'a.txt');
    writeFileSync(join(repo, 'a.txt'), 'v0\n');
    writeFileSync(join(repo, 'new.txt'), 'new, staged\n');
    await git(repo, 'add', 'new.txt');
    const entry = await saveArchive(repo, { agent: 'io', agentId: 'id-io', branch: 'main' });
    expect(entry).not.toBeNull();
    // Saved twice (a kill finished by the next daemon): the same archive, not a second one.
    expect((await saveArchive(repo, { agent: 'io', agentId: 'id-io', branch: 'main' }))?.id).toBe(entry!.id);
    await git(repo, 'reset', '-q', '--hard');
    rmSync(join(repo, 'new.txt'), { force: true });
    await applyArchive(repo, (await listArchives(repo))[0]!);
    expect(await staged(repo, 'a.txt')).toBe('staged only\n');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('v0\n');
    expect(await staged(repo, 'new.txt')).toBe('new, staged\n');
    expect((await git(repo, 'status', '--porcelain')).trimEnd()).toBe('MM a.txt\nA  new.txt');
  });
});

describe('git-ignored repositories inside a worktree', () => {
  it('one with a commit pushed nowhere is named; once its commit is on a remote-tracking ref it is not', async () => {
    const repo = await repoWithFile();
    writeFileSync(join(repo, '.gitignore'), 'vendor/\n');
    const clone = join(repo, 'vendor');
    mkdirSync(clone);
    await git(clone, 'init', '-q', '-b', 'main');
    writeFileSync(join(clone, 'x.txt'), 'x\n');
    await git(clone, 'add', 'x.txt');
    await git(clone, 'commit', '-q', '-m', 'only here');
    expect(await ignoredReposWithOwnCommits(repo)).toEqual(['vendor']);
    await git(clone, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    expect(await ignoredReposWithOwnCommits(repo)).toEqual([]);
  });
});
