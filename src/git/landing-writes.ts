// What landing a branch in a checkout writes there: the tree the target will hold, the paths that
// differ from the target's tip, and the files already on disk at paths the landing adds (git
// refuses untracked ones itself, but overwrites git-ignored ones without a word).
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { mergeTrees } from './merge-tree.js';
import { gitRaw } from './worktree.js';

export interface PathChange { status: string; path: string }

/** The tree the target holds after landing tip on before (a merge's, or tip's own for a fast-forward). */
export async function landingTree(repo: string, before: string, tip: string, fastForward: boolean): Promise<string | null> {
  if (fastForward) return (await gitRaw(repo, ['rev-parse', '--verify', `${tip}^{tree}`])).trim();
  const [m] = await mergeTrees(repo, [[before, tip]]);
  return m?.clean ? m.tree : null;
}

/** The paths that differ between two trees, with git's status letter (A added, D deleted, M, T). */
export async function changedPaths(dir: string, from: string, to: string): Promise<PathChange[]> {
  const fields = (await gitRaw(dir, ['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to])).split('\0');
  const changes: PathChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]) changes.push({ status: fields[i]!, path: fields[i + 1]! });
  return changes;
}

/** Files (git-ignored or untracked) on disk in checkout at paths the landing would add: it would overwrite them. */
export async function filesInTheWay(checkout: string, changes: readonly PathChange[]): Promise<string[]> {
  return changes.filter((c) => c.status === 'A' && exists(join(checkout, c.path))).map((c) => c.path);
}

/** True if anything (a file, a link, even a dangling one) is at path. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
