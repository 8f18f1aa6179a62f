// Where a new agent works: the caller's worktree (shared) or an existing worktree, with its branch.
// Runs in the daemon, where git is already warm, so `spawn` itself starts no subprocess.
import { statSync } from 'node:fs';
import type { WorktreeMode } from '../core/agent.js';
import { usageError } from '../errors.js';
import { currentBranch, worktreeRoot } from '../git/repo.js';

export interface WorktreeRequest {
  mode: Extract<WorktreeMode, 'shared' | 'existing'>;
  /** shared: the caller's folder; existing: the folder the user named (absolute). */
  path: string;
  /** What the user typed, for messages. */
  given: string;
}

/** Resolves a request to the worktree's top folder and its branch; clear errors for bad paths. */
export async function resolveWorktree(req: WorktreeRequest): Promise<{ worktree: { path: string; mode: WorktreeMode }; branch: string | null }> {
  if (req.mode === 'shared') {
    const root = await worktreeRoot(req.path);
    return { worktree: { path: root ?? req.path, mode: 'shared' }, branch: root ? await currentBranch(root) : null };
  }
  let isDir = false;
  try { isDir = statSync(req.path).isDirectory(); } catch { /* reported below */ }
  if (!isDir) throw usageError('NO_SUCH_WORKTREE', `--worktree ${req.given}: ${req.path} is not a folder.`, 'Give the path of an existing git worktree, or "shared".');
  const root = await worktreeRoot(req.path);
  if (!root) throw usageError('NOT_IN_GIT_REPO', `--worktree ${req.given}: ${req.path} is not inside a git worktree.`, 'Give the path of an existing git worktree (see `git worktree list`).');
  return { worktree: { path: root, mode: 'existing' }, branch: await currentBranch(root) };
}
