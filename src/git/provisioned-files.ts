// Files tmuxcodex copied into a new worktree at provisioning (.env* and the like, git-ignored) are
// written down with the hash of what was copied, in the worktree's own admin folder (so the list
// goes with the worktree). At kill, the ones the agent changed since are saved in the archive too:
// an archive otherwise never holds ignored files.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRaw } from './worktree.js';

const MANIFEST = 'tmuxcodex-provisioned';
/** Folders copied whole are listed file by file up to this many files (a copied cache is not work). */
const MAX_FILES = 1000;

/** sha256 of a regular file's bytes; null when no regular file is there. */
function contentHash(path: string): string | null {
  try {
    return lstatSync(path).isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
  } catch {
    return null;
  }
}

/** The regular files under rel (itself, if it is one), relative to root. */
function filesUnder(root: string, rel: string, out: string[]): void {
  if (out.length >= MAX_FILES) return;
  const st = lstatSync(join(root, rel), { throwIfNoEntry: false });
  if (!st) return;
  if (st.isFile()) out.push(rel);
  else if (st.isDirectory()) for (const e of readdirSync(join(root, rel))) filesUnder(root, `${rel}/${e}`, out);
}

/** The manifest's path in worktree's admin folder (.git/worktrees/<name>/). */
async function manifestPath(worktree: string): Promise<string> {
  return join((await gitRaw(worktree, ['rev-parse', '--absolute-git-dir'])).trim(), MANIFEST);
}

/** The manifest's entries, path -> hash as copied. */
function readManifest(path: string): Map<string, string> {
  const entries = new Map<string, string>();
  if (!existsSync(path)) return entries;
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    const [hash, rel] = JSON.parse(line) as [string, string];
    entries.set(rel, hash);
  }
  return entries;
}

/**
 * Writes down the files copied into worktree (paths relative to it) with the hash of each as
 * copied; files copied again later (sync-files) replace their entry, the others stay.
 */
export async function recordProvisioned(worktree: string, copied: readonly string[]): Promise<void> {
  const path = await manifestPath(worktree);
  const entries = readManifest(path);
  const files: string[] = [];
  for (const rel of copied) filesUnder(worktree, rel, files);
  for (const f of files) { const h = contentHash(join(worktree, f)); if (h) entries.set(f, h); }
  writeFileSync(path, [...entries].map(([rel, hash]) => JSON.stringify([hash, rel])).join('\n') + '\n');
}

/** The copied files whose bytes changed since they were copied (deleted ones are not work to save). */
export async function changedProvisioned(worktree: string): Promise<string[]> {
  const changed: string[] = [];
  for (const [rel, hash] of readManifest(await manifestPath(worktree))) {
    const now = contentHash(join(worktree, rel));
    if (now !== null && now !== hash) changed.push(rel);
  }
  return changed;
}
