// The clone step: give a worktree its own copy of a big folder (node_modules) fast.
// With reflinks (btrfs, XFS, APFS) every file is cloned copy-on-write. Without them (ext4), the
// folder is hardlinked from a private snapshot kept per lock-file hash, never from the user's own
// checkout: an in-place edit or `npm install` inside a worktree cannot reach the main checkout.
// Files at the top of the folder (.package-lock.json, .modules.yaml) are copied, not linked,
// because package managers rewrite them in place.
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, chmod, utimes, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../proc/run.js';

export type CloneMethod = 'reflink' | 'hardlink' | 'copy';

/** Limits how many file operations run at once across a whole tree walk. */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

type FileAction = (from: string, to: string, topLevel: boolean) => Promise<void>;

/** Recreates the tree at from under to: folders made (with modes), symlinks as-is, files by action. */
async function walkTree(from: string, to: string, action: FileAction, limiter = new Limiter(64), depth = 0): Promise<number> {
  const st = await limiter.run(() => stat(from));
  await limiter.run(() => mkdir(to, { mode: st.mode & 0o7777 }));
  const entries = await limiter.run(() => readdir(from, { withFileTypes: true }));
  // Folders recurse without holding a slot, so the walk runs wide; each file operation takes one.
  const counts = await Promise.all(entries.map(async (e) => {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) return walkTree(src, dst, action, limiter, depth + 1);
    if (e.isSymbolicLink()) await limiter.run(async () => symlink(await readlink(src), dst));
    else if (e.isFile()) {
      await limiter.run(() => action(src, dst, depth === 0));
      return 1;
    }
    return 0;
  }));
  await utimes(to, st.atime, st.mtime).catch(() => {});
  return counts.reduce((a, b) => a + b, 0);
}

/** Copies a file and keeps its mode and times (a real copy: its own inode). */
async function plainCopy(from: string, to: string): Promise<void> {
  await copyFile(from, to, constants.COPYFILE_EXCL);
  const st = await stat(from);
  await chmod(to, st.mode & 0o7777);
  await utimes(to, st.atime, st.mtime);
}

let gnuCp: Promise<boolean> | null = null;

/** True if `cp` is GNU coreutils' (it hardlinks a tree about twice as fast as a Node walk). */
function hasGnuCp(): Promise<boolean> {
  gnuCp ??= run('cp', ['--version'], { timeoutMs: 5000 }).then((r) => r.stdout.includes('GNU coreutils'), () => false);
  return gnuCp;
}

/** Hardlinks the snapshot tree into to with `cp -al`, then gives the top-level files their own copy. */
async function linkTreeWithCp(snapshot: string, to: string): Promise<number> {
  await run('cp', ['-al', '--no-target-directory', '--', snapshot, to], { timeoutMs: 600_000 });
  for (const e of await readdir(to, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    await rm(join(to, e.name));
    await plainCopy(join(snapshot, e.name), join(to, e.name));
  }
  return snapshotFileCount(snapshot);
}

/** The number of files in a snapshot, recorded beside it when it was made. */
async function snapshotFileCount(snapshot: string): Promise<number> {
  return Number(await readFile(`${snapshot}.files`, 'utf8').catch(() => '0')) || 0;
}

/** True if the filesystem under dir can reflink files from source (probed with one real file). */
export async function canReflink(sourceFile: string, dir: string): Promise<boolean> {
  const probe = join(dir, `.tmuxcodex-reflink-probe-${process.pid}`);
  try {
    await copyFile(sourceFile, probe, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true });
  }
}

/** Some regular file under dir, for the reflink probe; null if it has none near the top. */
async function anyFile(dir: string): Promise<string | null> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isFile()) return join(dir, e.name);
  }
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      const f = await anyFile(join(dir, e.name));
      if (f) return f;
    }
  }
  return null;
}

/**
 * A fingerprint of a tree: every file's path, size and mtime, every link's target. An edit in
 * place (echo >>, an editor, npm rewriting a file) changes a size or an mtime. ctime cannot be used:
 * each hardlink made to a file changes it.
 */
export async function treeFingerprint(dir: string): Promise<string> {
  const limiter = new Limiter(64);
  const lines: string[] = [];
  const walk = async (d: string, rel: string): Promise<void> => {
    const entries = await limiter.run(() => readdir(d, { withFileTypes: true }));
    await Promise.all(entries.map(async (e) => {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) return walk(p, r);
      if (e.isSymbolicLink()) lines.push(`${r}\0->${await limiter.run(() => readlink(p))}`);
      else if (e.isFile()) {
        const st = await limiter.run(() => lstat(p));
        lines.push(`${r}\0${st.size}\0${st.mtimeMs}`);
      }
    }));
  };
  await walk(dir, '');
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** True if the snapshot is as it was made (its fingerprint, kept beside it, still matches). */
export async function snapshotIntact(snapshot: string): Promise<boolean> {
  const recorded = await readFile(`${snapshot}.check`, 'utf8').catch(() => null);
  return recorded !== null && recorded === (await treeFingerprint(snapshot));
}

/** Removes a snapshot, its bookkeeping and every spare made from it. */
async function discardSnapshot(snapshotRoot: string, scope: string, key: string): Promise<void> {
  const snapshot = join(snapshotRoot, `snap-${scope}-${key}`);
  const spares = (await readdir(snapshotRoot).catch(() => [] as string[])).filter((n) => n.startsWith(`spare-${scope}-${key}-`));
  for (const p of [snapshot, `${snapshot}.files`, `${snapshot}.check`, ...spares.map((n) => join(snapshotRoot, n))]) await rm(p, { recursive: true, force: true });
}

/**
 * Makes (once per scope and key) the private snapshot that hardlink clones are made from, and
 * checks it before each use: one that was changed (through a clone's hardlink, before that clone
 * got its own copies) is never handed on, but made again from source.
 */
export async function ensureSnapshot(source: string, snapshotRoot: string, key: string, scope = scopeOf(source)): Promise<string> {
  const snapshot = join(snapshotRoot, `snap-${scope}-${key}`);
  if (await lstat(snapshot).then(() => true, () => false)) {
    if (await snapshotIntact(snapshot)) return snapshot;
    await discardSnapshot(snapshotRoot, scope, key);
  }
  await mkdir(snapshotRoot, { recursive: true });
  const partial = partialName(snapshot);
  try {
    const files = await walkTree(source, partial, plainCopy);
    await writeFile(`${snapshot}.files`, String(files));
    await writeFile(`${snapshot}.check`, await treeFingerprint(partial));
    await rename(partial, snapshot);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    // Another spawn may have made the same snapshot at the same time: theirs is as good as ours.
    if (await lstat(snapshot).then(() => true, () => false)) return snapshot;
    throw e;
  }
  return snapshot;
}

/**
 * Snapshots and spares are named by a scope and the lock-file key, so clean-up of one clone step
 * never touches another's (a monorepo's several node_modules). Provisioning passes the folder's
 * path inside the worktree (scopeOfDir), so that every worktree of a repository shares one
 * snapshot per lock file; without one, the scope is a hash of the source folder's real path.
 */
export function scopeOfDir(dir: string): string {
  return createHash('sha256').update(`dir:${dir}`).digest('hex').slice(0, 10);
}

function scopeOf(source: string): string {
  let real = source;
  try { real = realpathSync(source); } catch { /* as given */ }
  return createHash('sha256').update(real).digest('hex').slice(0, 10);
}

/** The prefix of spare clones for scope and key (all in snapshotRoot). */
function sparePrefix(scope: string, key: string): string {
  return `spare-${scope}-${key}-`;
}

/** A unique partial-folder name beside path: the pid says whether its maker still runs. */
function partialName(path: string): string {
  return `${path}.tmuxcodex-partial-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** True if a partial folder's maker is gone (so the folder is debris, not work in progress). */
function partialIsStale(name: string): boolean {
  const pid = Number(/\.tmuxcodex-partial-(\d+)-/.exec(name)?.[1]);
  if (!pid) return false;
  try { process.kill(pid, 0); return false; } catch (e) { return (e as NodeJS.ErrnoException).code === 'ESRCH'; }
}

/**
 * Moves a spare clone (made ahead of time by refillSpare) into target: a rename, so the agent
 * gets its folder at once. Returns the file count, or null when no spare was left.
 */
async function takeSpare(o: { target: string; snapshotRoot: string; key: string; scope: string }): Promise<number | null> {
  const prefix = sparePrefix(o.scope, o.key);
  const spares = (await readdir(o.snapshotRoot).catch(() => [] as string[])).filter((n) => n.startsWith(prefix) && !n.includes('.tmuxcodex-partial-'));
  for (const name of spares) {
    try {
      await rename(join(o.snapshotRoot, name), o.target);
      return snapshotFileCount(join(o.snapshotRoot, `snap-${o.scope}-${o.key}`));
    } catch {
      // Another spawn took this one first; try the next.
    }
  }
  return null;
}

const refilling = new Set<string>();
let spareCounter = 0;

/**
 * A real copy of a tree (inodes of its own), made at idle priority: GNU `cp -a` in a child run
 * under `nice -n 19`, which keeps the daemon's event loop free and the CPU for the agents; without
 * GNU cp, a walk two files at a time that yields to the event loop after each.
 */
async function copyTreeAtIdlePriority(from: string, to: string): Promise<void> {
  if (await hasGnuCp()) {
    await run('nice', ['-n', '19', 'cp', '-a', '--no-target-directory', '--', from, to], { timeoutMs: 600_000 });
    return;
  }
  await walkTree(from, to, async (src, dst) => { await plainCopy(src, dst); await yieldToLoop(); }, new Limiter(GENTLE));
}

/** Background work runs two file operations at a time and yields to the event loop after each. */
const GENTLE = 2;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Prepares one spare clone of source for key in the background of a spawn, so that the next
 * spawn only renames it into place; spares and snapshots of other keys (an older lock file) and
 * partial folders left by a killed daemon are removed. The spare is a copy of the (checked)
 * snapshot with inodes of its own, made gently: taking it shares no file with anything.
 */
export async function refillSpare(o: { source: string; snapshotRoot: string; key: string; scope?: string }): Promise<void> {
  const scope = o.scope ?? scopeOf(o.source);
  const id = `${o.snapshotRoot}\0${scope}\0${o.key}`;
  if (refilling.has(id)) return;
  refilling.add(id);
  try {
    const names = await readdir(o.snapshotRoot).catch(() => [] as string[]);
    for (const n of names) {
      const partial = n.includes('.tmuxcodex-partial-');
      const ofScope = n.startsWith(`spare-${scope}-`) || n.startsWith(`snap-${scope}-`);
      const current = n.startsWith(`spare-${scope}-${o.key}-`) || n.startsWith(`snap-${scope}-${o.key}`);
      const stale = partial ? partialIsStale(n) : ofScope && !current;
      if (stale) await rm(join(o.snapshotRoot, n), { recursive: true, force: true });
    }
    if (names.some((n) => n.startsWith(sparePrefix(scope, o.key)) && !n.includes('.tmuxcodex-partial-'))) return;
    const snapshot = await ensureSnapshot(o.source, o.snapshotRoot, o.key, scope);
    const target = join(o.snapshotRoot, `${sparePrefix(scope, o.key)}${process.pid}-${++spareCounter}`);
    const partial = partialName(target);
    try {
      await copyTreeAtIdlePriority(snapshot, partial);
      await rename(partial, target);
    } catch (e) {
      await rm(partial, { recursive: true, force: true });
      throw e;
    }
  } finally {
    refilling.delete(id);
  }
}

/**
 * Gives target its own copy of source. Built in a partial folder and renamed into place, so an
 * interrupted clone never leaves a half-filled target (the partial copy is removed). A spare
 * made ahead of time is used when there is one.
 */
export async function cloneTree(o: { source: string; target: string; snapshotRoot: string; key: string | null; scope?: string; useSpare?: boolean }): Promise<{ method: CloneMethod; files: number; spare: boolean }> {
  const scope = o.scope ?? scopeOf(o.source);
  if (o.key === null) {
    // No lock file: no snapshot can be shared, so the folder gets a copy of its own.
    const partial = partialName(o.target);
    try {
      const files = await walkTree(o.source, partial, plainCopy);
      await rename(partial, o.target);
      return { method: 'copy', files, spare: false };
    } catch (e) {
      await rm(partial, { recursive: true, force: true });
      throw e;
    }
  }
  const key = o.key;
  if (o.useSpare !== false) {
    const files = await takeSpare({ target: o.target, snapshotRoot: o.snapshotRoot, key, scope });
    // A spare is a copy with inodes of its own: nothing to unshare afterwards.
    if (files !== null) return { method: 'copy', files, spare: true };
  }
  const partial = partialName(o.target);
  try {
    const probeFile = await anyFile(o.source);
    const reflink = probeFile !== null && (await canReflink(probeFile, join(o.target, '..')));
    let files: number;
    if (reflink) {
      files = await walkTree(o.source, partial, async (from, to) => {
        await copyFile(from, to, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
        const st = await stat(from);
        await chmod(to, st.mode & 0o7777);
      });
    } else {
      const snapshot = await ensureSnapshot(o.source, o.snapshotRoot, key, scope);
      files = (await hasGnuCp())
        ? await linkTreeWithCp(snapshot, partial)
        : await walkTree(snapshot, partial, (from, to, topLevel) => (topLevel ? plainCopy(from, to) : link(from, to)));
    }
    await rename(partial, o.target);
    return { method: reflink ? 'reflink' : 'hardlink', files, spare: false };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Gives every hardlinked file under dir an inode of its own (copy beside it, rename over it), so
 * the folder stops sharing files with its snapshot. Run in the background right after an agent
 * starts (gently: a few files at a time, yielding to the event loop), and again when a worktree's
 * lock file changes. Returns how many files were unshared.
 */
export async function unshareTree(dir: string, o: { gentle?: boolean; signal?: AbortSignal } = {}): Promise<number> {
  const limiter = new Limiter(o.gentle ? GENTLE : 16);
  let count = 0;
  const walk = async (d: string): Promise<void> => {
    if (o.signal?.aborted) return; // stopped (the worktree is being removed): no new file is begun
    const entries = await limiter.run(() => readdir(d, { withFileTypes: true }));
    await Promise.all(entries.map(async (e) => {
      const p = join(d, e.name);
      if (e.isDirectory()) return walk(p);
      if (!e.isFile()) return;
      await limiter.run(async () => {
        if (o.signal?.aborted) return;
        const st = await lstat(p);
        if (st.nlink < 2) return;
        const tmp = `${p}.tmuxcodex-unshare`;
        await rm(tmp, { force: true });
        await plainCopy(p, tmp);
        await rename(tmp, p);
        count++;
        if (o.gentle) await yieldToLoop();
      });
    }));
  };
  await walk(dir);
  return count;
}
