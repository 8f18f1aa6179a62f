// Facts about the git repository around a folder. Reads only.
import { ProcessError } from '../proc/run.js';
import { gitRaw, listWorktrees, type Worktree } from './worktree.js';
import { usageError } from '../errors.js';

/** Runs git in dir and returns trimmed stdout. */
export async function git(dir: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return (await gitRaw(dir, args, { timeoutMs })).trim();
}

/** The top of the worktree containing dir, or null outside a repository. */
export async function worktreeRoot(dir: string): Promise<string | null> {
  try {
    return await git(dir, ['rev-parse', '--show-toplevel']);
  } catch (e) {
    if (e instanceof ProcessError && e.exitCode !== null) return null;
    throw e;
  }
}

/** Like worktreeRoot, but a clear usage error outside a repository. */
export async function requireWorktreeRoot(dir: string, why: string): Promise<string> {
  const root = await worktreeRoot(dir);
  if (!root) throw usageError('NOT_IN_GIT_REPO', `${dir} is not inside a git repository; ${why}.`, 'cd into a repository (or create one with `git init`) and run the command again.');
  return root;
}

/** The branch checked out in dir, or null when detached or outside a repository. */
export async function currentBranch(dir: string): Promise<string | null> {
  try {
    const b = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return b || null;
  } catch {
    return null;
  }
}

/** What a spawn needs of the repository around a folder, asked of git once and handed down. */
export interface RepoFacts {
  /** The top of the worktree containing the folder. */
  root: string;
  /** The main worktree (where .git lives), or null for a bare repository. */
  main: Worktree | null;
  /** The main checkout's folder: main's path, else root. */
  mainCheckout: string;
  /** Every worktree of the repository, the main one first (who holds which branch). */
  worktrees: Worktree[];
}

/** The repository facts around dir (two git processes), or null outside a repository. */
export async function repoFacts(dir: string): Promise<RepoFacts | null> {
  const root = await worktreeRoot(dir);
  if (!root) return null;
  const worktrees = await listWorktrees(root);
  const first = worktrees[0];
  const main = first && !first.bare ? first : null;
  return { root, main, mainCheckout: main?.path ?? root, worktrees };
}
