// The git facts the CLI asks in its own process: the repository a command runs in (before, or
// instead of, asking the daemon), a commit, and what the git program can do (doctor). The CLI
// reaches git only through src/agents/ (test/unit/architecture/imports.test.ts): these are the
// facts; the steps that act on worktrees have modules of their own (propagate, archives, where...).
import { findWorktreeTop } from '../git/find-top.js';
import { requireWorktreeRoot, worktreeRoot } from '../git/repo.js';
import { requireCommit } from '../git/where.js';

export { gitProgram, type GitProgram } from '../git/program.js';

/** The top of the worktree around dir, found without starting git (hot paths: config lookup), or null. */
export function repositoryTop(dir: string): string | null {
  return findWorktreeTop(dir);
}

/** The top of the worktree around dir as git says (git rev-parse --show-toplevel), or null outside one. */
export function repositoryRoot(dir: string): Promise<string | null> {
  return worktreeRoot(dir);
}

/** Like repositoryRoot, but a usage error outside a repository that says why the command needs one. */
export function requireRepository(dir: string, why: string): Promise<string> {
  return requireWorktreeRoot(dir, why);
}

/** The repository around dir and the commit rev names in it, or a usage error for either. */
export async function requireRev(dir: string, rev: string, why: string): Promise<{ repo: string; commit: string }> {
  const repo = await requireWorktreeRoot(dir, why);
  return { repo, commit: await requireCommit(repo, rev) };
}
