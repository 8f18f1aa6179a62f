// Archives of uncommitted work, on real repositories: every kind of change survives a save and a
// restore byte for byte (modes, deletions, symlinks, binary files, odd names); saving touches
// neither the worktree nor the user's index or stash; restores refuse dirty worktrees and leave a
// worktree exactly as it was when the archive does not apply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { applyArchive, findArchive, isDirty, listArchives, saveArchive, type ArchiveEntry } from '../../../src/git/archive.js';
import { TmuxcodexError } from '../../../src/errors.js';
import { gitIn, hermeticGitEnv, readTree, useHermeticProcessEnv, type TreeEntry } from '../../helpers/tree.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let restoreEnv: () => void;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-archive-test-'));
  mkdirSync(join(dir, 'home'));
  env = hermeticGitEnv(join(dir, 'home'));
  restoreEnv = useHermeticProcessEnv(join(dir, 'home')); // the code under test runs git with process.env
});

afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const git = (cwd: string, ...args: string[]) => gitIn(cwd, args, env);

function put(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** The worktree's files, without .git and the ignored files an archive never holds. */
const work = (wt: string): Record<string, TreeEntry> => readTree(wt, (rel) => rel === '.git' || rel === 'debug.log' || rel === 'node_modules');

const BINARY = Buffer.concat([Buffer.from([0, 1, 2, 255, 0, 10, 13]), randomBytes(3000)]);
const ODD_NAMES = ['with space.txt', 'ünïcødé ✓.txt', 'new\nline.txt'];

/** A repository with one commit holding a file for each kind of change to come, and a stash. */
async function makeBase(): Promise<string> {
  const repo = join(dir, `repo-${++counter}`);
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  put(join(repo, '.gitignore'), '*.log\nnode_modules/\n');
  for (const name of ['mod.txt', 'del-gitrm.txt', 'del-rm.txt', 'staged.txt', 'to-symlink.txt', 'sub/keep.txt']) put(join(repo, name), `${name}\nline 2\nline 3\n`);
  put(join(repo, 'bin.dat'), BINARY);
  put(join(repo, 'script.sh'), '#!/bin/sh\necho hi\n');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'base');
  // a stash the user keeps: saving must not touch it
  put(join(repo, 'mod.txt'), 'stashed change\n');
  await git(repo, 'stash', '-q');
  return repo;
}

/** Every kind of uncommitted change, staged and not, tracked and untracked (and ignored files). */
async function makeChanges(repo: string): Promise<void> {
  put(join(repo, 'mod.txt'), 'mod.txt\nline 2 changed\nline 3\n');
  await git(repo, 'rm', '-q', 'del-gitrm.txt');
  unlinkSync(join(repo, 'del-rm.txt'));
  put(join(repo, 'added.txt'), 'a new file\n');
  put(join(repo, 'empty.txt'), '');
  put(join(repo, 'new.bin'), randomBytes(2048));
  const bin = Buffer.from(BINARY);
  bin[100] = bin[100]! ^ 0xff;
  put(join(repo, 'bin.dat'), bin);
  chmodSync(join(repo, 'script.sh'), 0o755);
  symlinkSync('mod.txt', join(repo, 'link'));
  symlinkSync('/nonexistent/absolute/target', join(repo, 'abs-link'));
  unlinkSync(join(repo, 'to-symlink.txt'));
  symlinkSync('sub/keep.txt', join(repo, 'to-symlink.txt'));
  put(join(repo, 'newdir/deeper/file.txt'), 'in a new folder\n');
  put(join(repo, 'staged.txt'), 'staged.txt\nstaged change\n');
  await git(repo, 'add', 'staged.txt');
  put(join(repo, 'staged-new.txt'), 'staged new file\n');
  await git(repo, 'add', 'staged-new.txt');
  for (const name of ODD_NAMES) put(join(repo, name), `odd name: ${name}\n`);
  put(join(repo, 'debug.log'), 'ignored\n');
  put(join(repo, 'node_modules/x/index.js'), 'ignored\n');
}

/** The paths the changes touch (what an archive's file count counts). */
const CHANGED = ['mod.txt', 'del-gitrm.txt', 'del-rm.txt', 'added.txt', 'empty.txt', 'new.bin', 'bin.dat', 'script.sh', 'link', 'abs-link', 'to-symlink.txt',
  'newdir/deeper/file.txt', 'staged.txt', 'staged-new.txt', ...ODD_NAMES];

/** What a user sees of their repository's state: HEAD, index, staged diff, stash, status. */
async function userState(repo: string): Promise<Record<string, string>> {
  return {
    head: await git(repo, 'rev-parse', 'HEAD'),
    index: await git(repo, 'ls-files', '-s', '-z'),
    cached: await git(repo, 'diff', '--cached', '--binary'),
    stash: await git(repo, 'stash', 'list', '--format=%H %s'),
    status: await git(repo, 'status', '--porcelain=v1', '-z', '--untracked-files=all'),
    refs: await git(repo, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/stash'),
  };
}

async function errorOf(p: Promise<unknown>): Promise<TmuxcodexError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxcodexError);
    return e as TmuxcodexError;
  }
  throw new Error('expected an error');
}

async function addWorktree(repo: string, name: string, base: string): Promise<string> {
  const path = join(dirname(repo), `${name}-${++counter}`);
  await git(repo, 'worktree', 'add', '-q', '-b', `${name}-${counter}`, path, base);
  return path;
}

async function gitPathExists(wt: string, what: string): Promise<boolean> {
  const p = (await git(wt, 'rev-parse', '--git-path', what)).trim();
  return existsSync(p.startsWith('/') ? p : join(wt, p));
}

describe('saveArchive and applyArchive round trips', () => {
  let repo: string;
  let before: Record<string, TreeEntry>;
  let state: Record<string, string>;
  let entry: ArchiveEntry;

  beforeAll(async () => {
    repo = await makeBase();
    await makeChanges(repo);
    before = work(repo);
    state = await userState(repo);
    const saved = await saveArchive(repo, { agent: 'a1', agentId: 'id-a1', branch: 'main' });
    expect(saved).not.toBeNull();
    entry = saved!;
  });

  it('names the archive a1/1 under refs/tmuxcodex/archive/, based on HEAD, counting every changed path', async () => {
    expect(entry).toMatchObject({ id: 'a1/1', agent: 'a1', branch: 'main', ref: 'refs/tmuxcodex/archive/a1/1', base: state.head!.trim(), files: CHANGED.length });
    expect((await git(repo, 'rev-parse', entry.ref)).trim()).toBe(entry.commit);
    expect((await git(repo, 'rev-parse', `${entry.commit}^`)).trim()).toBe(entry.base);
    expect(Date.parse(entry.createdAt)).not.toBeNaN();
    // our own identity, since the user has none configured
    expect((await git(repo, 'log', '-1', '--format=%an <%ae>', entry.commit)).trim()).toBe('tmuxcodex <tmuxcodex@localhost>');
  });

  it('holds every change with its mode, and no ignored file', async () => {
    const tree = await git(repo, 'ls-tree', '-r', '-z', '--full-tree', entry.commit);
    const modes = new Map(tree.split('\0').filter(Boolean).map((l) => [l.slice(l.indexOf('\t') + 1), l.split(' ')[0]!]));
    expect(modes.get('script.sh')).toBe('100755');
    expect(modes.get('link')).toBe('120000');
    expect(modes.get('to-symlink.txt')).toBe('120000');
    expect(modes.get('new\nline.txt')).toBe('100644');
    expect(modes.get('newdir/deeper/file.txt')).toBe('100644');
    expect(modes.has('del-gitrm.txt')).toBe(false);
    expect(modes.has('del-rm.txt')).toBe(false);
    expect(modes.has('debug.log')).toBe(false);
    expect([...modes.keys()].some((p) => p.startsWith('node_modules'))).toBe(false);
    const changed = (await git(repo, 'diff-tree', '-r', '-z', '--name-only', '--no-renames', entry.base, entry.commit)).split('\0').filter(Boolean);
    expect(changed.sort()).toEqual([...CHANGED].sort());
  });

  it('leaves the worktree, the index, the staged diff and the stash exactly as they were', async () => {
    expect(work(repo)).toEqual(before);
    expect(readTree(join(repo, 'node_modules'))).toEqual({ x: { type: 'dir', mode: 0o755 }, 'x/index.js': { type: 'file', mode: 0o644, bytes: Buffer.from('ignored\n').toString('base64') } });
    expect(await userState(repo)).toEqual(state);
    expect(state.stash).toMatch(/WIP on main/); // there was a stash, and it is still there
    expect(await gitPathExists(repo, 'index.lock')).toBe(false);
  });

  it('restores into a new worktree from the base: byte-identical files, same modes, same deletions', async () => {
    const wt = await addWorktree(repo, 'restore', entry.base);
    await applyArchive(wt, entry);
    expect(work(wt)).toEqual(before);
    expect(existsSync(join(wt, 'del-gitrm.txt'))).toBe(false);
    expect(existsSync(join(wt, 'del-rm.txt'))).toBe(false);
    expect(work(wt)['script.sh']).toMatchObject({ type: 'file', mode: 0o755 });
    expect(work(wt)['abs-link']).toEqual({ type: 'symlink', link: '/nonexistent/absolute/target' });
    // the work comes back uncommitted: HEAD still the base, staged as it was staged (issue 14), new files untracked
    expect((await git(wt, 'diff', '--cached', '--name-only')).split('\n').filter(Boolean).sort()).toEqual(['del-gitrm.txt', 'staged-new.txt', 'staged.txt']);
    expect((await git(wt, 'rev-parse', 'HEAD')).trim()).toBe(entry.base);
    const untracked = (await git(wt, 'ls-files', '-z', '--others', '--exclude-standard')).split('\0').filter(Boolean);
    expect(untracked).toEqual(expect.arrayContaining(['added.txt', 'newdir/deeper/file.txt', 'new\nline.txt']));
    expect(untracked).not.toContain('staged-new.txt');
    expect(await gitPathExists(wt, 'CHERRY_PICK_HEAD')).toBe(false);
  });

  it('restores into a clean worktree that moved on, when the changes apply', async () => {
    const wt = await addWorktree(repo, 'moved', entry.base);
    put(join(wt, 'sub/keep.txt'), 'changed on this branch\n');
    put(join(wt, 'other.txt'), 'only here\n');
    await git(wt, 'add', '-A');
    await git(wt, 'commit', '-q', '-m', 'moved on');
    await applyArchive(wt, entry);
    const after = work(wt);
    for (const path of CHANGED) expect(after[path], path).toEqual(before[path]);
    expect(after['sub/keep.txt']).toMatchObject({ bytes: Buffer.from('changed on this branch\n').toString('base64') });
    expect(after['other.txt']).toBeDefined();
  });

  it('refuses to restore into a dirty worktree (exit-2 error) and changes nothing', async () => {
    for (const dirty of [(wt: string) => put(join(wt, 'dirt.txt'), 'untracked\n'), (wt: string) => put(join(wt, 'mod.txt'), 'edited\n')]) {
      const wt = await addWorktree(repo, 'dirty', entry.base);
      dirty(wt);
      const was = work(wt);
      const wasState = await userState(wt);
      const err = await errorOf(applyArchive(wt, entry));
      expect(err.code).toBe('WORKTREE_NOT_CLEAN');
      expect(err.exitCode).toBe(2);
      expect(err.message).toContain(wt);
      expect(work(wt)).toEqual(was);
      expect(await userState(wt)).toEqual(wasState);
    }
  });

  it('a conflicting restore into a clean, diverged worktree aborts and leaves it exactly as it was', async () => {
    const wt = await addWorktree(repo, 'conflict', entry.base);
    put(join(wt, 'mod.txt'), 'mod.txt\nline 2 changed differently\nline 3\n');
    await git(wt, 'commit', '-q', '-am', 'conflicting change');
    const was = work(wt);
    const wasState = await userState(wt);
    const err = await errorOf(applyArchive(wt, entry));
    expect(err.code).toBe('ARCHIVE_CONFLICT');
    expect(err.exitCode).toBe(2);
    expect(work(wt)).toEqual(was);
    expect(await userState(wt)).toEqual(wasState);
    expect(await isDirty(wt)).toBe(false);
    expect(await gitPathExists(wt, 'CHERRY_PICK_HEAD')).toBe(false);
    expect(await gitPathExists(wt, 'sequencer')).toBe(false);
    expect(await gitPathExists(wt, 'MERGE_MSG')).toBe(false);
  });
});

describe('saving edge cases', () => {
  it('a clean worktree saves nothing and makes no ref', async () => {
    const repo = await makeBase();
    put(join(repo, 'debug.log'), 'ignored only\n');
    expect(await saveArchive(repo, { agent: 'clean', agentId: 'x', branch: 'main' })).toBeNull();
    expect(await git(repo, 'for-each-ref', 'refs/tmuxcodex/')).toBe('');
  });

  it('the same work of the same agent saved again (a kill finished by the next daemon) gives the archive it has, not a second', async () => {
    const repo = await makeBase();
    put(join(repo, 'work.txt'), 'the work\n');
    const first = (await saveArchive(repo, { agent: 'twice', agentId: 'id-1', branch: 'main' }))!;
    const again = (await saveArchive(repo, { agent: 'twice', agentId: 'id-1', branch: 'main' }))!;
    expect(again).toMatchObject({ id: first.id, ref: first.ref, commit: first.commit, files: first.files });
    expect((await git(repo, 'for-each-ref', '--format=%(refname)', 'refs/tmuxcodex/')).trim()).toBe('refs/tmuxcodex/archive/twice/1');
    // Other work, or another agent of the same name (another id), is a new archive.
    put(join(repo, 'work.txt'), 'more work\n');
    expect((await saveArchive(repo, { agent: 'twice', agentId: 'id-1', branch: 'main' }))!.id).toBe('twice/2');
    expect((await saveArchive(repo, { agent: 'twice', agentId: 'id-2', branch: 'main' }))!.id).toBe('twice/3');
  });

  it('lists an archive of a commit with no body (detached commits, saved as HEAD itself) and the archives next to it', async () => {
    const repo = await makeBase();
    await git(repo, 'checkout', '-q', '--detach');
    put(join(repo, 'detached.txt'), 'made on a detached HEAD\n');
    await git(repo, 'add', 'detached.txt');
    await git(repo, 'commit', '-q', '-m', 'subject only');
    const bare = (await saveArchive(repo, { agent: 'nobody', agentId: 'n1', branch: null }))!;
    put(join(repo, 'work.txt'), 'work\n');
    const other = (await saveArchive(repo, { agent: 'other', agentId: 'o1', branch: null }))!;
    const listed = await listArchives(repo);
    expect(listed.map((e) => e.ref).sort()).toEqual([bare.ref, other.ref].sort());
    expect(listed.find((e) => e.ref === bare.ref)!.commit).toBe(bare.commit);
    // Saved again: the detached commit is in a ref now (the archive), so there is nothing more to save.
    await git(repo, 'stash', '-q', '-u');
    expect(await saveArchive(repo, { agent: 'nobody', agentId: 'n1', branch: null })).toBeNull();
  });

  it('a staged-only change (index and worktree agree) and a detached HEAD round trip', async () => {
    const repo = await makeBase();
    await git(repo, 'checkout', '-q', '--detach');
    put(join(repo, 'staged.txt'), 'only staged\n');
    await git(repo, 'add', 'staged.txt');
    const state = await userState(repo);
    const e = (await saveArchive(repo, { agent: 'det', agentId: 'x', branch: null }))!;
    expect(e).toMatchObject({ id: 'det/1', branch: null, files: 1 });
    expect(await userState(repo)).toEqual(state);
    expect((await findArchive(repo, 'det/1')).branch).toBeNull();
    const wt = await addWorktree(repo, 'det-restore', e.base);
    await applyArchive(wt, e);
    expect(work(wt)).toEqual(work(repo));
  });

  it('a git repository cloned inside the worktree is never saved as a bare gitlink (its files would be lost)', async () => {
    // An agent clones a library into its worktree to read or patch it. A gitlink records only a
    // commit id that lives in the nested .git, which goes with the worktree: the save must either
    // refuse (so kill keeps the worktree) or hold the nested files themselves.
    const repo = await makeBase();
    const nested = join(repo, 'vendor/lib');
    mkdirSync(nested, { recursive: true });
    await git(nested, 'init', '-q');
    put(join(nested, 'inner.txt'), 'committed in the nested repository\n');
    await git(nested, 'add', '-A');
    await git(nested, 'commit', '-q', '-m', 'inner');
    put(join(nested, 'patch.txt'), 'uncommitted work in the nested repository\n');
    put(join(repo, 'top.txt'), 'work at the top\n');
    const saved = await saveArchive(repo, { agent: 'nest', agentId: 'x', branch: 'main' }).then((e) => e, (e: unknown) => e);
    if (saved instanceof Error) {
      expect(saved).toBeInstanceOf(TmuxcodexError);
      expect(saved.message).toContain('vendor/lib');
      expect(await git(repo, 'for-each-ref', 'refs/tmuxcodex/')).toBe('');
      return;
    }
    const e = saved as ArchiveEntry;
    const tree = await git(repo, 'ls-tree', '-r', '-z', e.commit);
    expect(tree.split('\0').filter((l) => l.startsWith('160000'))).toEqual([]);
    const wt = await addWorktree(repo, 'nest-restore', e.base);
    await applyArchive(wt, e);
    expect(readTree(join(wt, 'vendor/lib'), (rel) => rel === '.git')).toEqual(readTree(nested, (rel) => rel === '.git'));
  });

  it('saves in a linked worktree; the archive is seen from every worktree of the repository', async () => {
    const repo = await makeBase();
    const wt = await addWorktree(repo, 'agent', 'HEAD');
    put(join(wt, 'agent-work.txt'), 'work\n');
    const e = (await saveArchive(wt, { agent: 'linked', agentId: 'x', branch: 'agent' }))!;
    expect((await findArchive(repo, 'linked/1')).commit).toBe(e.commit);
    expect(readTree(wt, (rel) => rel === '.git')['agent-work.txt']).toBeDefined();
  });
});

describe('listArchives, findArchive and numbering', () => {
  let repo: string;
  const saved: ArchiveEntry[] = [];

  beforeAll(async () => {
    repo = await makeBase();
    put(join(repo, 'work.txt'), 'one\n');
    saved.push((await saveArchive(repo, { agent: 'a1', agentId: 'i1', branch: 'main' }))!);
    put(join(repo, 'work.txt'), 'two\n');
    saved.push((await saveArchive(repo, { agent: 'a1', agentId: 'i1', branch: 'main' }))!);
    saved.push((await saveArchive(repo, { agent: 'a1-x', agentId: 'i2', branch: 'feature/x' }))!);
    saved.push((await saveArchive(repo, { agent: 'a2', agentId: 'i3', branch: 'main' }))!);
  });

  it('numbers each agent\'s archives /1, /2, ... on their own', () => {
    expect(saved.map((e) => e.id)).toEqual(['a1/1', 'a1/2', 'a1-x/1', 'a2/1']);
    expect(new Set(saved.map((e) => e.commit)).size).toBe(4);
  });

  it('lists every archive with what save returned', async () => {
    const all = await listArchives(repo);
    expect(all).toHaveLength(4);
    for (const s of saved) {
      const l = all.find((a) => a.id === s.id)!;
      expect(l).toMatchObject({ agent: s.agent, branch: s.branch, ref: s.ref, commit: s.commit, base: s.base, files: s.files });
    }
    expect(all.find((a) => a.id === 'a1-x/1')?.agent).toBe('a1-x');
    expect(all.find((a) => a.id === 'a1-x/1')?.branch).toBe('feature/x');
  });

  it('finds by id or by a commit prefix of 7 or more; anything else is a usage error', async () => {
    expect((await findArchive(repo, 'a1/2')).commit).toBe(saved[1]!.commit);
    expect((await findArchive(repo, saved[3]!.commit.slice(0, 7))).id).toBe('a2/1');
    for (const bad of ['a1/9', 'nobody/1', saved[0]!.commit.slice(0, 6), '']) {
      const err = await errorOf(findArchive(repo, bad));
      expect(err.code).toBe('NO_SUCH_ARCHIVE');
      expect(err.exitCode).toBe(2);
    }
  });

  it('lists newest first, also for archives saved within the same second', async () => {
    const r = await makeBase();
    const was = process.env.GIT_COMMITTER_DATE;
    process.env.GIT_COMMITTER_DATE = '2026-01-02T03:04:05Z'; // two kills in one second
    try {
      for (const text of ['one\n', 'two\n', 'three\n']) {
        put(join(r, 'work.txt'), text);
        await saveArchive(r, { agent: 'fast', agentId: 'f', branch: 'main' });
      }
    } finally {
      if (was === undefined) delete process.env.GIT_COMMITTER_DATE;
      else process.env.GIT_COMMITTER_DATE = was;
    }
    expect((await listArchives(r)).map((a) => a.id)).toEqual(['fast/3', 'fast/2', 'fast/1']);
  });
});

describe('applyArchive that does not apply, while someone works in the worktree', () => {
  it('takes back only what the pick wrote: a file changed meanwhile (by the agent there) keeps its change', async () => {
    const repo = join(dir, `repo-${++counter}`);
    mkdirSync(repo);
    await git(repo, 'init', '-q');
    for (const name of ['a.txt', 'b.txt', 'notes.txt']) put(join(repo, name), `${name}\n`);
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'base');
    const base = (await git(repo, 'rev-parse', 'HEAD')).trim();
    const saved = await addWorktree(repo, 'saved', base);
    put(join(saved, 'a.txt'), 'a from the archive\n');
    put(join(saved, 'b.txt'), 'b from the archive\n');
    const entry = (await saveArchive(saved, { agent: 'arch', agentId: 'a1', branch: null }))!;
    // The target moved on in b.txt: the pick conflicts there after writing a.txt.
    const wt = await addWorktree(repo, 'into', base);
    put(join(wt, 'b.txt'), 'b on this branch\n');
    await git(wt, 'commit', '-q', '-am', 'b moves');
    // Writing a.txt runs a filter that stands for the agent saving notes.txt at that moment.
    await git(repo, 'config', 'filter.agent.smudge', `sh -c 'printf "the agent\\047s edit\\n" > ${join(wt, 'notes.txt')}; cat'`);
    put(join(repo, '.git', 'info', 'attributes'), 'a.txt filter=agent\n');
    let error: unknown = null;
    await applyArchive(wt, entry).catch((e: unknown) => { error = e; });
    expect((error as TmuxcodexError).code).toBe('ARCHIVE_CONFLICT');
    expect(readFileSync(join(wt, 'notes.txt'), 'utf8')).toBe('the agent\'s edit\n');
    expect(readFileSync(join(wt, 'a.txt'), 'utf8')).toBe('a.txt\n');
    expect(readFileSync(join(wt, 'b.txt'), 'utf8')).toBe('b on this branch\n');
    expect(await gitPathExists(wt, 'CHERRY_PICK_HEAD')).toBe(false);
  });
});
