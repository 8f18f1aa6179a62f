// Provisioning without tmux: glob matching, copy and symlink steps on a real git repository,
// clone (hardlinks from a private snapshot, never from the source), the default steps, and the
// argv that runs setup steps before the agent, executed for real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendFileSync, chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync,
  realpathSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { globToRegExp, matchesAny, parsePatternFile } from '../../../src/agents/provision/glob.js';
import { copyMatching, symlinkPaths, untrackedEntries } from '../../../src/agents/provision/files.js';
import { cloneTree, refillSpare, scopeOfDir, snapshotIntact, unshareTree } from '../../../src/agents/provision/clone.js';
import { sourceInside, targetInside } from '../../../src/agents/provision/contain.js';
import { defaultSteps, provisionWorktree } from '../../../src/agents/provision/index.js';
import { agentArgv, withSetupSteps } from '../../../src/agents/provision/run-steps.js';
import type { ProgramSpec } from '../../../src/tmux/command.js';
import { gitIn, hermeticGitEnv, readTree, useHermeticProcessEnv } from '../../helpers/tree.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let restoreEnv: () => void;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-provision-'));
  mkdirSync(join(dir, 'home'));
  env = hermeticGitEnv(join(dir, 'home'));
  restoreEnv = useHermeticProcessEnv(join(dir, 'home')); // untrackedEntries runs git with process.env
});

afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file (making its folders), optionally with a mode. */
function put(path: string, content: string | Buffer, mode?: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  if (mode !== undefined) chmodSync(path, mode);
  return path;
}

let counter = 0;
/** A fresh folder under the test's temp folder. */
function fresh(label: string): string {
  const d = join(dir, `${label}-${++counter}`);
  mkdirSync(d, { recursive: true });
  return d;
}

// ---- globs ------------------------------------------------------------------------------------

describe('globToRegExp', () => {
  it.each([
    // no '/': a name at any depth
    ['.env*', '.env', true],
    ['.env*', '.env.local', true],
    ['.env*', 'apps/web/.env.local', true],
    ['.env*', 'x.env', false],
    ['.env*', 'env', false],
    ['.env*', 'apps/.env/inner.txt', false],
    ['*.log', 'logs/deep/a.log', true],
    ['top.txt', 'a/b/top.txt', true],
    // '/' inside or leading: anchored at the top
    ['config/*.json', 'config/a.json', true],
    ['config/*.json', 'sub/config/a.json', false],
    ['config/*.json', 'config/x/a.json', false],
    ['/top.txt', 'top.txt', true],
    ['/top.txt', 'a/top.txt', false],
    // a trailing '/' does not anchor (as in gitignore)
    ['node_modules/', 'packages/x/node_modules', true],
    ['config/local/', 'config/local', true],
    ['config/local/', 'x/config/local', false],
    // **
    ['**/secret.json', 'secret.json', true],
    ['**/secret.json', 'a/b/secret.json', true],
    ['a/**', 'a/b/c', true],
    ['a/**', 'b/a/c', false],
    ['a/**/z', 'a/z', true],
    ['a/**/z', 'a/b/c/z', true],
    ['a/**/z', 'a/b/c/zz', false],
    // ? and classes
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['file?.txt', 'file/.txt', false],
    ['[ab].txt', 'a.txt', true],
    ['[ab].txt', 'c.txt', false],
    ['[!a].txt', 'b.txt', true],
    ['[!a].txt', 'a.txt', false],
    // everything else is literal
    ['a.txt', 'abtxt', false],
    ['a+b(1).txt', 'a+b(1).txt', true],
    ['a+b(1).txt', 'aab1.txt', false],
    ['$HOME|x{1}^', '$HOME|x{1}^', true],
    ['a[', 'a[', true],
    ['  .env  ', '.env', true],
  ])('%s on %s -> %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});

describe('matchesAny', () => {
  it('matches a folder entry "dir/" as the folder, and any of several globs', () => {
    expect(matchesAny('config/local/', [globToRegExp('config/local')])).toBe(true);
    expect(matchesAny('config/local/', [globToRegExp('config/local/')])).toBe(true);
    expect(matchesAny('apps/web/.env.local', [globToRegExp('*.json'), globToRegExp('.env*')])).toBe(true);
    expect(matchesAny('apps/web/.env.local', [globToRegExp('*.json'), globToRegExp('/.env*')])).toBe(false);
    expect(matchesAny('.env', [])).toBe(false);
  });
});

describe('parsePatternFile', () => {
  it('keeps one pattern a line: trims, drops comments, blank lines, negations and CRs', () => {
    const text = '# secrets for local runs\n\n.env\n  config/local/  \r\n!keep-out.txt\n   # indented comment\n*.pem\r\n';
    expect(parsePatternFile(text)).toEqual(['.env', 'config/local/', '*.pem']);
    expect(parsePatternFile('')).toEqual([]);
  });
});

// ---- copy and symlink steps on a real repository -----------------------------------------------

describe('copy and symlink steps', () => {
  let source: string;
  let target: string;

  beforeAll(async () => {
    source = fresh('copy-src');
    await gitIn(source, ['init', '-q'], env);
    put(join(source, '.gitignore'), '.env*\nconfig/local/\nnode_modules/\n*.secret\n');
    put(join(source, 'src/index.js'), 'export {};\n');
    put(join(source, 'config/app.json'), '{"tracked":true}\n');
    await gitIn(source, ['add', '-A'], env);
    await gitIn(source, ['commit', '-q', '-m', 'initial'], env);
    // git-ignored files at several depths, an ignored folder with modes and symlinks inside
    put(join(source, '.env'), 'SECRET=1\n', 0o600);
    symlinkSync('.env', join(source, '.env.link'));
    put(join(source, 'apps/web/.env.local'), 'WEB=1\n');
    put(join(source, 'apps/api/.env.production'), 'API=1\n', 0o640);
    put(join(source, 'config/local/settings.json'), '{"local":true}\n');
    put(join(source, 'config/local/run.sh'), '#!/bin/sh\necho run\n', 0o755);
    symlinkSync('settings.json', join(source, 'config/local/link'));
    symlinkSync('/nonexistent/absolute/target', join(source, 'config/local/abs-link'));
    put(join(source, 'node_modules/x/index.js'), 'module.exports = 1;\n');
    put(join(source, 'key.secret'), 'k\n');
    put(join(source, 'notes.txt'), 'untracked, not ignored\n');
    target = join(dirname(source), 'copy-target');
    await gitIn(source, ['worktree', 'add', '-q', '-b', 'copy-target', target], env);
  });

  it('untrackedEntries lists ignored and untracked paths, an ignored folder as one entry, no tracked file', async () => {
    const entries = await untrackedEntries(source);
    expect(entries).toEqual(expect.arrayContaining(['.env', '.env.link', 'apps/web/.env.local', 'apps/api/.env.production', 'config/local/', 'node_modules/', 'key.secret', 'notes.txt']));
    expect(entries).not.toContain('config/local/settings.json');
    expect(entries).not.toContain('src/index.js');
    expect(entries).not.toContain('config/app.json');
  });

  it('copies git-ignored .env files at any depth, keeping modes and symlinks as they are', async () => {
    const copied = await copyMatching(source, target, ['.env*']);
    expect([...copied].sort()).toEqual(['.env', '.env.link', 'apps/api/.env.production', 'apps/web/.env.local']);
    for (const rel of ['.env', 'apps/api/.env.production', 'apps/web/.env.local']) {
      expect(readFileSync(join(target, rel))).toEqual(readFileSync(join(source, rel)));
      expect(statSync(join(target, rel)).mode & 0o7777).toBe(statSync(join(source, rel)).mode & 0o7777);
    }
    expect(statSync(join(target, '.env')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(target, '.env.link')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(target, '.env.link'))).toBe('.env');
    // nothing else came along
    expect(existsSync(join(target, 'config/local'))).toBe(false);
    expect(existsSync(join(target, 'notes.txt'))).toBe(false);
    expect(existsSync(join(target, 'key.secret'))).toBe(false);
  });

  it('copies an ignored folder as one entry, its files, modes and symlinks verbatim', async () => {
    const copied = await copyMatching(source, target, ['config/local/']);
    expect(copied).toEqual(['config/local']);
    expect(readTree(join(target, 'config/local'))).toEqual(readTree(join(source, 'config/local')));
    expect(readlinkSync(join(target, 'config/local/link'))).toBe('settings.json');
    expect(readlinkSync(join(target, 'config/local/abs-link'))).toBe('/nonexistent/absolute/target');
    expect(statSync(join(target, 'config/local/run.sh')).mode & 0o777).toBe(0o755);
    // the tracked file beside it is git's, untouched
    expect(readFileSync(join(target, 'config/app.json'), 'utf8')).toBe('{"tracked":true}\n');
  });

  it('never overwrites what the target has, unless overwrite is asked for (sync-files)', async () => {
    writeFileSync(join(target, '.env'), 'MINE=1\n');
    writeFileSync(join(target, 'config/local/settings.json'), '{"mine":true}\n');
    writeFileSync(join(source, 'apps/web/.env.local'), 'WEB=2\n');
    expect(await copyMatching(source, target, ['.env*', 'config/local'])).toEqual([]);
    expect(readFileSync(join(target, '.env'), 'utf8')).toBe('MINE=1\n');
    expect(readFileSync(join(target, 'apps/web/.env.local'), 'utf8')).toBe('WEB=1\n');
    expect(readFileSync(join(target, 'config/local/settings.json'), 'utf8')).toBe('{"mine":true}\n');

    const entries = await untrackedEntries(source);
    const copied = await copyMatching(source, target, ['.env*'], entries, true);
    expect([...copied].sort()).toEqual(['.env', '.env.link', 'apps/api/.env.production', 'apps/web/.env.local']);
    expect(readFileSync(join(target, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(statSync(join(target, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(target, 'apps/web/.env.local'), 'utf8')).toBe('WEB=2\n');
    expect(readlinkSync(join(target, '.env.link'))).toBe('.env');
    // and again, over the copies it made (a relative symlink among them)
    expect((await copyMatching(source, target, ['.env*'], entries, true)).length).toBe(4);
    expect(readlinkSync(join(target, '.env.link'))).toBe('.env');
  });

  it('overwrite (sync-files run again) replaces a copied folder that holds an absolute symlink', async () => {
    // config/local was copied by the earlier test: it has abs-link -> /nonexistent/absolute/target.
    writeFileSync(join(source, 'config/local/settings.json'), '{"local":2}\n');
    const copied = await copyMatching(source, target, ['config/local'], undefined, true);
    expect(copied).toEqual(['config/local']);
    expect(readFileSync(join(target, 'config/local/settings.json'), 'utf8')).toBe('{"local":2}\n');
    expect(readTree(join(target, 'config/local'))).toEqual(readTree(join(source, 'config/local')));
  });

  it('a glob naming files inside an ignored folder copies those files (.worktreeinclude: config/local/*.json)', async () => {
    const t = fresh('copy-inside');
    const copied = await copyMatching(source, t, ['config/local/*.json']);
    expect(copied).toEqual(['config/local/settings.json']);
    expect(readFileSync(join(t, 'config/local/settings.json'))).toEqual(readFileSync(join(source, 'config/local/settings.json')));
    expect(existsSync(join(t, 'config/local/run.sh'))).toBe(false);
  });

  it("a glob over Claude's folder copies its files but not the worktrees nested there (.claude/worktrees/*)", async () => {
    const s = fresh('copy-nested-src');
    await gitIn(s, ['init', '-q', '-b', 'main'], env);
    put(join(s, 'a.txt'), 'a\n');
    await gitIn(s, ['add', '-A'], env);
    await gitIn(s, ['-c', 'user.name=P', '-c', 'user.email=p@example.com', 'commit', '-q', '-m', 'a'], env);
    await gitIn(s, ['worktree', 'add', '-q', '-b', 'worktree-x', join(s, '.claude', 'worktrees', 'x')], env);
    put(join(s, '.claude', 'settings.local.json'), '{}\n');
    const t = fresh('copy-nested-dst');
    expect(await copyMatching(s, t, ['.claude'])).toEqual(['.claude']);
    expect(readFileSync(join(t, '.claude', 'settings.local.json'), 'utf8')).toBe('{}\n');
    expect(existsSync(join(t, '.claude', 'worktrees', 'x'))).toBe(false);
    // git still knows one folder for that worktree, the real one.
    expect((await gitIn(s, ['worktree', 'list', '--porcelain'], env)).match(/^worktree /gm)).toHaveLength(2);
  });

  it('takes the entries it is given instead of asking git', async () => {
    const t = fresh('copy-given');
    expect(await copyMatching(source, t, ['*.txt'], ['notes.txt', 'src/index.js'])).toEqual(['notes.txt']);
    expect(readFileSync(join(t, 'notes.txt'), 'utf8')).toBe('untracked, not ignored\n');
  });

  it('symlinkPaths links each path to the source (absolute), skipping missing sources and existing targets', async () => {
    const s = fresh('link-src');
    const t = fresh('link-dst');
    put(join(s, 'data/cache/blob.bin'), 'cache\n');
    put(join(s, 'shared.txt'), 'shared\n');
    put(join(s, 'exists.txt'), 'from source\n');
    put(join(t, 'exists.txt'), 'the target\'s own\n');
    const linked = await symlinkPaths(s, t, ['data/cache', 'shared.txt', 'missing/thing', 'exists.txt']);
    expect(linked).toEqual(['data/cache', 'shared.txt']);
    expect(readlinkSync(join(t, 'data/cache'))).toBe(join(s, 'data/cache'));
    expect(readlinkSync(join(t, 'shared.txt'))).toBe(join(s, 'shared.txt'));
    expect(readFileSync(join(t, 'data/cache/blob.bin'), 'utf8')).toBe('cache\n');
    expect(lstatSync(join(t, 'exists.txt')).isFile()).toBe(true);
    expect(readFileSync(join(t, 'exists.txt'), 'utf8')).toBe('the target\'s own\n');
    expect(existsSync(join(t, 'missing'))).toBe(false);
    // a second run links nothing new
    expect(await symlinkPaths(s, t, ['data/cache', 'shared.txt'])).toEqual([]);
  });
});

// ---- clone ----------------------------------------------------------------------------------

/** A node_modules-like folder: top-level files, .bin links, deep files, modes, a binary, odd names. */
function makeModules(root: string): void {
  put(join(root, '.package-lock.json'), '{"lockfileVersion":3}\n');
  put(join(root, 'tool/package.json'), '{"name":"tool","bin":"bin/tool.js"}\n');
  put(join(root, 'tool/bin/tool.js'), '#!/usr/bin/env node\nconsole.log("tool")\n', 0o755);
  put(join(root, 'tool/lib/deep/deeper/file.js'), 'module.exports = "deep";\n');
  put(join(root, 'tool/readonly.txt'), 'read only\n', 0o444);
  put(join(root, 'tool/data.bin'), randomBytes(4096));
  put(join(root, 'tool/ünï cødé.txt'), 'unicode\n');
  mkdirSync(join(root, '.bin'));
  symlinkSync('../tool/bin/tool.js', join(root, '.bin/tool'));
  symlinkSync('/nonexistent/abs/target', join(root, '.bin/abs'));
  mkdirSync(join(root, 'empty'));
  mkdirSync(join(root, 'private'));
  put(join(root, 'private/secret.txt'), 'secret\n', 0o600);
  chmodSync(join(root, 'private'), 0o700);
}

const DEEP = 'tool/lib/deep/deeper/file.js';
/** The snapshot folders in a snapshot root (whatever bookkeeping files lie beside them). */
// Snapshots are named snap-<scope>-<key> (scope: a hash of the source's real path); listed here by key.
const snapshots = (d: string) => readdirSync(d).filter((n) => n.startsWith('snap-') && lstatSync(join(d, n)).isDirectory() && !n.includes('partial')).map((n) => n.replace(/^snap-[0-9a-f]{10}-/, 'node_modules-')).sort();
const snapshotDir = (d: string, key: string) => join(d, readdirSync(d).find((n) => n.startsWith('snap-') && n.endsWith(`-${key}`))!);
const partials = (d: string) => readdirSync(d).filter((n) => n.includes('.tmuxcodex-partial-') || n.includes('.partial-'));

describe('cloneTree', () => {
  let source: string;
  let snapshotRoot: string;
  let first: string;

  beforeAll(() => {
    const project = fresh('clone-project');
    source = join(project, 'node_modules');
    makeModules(source);
    snapshotRoot = join(fresh('clone-worktrees'), '.tmuxcodex-snapshots');
  });

  it('gives the target identical content: bytes, modes, symlinks verbatim (relative .bin links too)', async () => {
    const wt = fresh('clone-wt');
    first = join(wt, 'node_modules');
    const r = await cloneTree({ source, target: first, snapshotRoot, key: 'k1' });
    expect(r.method).toBe('hardlink'); // ext4 has no reflinks: the snapshot path
    expect(r.files).toBe(Object.values(readTree(source)).filter((e) => e.type === 'file').length);
    expect(readTree(first)).toEqual(readTree(source));
    expect(readlinkSync(join(first, '.bin/tool'))).toBe('../tool/bin/tool.js');
    expect(readFileSync(join(first, '.bin/tool'), 'utf8')).toContain('console.log("tool")');
    expect(partials(wt)).toEqual([]);
    expect(partials(snapshotRoot)).toEqual([]);
  });

  it('hardlinks deep files to the snapshot, never to the source; top-level files are own copies', () => {
    const snapshot = snapshotDir(snapshotRoot, 'k1');
    expect(readTree(snapshot)).toEqual(readTree(source));
    const ino = (p: string) => statSync(p).ino;
    expect(ino(join(first, DEEP))).toBe(ino(join(snapshot, DEEP)));
    expect(ino(join(first, DEEP))).not.toBe(ino(join(source, DEEP)));
    expect(ino(join(first, 'tool/data.bin'))).toBe(ino(join(snapshot, 'tool/data.bin')));
    expect(statSync(join(source, DEEP)).nlink).toBe(1);
    const top = join(first, '.package-lock.json');
    expect(ino(top)).not.toBe(ino(join(snapshot, '.package-lock.json')));
    expect(ino(top)).not.toBe(ino(join(source, '.package-lock.json')));
    expect(statSync(top).nlink).toBe(1);
  });

  it('a second clone with the same key reuses the snapshot as it is', async () => {
    const snapshot = snapshotDir(snapshotRoot, 'k1');
    const before = statSync(snapshot);
    // The source changes after the snapshot: a clone from the same key does not see it.
    put(join(source, 'tool/added-later.js'), 'later\n');
    const second = join(fresh('clone-wt'), 'node_modules');
    const r = await cloneTree({ source, target: second, snapshotRoot, key: 'k1' });
    expect(r.method).toBe('hardlink');
    const after = statSync(snapshot);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
    expect(existsSync(join(second, 'tool/added-later.js'))).toBe(false);
    expect(statSync(join(second, DEEP)).ino).toBe(statSync(join(first, DEEP)).ino);
    expect(snapshots(snapshotRoot)).toEqual(['node_modules-k1']);
    // another key makes another snapshot, from the source as it is now
    const third = join(fresh('clone-wt'), 'node_modules');
    await cloneTree({ source, target: third, snapshotRoot, key: 'k2' });
    expect(readFileSync(join(third, 'tool/added-later.js'), 'utf8')).toBe('later\n');
    expect(snapshots(snapshotRoot)).toEqual(['node_modules-k1', 'node_modules-k2']);
    rmSync(join(source, 'tool/added-later.js'));
  });

  it('an edit in place inside a clone never reaches the source', () => {
    const sourceDeep = readFileSync(join(source, DEEP));
    const sourceTop = readFileSync(join(source, '.package-lock.json'));
    appendFileSync(join(first, DEEP), '// edited in the worktree\n');
    appendFileSync(join(first, '.package-lock.json'), '\n');
    expect(readFileSync(join(first, DEEP), 'utf8')).toContain('edited in the worktree');
    expect(readFileSync(join(source, DEEP))).toEqual(sourceDeep);
    expect(readFileSync(join(source, '.package-lock.json'))).toEqual(sourceTop);
    // the top-level file is the clone's own: the snapshot keeps its copy as it was
    expect(readFileSync(join(snapshotDir(snapshotRoot, 'k1'), '.package-lock.json'))).toEqual(sourceTop);
  });

  it('a clone that fails at the end (the target exists) leaves no partial copy and the target as it was', async () => {
    const wt = fresh('clone-wt');
    const target = join(wt, 'node_modules');
    put(join(target, 'keep.txt'), 'already here\n');
    await expect(cloneTree({ source, target, snapshotRoot, key: 'k1' })).rejects.toThrow();
    expect(partials(wt)).toEqual([]);
    expect(readdirSync(wt)).toEqual(['node_modules']);
    expect(readdirSync(target)).toEqual(['keep.txt']);
    expect(partials(snapshotRoot)).toEqual([]);
  });

  it('a clone interrupted halfway (a link fails mid-walk) removes its partial copy', async () => {
    // A snapshot on another filesystem (/dev/shm) makes every hardlink fail with EXDEV while the
    // walk is under way: top-level files copied, folders made, many operations in flight.
    const shm = mkdtempSync('/dev/shm/tmuxcodex-clone-test-');
    try {
      expect(statSync(shm).dev).not.toBe(statSync(dir).dev);
      const big = join(fresh('clone-big'), 'node_modules');
      makeModules(big);
      for (let i = 0; i < 60; i++) for (let j = 0; j < 8; j++) put(join(big, `pkg${i}/lib/f${j}.js`), `${i}.${j}\n`);
      const wt = fresh('clone-wt');
      const target = join(wt, 'node_modules');
      await expect(cloneTree({ source: big, target, snapshotRoot: join(shm, 'snapshots'), key: 'x' })).rejects.toThrow();
      expect(readdirSync(wt)).toEqual([]);
      // the snapshot itself was made whole (on /dev/shm); only the linking failed
      expect(snapshots(join(shm, 'snapshots'))).toEqual(['node_modules-x']);
      expect(existsSync(target)).toBe(false);
      expect(partials(join(shm, 'snapshots'))).toEqual([]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });
});

describe('sibling clones share no writable file (issue 14, item 9)', () => {
  let source: string;
  let snapshotRoot: string;

  beforeAll(() => {
    source = join(fresh('sib-project'), 'node_modules');
    makeModules(source);
    snapshotRoot = join(fresh('sib-worktrees'), '.tmuxcodex-snapshots');
  });

  it('a snapshot changed through a clone\'s hardlink is never handed to the next clone: it is checked and made again', async () => {
    const a = join(fresh('sib-wt'), 'node_modules');
    expect((await cloneTree({ source, target: a, snapshotRoot, key: 'k' })).method).toBe('hardlink');
    appendFileSync(join(a, DEEP), '// agent a was here\n'); // before a's files were unshared
    expect(readFileSync(join(snapshotDir(snapshotRoot, 'k'), DEEP), 'utf8')).toContain('agent a was here');
    const b = join(fresh('sib-wt'), 'node_modules');
    await cloneTree({ source, target: b, snapshotRoot, key: 'k' });
    expect(readFileSync(join(b, DEEP), 'utf8')).toBe(readFileSync(join(source, DEEP), 'utf8'));
    expect(readFileSync(join(snapshotDir(snapshotRoot, 'k'), DEEP), 'utf8')).not.toContain('agent a was here');
    expect(readTree(b)).toEqual(readTree(source));
    expect(snapshots(snapshotRoot)).toEqual(['node_modules-k']);
  });

  it('unshareTree gives every cloned file an inode of its own: an echo >> in one clone reaches neither the snapshot nor a sibling', async () => {
    const a = join(fresh('sib-wt'), 'node_modules');
    const b = join(fresh('sib-wt'), 'node_modules');
    await cloneTree({ source, target: a, snapshotRoot, key: 'k' });
    await cloneTree({ source, target: b, snapshotRoot, key: 'k' });
    expect(await unshareTree(a, { gentle: true })).toBeGreaterThan(0);
    expect(statSync(join(a, DEEP)).nlink).toBe(1);
    expect(readTree(a)).toEqual(readTree(source)); // same bytes, modes and links
    appendFileSync(join(a, DEEP), '// only in a\n');
    expect(readFileSync(join(b, DEEP), 'utf8')).not.toContain('only in a');
    expect(readFileSync(join(snapshotDir(snapshotRoot, 'k'), DEEP), 'utf8')).not.toContain('only in a');
    expect(await snapshotIntact(snapshotDir(snapshotRoot, 'k'))).toBe(true);
  });

  it('a spare is a copy with inodes of its own, made from the checked snapshot, and the next clone takes it', async () => {
    await refillSpare({ source, snapshotRoot, key: 'k' });
    const spares = readdirSync(snapshotRoot).filter((n) => n.startsWith('spare-'));
    expect(spares).toHaveLength(1);
    expect(statSync(join(snapshotRoot, spares[0]!, DEEP)).nlink).toBe(1);
    const c = join(fresh('sib-wt'), 'node_modules');
    const r = await cloneTree({ source, target: c, snapshotRoot, key: 'k' });
    expect(r).toMatchObject({ method: 'copy', spare: true });
    expect(readTree(c)).toEqual(readTree(source));
    appendFileSync(join(c, DEEP), '// only in c\n');
    expect(await snapshotIntact(snapshotDir(snapshotRoot, 'k'))).toBe(true);
  });

  it('one snapshot per folder and lock file for the whole repository, whichever worktree is the source', async () => {
    const root = join(fresh('sib-scope'), '.tmuxcodex-snapshots');
    const otherSource = join(fresh('sib-project2'), 'node_modules');
    makeModules(otherSource);
    const scope = scopeOfDir('node_modules');
    for (const from of [source, otherSource, source]) {
      await cloneTree({ source: from, target: join(fresh('sib-wt'), 'node_modules'), snapshotRoot: root, key: 'k', scope, useSpare: false });
      await refillSpare({ source: from, snapshotRoot: root, key: 'k', scope });
    }
    expect(readdirSync(root).filter((n) => n.startsWith('snap-') && !n.includes('.'))).toHaveLength(1);
    expect(readdirSync(root).filter((n) => n.startsWith('spare-'))).toHaveLength(1);
  });
});

// ---- default steps and provisionWorktree --------------------------------------------------------

describe('defaultSteps', () => {
  function project(files: Record<string, string>): string {
    const d = fresh('defaults');
    for (const [rel, text] of Object.entries(files)) put(join(d, rel), text);
    return d;
  }
  const copyEnv = { copy: ['.env*'], origin: 'user' };
  const pkg = '{"name":"p","version":"1.0.0"}\n';

  it('no package.json: only the .env copy', () => {
    expect(defaultSteps(project({ 'node_modules/x/i.js': '' }), project({}))).toEqual([copyEnv]);
  });

  it('identical lock file and node_modules in the source: clone node_modules', () => {
    const source = project({ 'package.json': pkg, 'package-lock.json': '{"v":1}\n', 'node_modules/x/i.js': '' });
    const target = project({ 'package.json': pkg, 'package-lock.json': '{"v":1}\n' });
    expect(defaultSteps(source, target)).toEqual([copyEnv, { clone: 'node_modules', origin: 'user' }]);
  });

  it('a different lock file: the install command runs in the pane', () => {
    const source = project({ 'package.json': pkg, 'package-lock.json': '{"v":1}\n', 'node_modules/x/i.js': '' });
    const target = project({ 'package.json': pkg, 'package-lock.json': '{"v":2}\n' });
    expect(defaultSteps(source, target)).toEqual([copyEnv, { run: 'npm ci', origin: 'user' }]);
  });

  it('the same lock file but no node_modules to clone: install', () => {
    const source = project({ 'package.json': pkg, 'pnpm-lock.yaml': 'lockfileVersion: 9\n' });
    const target = project({ 'package.json': pkg, 'pnpm-lock.yaml': 'lockfileVersion: 9\n' });
    expect(defaultSteps(source, target)).toEqual([copyEnv, { run: 'pnpm install --frozen-lockfile', origin: 'user' }]);
  });

  it('yarn, a lock file only in the target, and no lock file at all', () => {
    const yarnSource = project({ 'package.json': pkg, 'yarn.lock': 'a\n', 'node_modules/x/i.js': '' });
    expect(defaultSteps(yarnSource, project({ 'package.json': pkg, 'yarn.lock': 'b\n' }))).toEqual([copyEnv, { run: 'yarn install --frozen-lockfile', origin: 'user' }]);
    const bare = project({ 'package.json': pkg, 'node_modules/x/i.js': '' });
    expect(defaultSteps(bare, project({ 'package.json': pkg, 'package-lock.json': '{}\n' }))).toEqual([copyEnv, { run: 'npm ci', origin: 'user' }]);
    expect(defaultSteps(bare, project({ 'package.json': pkg }))).toEqual([copyEnv, { run: 'npm install', origin: 'user' }]);
  });
});

describe('files a repository names that are no regular file (the daemon reads them)', () => {
  it('a lock file or .worktreeinclude that is a link to a FIFO or /dev/zero is never read: no hang, no 2 GiB read', async () => {
    // Tracked symlinks of a hostile repository. Run in a child, so a hang fails this test rather
    // than freezing the run; the FIFO comes first, so code that hangs never reaches /dev/zero.
    const fifo = join(fresh('fifo'), 'f');
    await execa('mkfifo', [fifo]);
    const pkg = '{"name":"p","version":"1.0.0"}\n';
    const pair = (to: string) => {
      const source = fresh('weird-source');
      const target = fresh('weird-target');
      for (const d of [source, target]) {
        put(join(d, 'package.json'), pkg);
        symlinkSync(to, join(d, 'package-lock.json'));
      }
      put(join(source, 'node_modules', 'x', 'i.js'), '');
      symlinkSync(to, join(source, '.worktreeinclude'));
      return [source, target];
    };
    const index = fileURLToPath(new URL('../../../dist/agents/provision/index.js', import.meta.url));
    const child = `const { defaultSteps, snapshotKey, worktreeIncludePatterns } = await import(process.argv[1]);
      for (let i = 2; i < process.argv.length; i += 2) {
        const [source, target] = process.argv.slice(i, i + 2);
        console.log(JSON.stringify([defaultSteps(source, target), snapshotKey(target, 'node_modules'), worktreeIncludePatterns(source)]));
      }`;
    const res = await execa(process.execPath, ['--input-type=module', '-e', child, index, ...pair(fifo), ...pair('/dev/zero')], { timeout: 10_000, reject: false });
    expect(res.timedOut).toBe(false);
    const expected = JSON.stringify([[{ copy: ['.env*'], origin: 'user' }, { run: 'npm ci', origin: 'user' }], null, []]);
    expect(res.stdout.split('\n')).toEqual([expected, expected]);
  });
});

describe('steps stay inside the source checkout and the new worktree', () => {
  let source: string;
  let target: string;
  let outside: string;

  beforeAll(async () => {
    source = fresh('contain-src');
    outside = fresh('outside');
    put(join(outside, 'precious.txt'), 'keep\n');
    await gitIn(source, ['init', '-q'], env);
    put(join(source, '.gitignore'), '.env*\ncache/\nmods/\n');
    put(join(source, 'README'), 'r\n');
    await gitIn(source, ['add', '-A'], env);
    await gitIn(source, ['commit', '-q', '-m', 'initial'], env);
    // The target branch tracks a symlink `a` that leads out of the repository.
    await gitIn(source, ['checkout', '-q', '-b', 'evil'], env);
    symlinkSync(outside, join(source, 'a'));
    await gitIn(source, ['add', 'a'], env);
    await gitIn(source, ['commit', '-q', '-m', 'a tracked symlink'], env);
    await gitIn(source, ['checkout', '-q', '-'], env);
    // In the source checkout (main), `a` is a real folder with what the steps name.
    put(join(source, 'a/evil'), 'e\n');
    put(join(source, 'a/deep/.env'), 'SECRET=1\n');
    put(join(source, 'a/mods/m.js'), 'm\n');
    put(join(source, 'cache/c.bin'), 'c\n');
    put(join(source, '.env'), 'OK=1\n');
    // An untracked symlink in the source that leads elsewhere: reading through it leaves the source.
    symlinkSync(outside, join(source, 'peek'));
    target = join(dirname(source), 'contain-wt');
    await gitIn(source, ['worktree', 'add', '-q', target, 'evil'], env);
    expect(lstatSync(join(target, 'a')).isSymbolicLink()).toBe(true);
  });

  it('refuses symlink, copy and clone paths that a tracked symlink, "..", an absolute path or a source symlink would carry out; does the rest', async () => {
    const r = await provisionWorktree({
      source, target, snapshotRoot: join(dirname(source), 'contain-snapshots'),
      steps: [
        { symlink: ['a/evil', 'peek/precious.txt', '/etc/hostname', 'cache'], origin: 'user' },
        { copy: ['a/deep/.env', '.env'], origin: 'user' },
        { clone: 'a/mods', origin: 'user' },
      ],
    });
    // Nothing was made outside: no link, no folder, no clone.
    expect(readdirSync(outside).sort()).toEqual(['precious.txt']);
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep\n');
    expect(existsSync(join(target, 'peek'))).toBe(false);
    // What stays inside is done, and the refusals are said.
    expect(readlinkSync(join(target, 'cache'))).toBe(join(source, 'cache'));
    expect(readFileSync(join(target, '.env'), 'utf8')).toBe('OK=1\n');
    expect(r.done).toContain('linked cache');
    expect(r.done).toContain('copied .env');
    const said = r.done.join('\n');
    expect(said).toContain(`refused a/evil (a in the new worktree leads to ${realpathSync(outside)}, outside it)`);
    expect(said).toContain(`peek/precious.txt (${join(source, 'peek/precious.txt')} leads to ${realpathSync(join(outside, 'precious.txt'))}, outside ${source})`);
    expect(said).toContain('/etc/hostname (it is not a relative path)');
    expect(said).toContain(`refused a/deep/.env (a in the new worktree leads to ${realpathSync(outside)}, outside it)`);
    expect(said).toMatch(/refused clone of a\/mods: a in the new worktree leads to .*, outside it/);
  });

  it('sourceInside and targetInside: "..", absolute and empty paths are refused by their spelling', async () => {
    for (const rel of ['..', '../x', 'a/../../x', '/abs', '']) {
      expect((await sourceInside(source, rel)).problem).not.toBeNull();
      expect((await targetInside(target, rel)).problem).not.toBeNull();
    }
    expect(await targetInside(target, 'new/deeper/file')).toEqual({ path: join(target, 'new/deeper/file'), problem: null });
    expect(await sourceInside(source, 'cache/c.bin')).toEqual({ path: join(source, 'cache/c.bin'), problem: null });
    expect((await sourceInside(source, 'missing')).problem).toBe(`${join(source, 'missing')} does not exist`);
  });
});

describe('provisionWorktree', () => {
  it('applies each step kind in order and reads .worktreeinclude; run steps are returned for the pane', async () => {
    const source = fresh('prov-src');
    await gitIn(source, ['init', '-q'], env);
    put(join(source, '.gitignore'), '.env*\nnode_modules/\nlocal.json\ncache/\n');
    put(join(source, 'package.json'), '{"name":"p"}\n');
    put(join(source, 'package-lock.json'), '{"v":1}\n');
    put(join(source, '.worktreeinclude'), '# Claude Code style\nlocal.json\n');
    await gitIn(source, ['add', '-A'], env);
    await gitIn(source, ['commit', '-q', '-m', 'initial'], env);
    put(join(source, '.env'), 'A=1\n');
    put(join(source, 'local.json'), '{}\n');
    put(join(source, 'cache/c.bin'), 'c\n');
    makeModules(join(source, 'node_modules'));
    const target = join(dirname(source), 'prov-wt');
    await gitIn(source, ['worktree', 'add', '-q', '-b', 'prov', target], env);
    const snapshotRoot = join(dirname(source), 'prov-snapshots');

    const r = await provisionWorktree({
      source, target, snapshotRoot,
      steps: [{ copy: ['.env*'], origin: 'user' }, { symlink: ['cache'], origin: 'user' }, { clone: 'node_modules', origin: 'user' }, { clone: 'missing_dir', origin: 'user' }, { run: 'echo one', origin: 'user' }, { run: 'echo two', origin: 'user' }],
    });
    expect(r.runSteps).toEqual(['echo one', 'echo two']);
    expect(r.done[0]).toBe('copied local.json');
    expect(r.done[1]).toBe('copied .env');
    expect(r.done[2]).toBe('linked cache');
    expect(r.done[3]).toMatch(/^cloned node_modules \(\d+ files, hardlink, \d+ ms\)$/);
    expect(r.done[4]).toMatch(/^skipped clone of missing_dir/);
    expect(readFileSync(join(target, '.env'), 'utf8')).toBe('A=1\n');
    expect(readFileSync(join(target, 'local.json'), 'utf8')).toBe('{}\n');
    expect(readlinkSync(join(target, 'cache'))).toBe(join(source, 'cache'));
    expect(readTree(join(target, 'node_modules'))).toEqual(readTree(join(source, 'node_modules')));

    // no declared steps: the defaults (identical lock file: clone node_modules)
    const t2 = join(dirname(source), 'prov-wt2');
    await gitIn(source, ['worktree', 'add', '-q', '-b', 'prov2', t2], env);
    const d = await provisionWorktree({ source, target: t2, snapshotRoot, steps: null });
    expect(d.runSteps).toEqual([]);
    expect(d.done.join('\n')).toMatch(/cloned node_modules/);
    expect(readFileSync(join(t2, '.env'), 'utf8')).toBe('A=1\n');
    expect(readTree(join(t2, 'node_modules'))).toEqual(readTree(join(source, 'node_modules')));
  });
});

// ---- run steps: the argv the pane runs, executed for real ------------------------------------

describe('withSetupSteps and agentArgv', () => {
  /** Runs a pane program (as tmux would exec it) in a fresh folder; returns its result and folder. */
  async function runProgram(program: ProgramSpec | null) {
    expect(program).not.toBeNull();
    expect(program!.kind).toBe('argv');
    const argv = (program as { kind: 'argv'; argv: string[] }).argv;
    const cwd = fresh('steps');
    const res = await execa(argv[0]!, argv.slice(1), { cwd, env: { ...env, LOG: join(cwd, 'log'), OUT: join(cwd, 'out') }, extendEnv: false, reject: false, timeout: 10_000 });
    const log = existsSync(join(cwd, 'log')) ? readFileSync(join(cwd, 'log'), 'utf8') : '';
    // eslint-disable-next-line no-control-regex
    return { exitCode: res.exitCode, stdout: String(res.stdout).replace(/\x1b\[[0-9;]*m/g, ''), log, cwd };
  }

  it('agentArgv: the profile argv as is, --cmd through sh -c, or the login shell', () => {
    expect(agentArgv({ kind: 'argv', argv: ['codex', '--', 'task'] }, '/bin/zsh')).toEqual(['codex', '--', 'task']);
    expect(agentArgv({ kind: 'shell', command: 'npm run dev; echo $PORT' }, '/bin/zsh')).toEqual(['/bin/sh', '-c', 'npm run dev; echo $PORT']);
    expect(agentArgv(null, '/bin/zsh')).toEqual(['/bin/zsh']);
  });

  it('without run steps the program is left as it is', () => {
    const p: ProgramSpec = { kind: 'shell', command: 'x' };
    expect(withSetupSteps(p, [], '/bin/sh')).toBe(p);
    expect(withSetupSteps(null, [], '/bin/sh')).toBeNull();
  });

  it('runs the steps in order, visibly, then the agent', async () => {
    const r = await runProgram(withSetupSteps({ kind: 'shell', command: 'echo agent >> "$LOG"' }, ['echo one >> "$LOG"', 'echo two >> "$LOG"'], '/bin/sh'));
    expect(r.exitCode).toBe(0);
    expect(r.log).toBe('one\ntwo\nagent\n');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('tmuxcodex setup 1/2: echo one >> "$LOG"');
    expect(lines[1]).toBe('tmuxcodex setup 2/2: echo two >> "$LOG"');
    expect(lines[2]).toBe('tmuxcodex setup done.');
  });

  it('a failing step stops the setup with its exit code; later steps and the agent never run', async () => {
    const r = await runProgram(withSetupSteps({ kind: 'argv', argv: ['/bin/sh', '-c', 'echo agent >> "$LOG"'] }, ['echo one >> "$LOG"', 'echo failing; exit 7', 'echo three >> "$LOG"'], '/bin/sh'));
    expect(r.exitCode).toBe(7);
    expect(r.log).toBe('one\n');
    expect(r.stdout).toContain('tmuxcodex: setup step failed (exit 7): echo failing; exit 7');
    expect(r.stdout).toContain('The agent was not started.');
    expect(r.stdout).not.toContain('setup done');
  });

  it('the login shell is the agent when there is no program', async () => {
    const r = await runProgram(withSetupSteps(null, ['echo one >> "$LOG"'], '/bin/true'));
    expect(r.exitCode).toBe(0);
    expect(r.log).toBe('one\n');
  });

  it('agent arguments pass through unexpanded: $(...), backticks, quotes, ;, %, newlines, dashes', async () => {
    const hostile = ['$(touch pwned)', '`touch pwned2`', 'it\'s "quoted"', 'a;b && touch pwned3', '%d %s %n', 'line1\nline2', '', '--', '-n', '$HOME', '*'];
    const agent: ProgramSpec = { kind: 'argv', argv: ['/bin/sh', '-c', 'for a in "$@"; do printf "%s\\0" "$a"; done > "$OUT"', 'agent', ...hostile] };
    const r = await runProgram(withSetupSteps(agent, ['true'], '/bin/sh'));
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(r.cwd, 'out'), 'utf8').split('\0').slice(0, -1)).toEqual(hostile);
    expect(readdirSync(r.cwd).filter((n) => n.startsWith('pwned'))).toEqual([]);
  });

  it('a step runs as the user wrote it, once: the setup script never re-expands its text', async () => {
    const step = 'printf \'%s\\n\' \'$(touch pwned)\' "a;b" \'`id`\' > "$OUT"';
    const r = await runProgram(withSetupSteps({ kind: 'shell', command: 'printf \'%s\' \'$(touch pwned-agent)\' >> "$OUT"' }, [step, '  ', '%d %s'], '/bin/sh'));
    // '%d %s' is not a command: the step fails with sh's 127 and the agent does not run
    expect(r.exitCode).toBe(127);
    expect(readFileSync(join(r.cwd, 'out'), 'utf8')).toBe('$(touch pwned)\na;b\n`id`\n');
    expect(r.stdout).toContain(`tmuxcodex setup 1/3: ${step}`);
    expect(r.stdout).toContain('tmuxcodex setup 3/3: %d %s');
    expect(readdirSync(r.cwd).filter((n) => n.startsWith('pwned'))).toEqual([]);

    const ok = await runProgram(withSetupSteps({ kind: 'shell', command: 'printf \'%s\' \'$(touch pwned-agent)\' "$(echo expanded-once)" > "$OUT"' }, [step], '/bin/sh'));
    expect(ok.exitCode).toBe(0);
    expect(readFileSync(join(ok.cwd, 'out'), 'utf8')).toBe('$(touch pwned-agent)expanded-once');
    expect(readdirSync(ok.cwd).filter((n) => n.startsWith('pwned'))).toEqual([]);
  });
});
