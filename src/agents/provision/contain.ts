// Keeping provisioning inside its two folders: a step's relative path, once symlinks are followed,
// must stay inside the source checkout (where it reads) and the new worktree (where it writes).
// A tracked symlink on the target branch (a -> /home/you) would otherwise turn `a/evil` into a
// path outside the repository, and mkdir -p would follow it before anything was written.
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';

/** True if path is root or below it (both already real paths). */
function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Why rel cannot name a place inside a folder by its spelling alone, or null. */
function spellingProblem(rel: string): string | null {
  if (rel === '' || isAbsolute(rel)) return 'it is not a relative path';
  const n = normalize(rel);
  if (n === '..' || n.startsWith(`..${sep}`)) return 'it climbs out with ".."';
  return null;
}

/** The nearest ancestor of path (or path) that exists, without following a final symlink. */
async function nearestExisting(path: string): Promise<string> {
  let p = path;
  for (;;) {
    if (await lstat(p).then(() => true, () => false)) return p;
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

export type Contained = { path: string; problem: null } | { path: null; problem: string };

/**
 * Where a step reads rel from in root (the source checkout): the path, which must exist and whose
 * real location, every symlink followed (the last one too), is inside root.
 */
export async function sourceInside(root: string, rel: string): Promise<Contained> {
  const bad = spellingProblem(rel);
  if (bad) return { path: null, problem: bad };
  const path = join(root, rel);
  const [realRoot, real] = await Promise.all([realpath(root), realpath(path).catch(() => null)]);
  if (real === null) return { path: null, problem: `${path} does not exist` };
  if (!isInside(realRoot, real)) return { path: null, problem: `${path} leads to ${real}, outside ${root}` };
  return { path, problem: null };
}

/**
 * Where a step writes rel in root (the new worktree), checked before any folder is made: its
 * nearest existing ancestor, symlinks followed, must be inside root. Whatever already exists at
 * the path itself is the caller's to leave alone (provisioning never overwrites).
 */
export async function targetInside(root: string, rel: string): Promise<Contained> {
  const bad = spellingProblem(rel);
  if (bad) return { path: null, problem: bad };
  const path = join(root, rel);
  const realRoot = await realpath(root);
  const existing = await nearestExisting(dirname(path));
  const real = await realpath(existing);
  if (!isInside(realRoot, real)) return { path: null, problem: `${relative(root, existing) || '.'} in the new worktree leads to ${real}, outside it` };
  return { path, problem: null };
}
