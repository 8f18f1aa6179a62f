// Facts about the git repository around a folder. Reads only.
import { ProcessError } from '../proc/run.js';
import { gitRaw } from './worktree.js';
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
