// What landing a branch in a checkout writes there: the tree the target will hold, the paths that
// differ from the target's tip, and the files already on disk at paths the landing adds (git
// refuses untracked ones itself, but overwrites git-ignored ones without a word).
import { lstatSync } from 'node:fs';
import { mergeTrees } from './merge-tree.js';
import { gitBytes, gitRaw } from './worktree.js';

/** A changed path: as text for messages, and as git's own bytes (a name may not be valid UTF-8). */
export interface PathChange { status: string; path: string; raw: Buffer }

/** Splits NUL-terminated output into its fields, as bytes. */
export function nulFields(out: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  for (let start = 0, i = out.indexOf(0); i !== -1; start = i + 1, i = out.indexOf(0, start)) fields.push(out.subarray(start, i));
  return fields;
}

/** A path of dir as bytes, for the file system. */
export function pathIn(dir: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), raw]);
}

/** The tree the target holds after landing tip on before (a merge's, or tip's own for a fast-forward). */
export async function landingTree(repo: string, before: string, tip: string, fastForward: boolean): Promise<string | null> {
  if (fastForward) return (await gitRaw(repo, ['rev-parse', '--verify', `${tip}^{tree}`])).trim();
  const [m] = await mergeTrees(repo, [[before, tip]]);
  return m?.clean ? m.tree : null;
}

/** The paths that differ between two trees, with git's status letter (A added, D deleted, M, T). */
export async function changedPaths(dir: string, from: string, to: string): Promise<PathChange[]> {
  const fields = nulFields(await gitBytes(dir, ['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to]));
  const changes: PathChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]!.length) changes.push({ status: fields[i]!.toString('latin1'), path: fields[i + 1]!.toString('utf8'), raw: fields[i + 1]! });
  return changes;
}

/** Files (git-ignored or untracked) on disk in checkout at paths the landing would add: it would overwrite them. */
export async function filesInTheWay(checkout: string, changes: readonly PathChange[]): Promise<string[]> {
  return changes.filter((c) => c.status === 'A' && exists(pathIn(checkout, c.raw))).map((c) => c.path);
}

/** True if anything (a file, a link, even a dangling one) is at path. */
function exists(path: Buffer): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
