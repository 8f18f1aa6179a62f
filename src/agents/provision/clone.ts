// The clone step: give a worktree its own copy of a big folder (node_modules) fast.
// With reflinks (btrfs, XFS, APFS) every file is cloned copy-on-write. Without them (ext4), the
// folder is hardlinked from a private snapshot kept per lock-file hash, never from the user's own
// checkout: an in-place edit or `npm install` inside a worktree cannot reach the main checkout.
// Files at the top of the folder (.package-lock.json, .modules.yaml) are copied, not linked,
// because package managers rewrite them in place.
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink, chmod, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';

export type CloneMethod = 'reflink' | 'hardlink';

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

/** Makes (once per key) the private snapshot that hardlink clones are made from. */
export async function ensureSnapshot(source: string, snapshotRoot: string, key: string): Promise<string> {
  const snapshot = join(snapshotRoot, `${basename(source)}-${key}`);
  if (await lstat(snapshot).then(() => true, () => false)) return snapshot;
  await mkdir(snapshotRoot, { recursive: true });
  const partial = `${snapshot}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  try {
    await walkTree(source, partial, plainCopy);
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
 * Gives target its own copy of source. Built in a partial folder and renamed into place, so an
 * interrupted clone never leaves a half-filled target (the partial copy is removed).
 */
export async function cloneTree(o: { source: string; target: string; snapshotRoot: string; key: string }): Promise<{ method: CloneMethod; files: number }> {
  const partial = `${o.target}.tmuxcodex-partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
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
      const snapshot = await ensureSnapshot(o.source, o.snapshotRoot, o.key);
      files = await walkTree(snapshot, partial, (from, to, topLevel) => (topLevel ? plainCopy(from, to) : link(from, to)));
    }
    await rename(partial, o.target);
    return { method: reflink ? 'reflink' : 'hardlink', files };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
