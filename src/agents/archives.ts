// `archive list|restore`: the work saved when an agent with changes was killed, and bringing it
// back, either into a clean existing worktree or into a new worktree and branch made for it (made,
// then rolled back if the work does not apply: a failed restore leaves nothing behind). The steps
// touch no live agent, so the CLI runs them in its own process.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { applyArchive, findArchive, listArchives, type ArchiveEntry } from '../git/archive.js';
import { requireWorktreeRoot } from '../git/repo.js';
import { addWorktree, branchExists, deleteBranch, removeWorktree } from '../git/worktree.js';
import { worktreesRootOf } from './new-worktree.js';

/** Every saved archive of repo, newest first. */
export function archivesOf(repo: string): Promise<ArchiveEntry[]> {
  return listArchives(repo);
}

/** Where restoreArchive put the work: the worktree, and the branch and base when it made a new one. */
export interface Restored { id: string; path: string; created: { branch: string; base: string } | null }

/** A name for the restored worktree and branch that is not taken yet: <agent>-restored-<n>. */
async function freeRestoreName(repo: string, root: string, agent: string, n: string): Promise<string> {
  for (let k = 0; ; k++) {
    const name = `${agent}-restored-${n}${k ? `-${k}` : ''}`;
    if (!existsSync(join(root, name)) && !(await branchExists(repo, name))) return name;
  }
}

/**
 * Restores the archive id of repo: into the existing worktree into (relative to cwd) when given,
 * else into a new worktree and branch from the archive's base, under the configured worktree root.
 */
export async function restoreArchive(repo: string, id: string, o: { into: string | null; cwd: string; configFile: string | null; env: NodeJS.ProcessEnv }): Promise<Restored> {
  const entry = await findArchive(repo, id);
  if (o.into !== null) {
    const path = await requireWorktreeRoot(resolve(o.cwd, o.into), '--into takes a worktree');
    await applyArchive(path, entry);
    return { id: entry.id, path, created: null };
  }
  const { config } = await loadConfig({ configFile: o.configFile, repoRoot: repo, env: o.env });
  const root = await worktreesRootOf(repo, config.worktrees.root);
  const name = await freeRestoreName(repo, root, entry.agent, entry.id.slice(entry.id.lastIndexOf('/') + 1));
  const path = join(root, name);
  await addWorktree(repo, { path, branch: name, create: true, base: entry.base });
  try {
    await applyArchive(path, entry);
  } catch (e) {
    // The roll-back is best effort: the error to report is why the work did not apply; a worktree
    // or branch left by a failed roll-back shows in `git worktree list` and `git branch`.
    await removeWorktree(repo, path, true).catch(() => undefined);
    await deleteBranch(repo, name).catch(() => undefined);
    throw e;
  }
  return { id: entry.id, path, created: { branch: name, base: entry.base } };
}
