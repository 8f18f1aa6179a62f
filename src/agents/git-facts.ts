// The git facts the CLI asks in its own process: the repository a command runs in (before, or
// instead of, asking the daemon), a commit, and what the git program can do (doctor). The CLI
// reaches git only through src/agents/ (test/unit/architecture/imports.test.ts): these are the
// facts; the steps that act on worktrees have modules of their own (propagate, archives, where...).
// This module is loaded on hot paths (config lookup, shell completion at each Tab), so only
// find-top comes with it; the modules that run git are imported when a fact needs them.
import { findWorktreeTop } from '../git/find-top.js';
import type { GitProgram } from '../git/program.js';

export type { GitProgram };

/** The top of the worktree around dir, found without starting git, or null. */
export function repositoryTop(dir: string): string | null {
  return findWorktreeTop(dir);
}

/** The top of the worktree around dir as git says (git rev-parse --show-toplevel), or null outside one. */
export async function repositoryRoot(dir: string): Promise<string | null> {
  return (await import('../git/repo.js')).worktreeRoot(dir);
}

/** Like repositoryRoot, but a usage error outside a repository that says why the command needs one. */
export async function requireRepository(dir: string, why: string): Promise<string> {
  return (await import('../git/repo.js')).requireWorktreeRoot(dir, why);
}

/** The repository around dir and the commit rev names in it, or a usage error for either. */
export async function requireRev(dir: string, rev: string, why: string): Promise<{ repo: string; commit: string }> {
  const repo = await requireRepository(dir, why);
  return { repo, commit: await (await import('../git/where.js')).requireCommit(repo, rev) };
}

/** The git on env's PATH: its version and the newer features tmuxcodex uses when present. */
export async function gitProgram(env: NodeJS.ProcessEnv): Promise<GitProgram> {
  return (await import('../git/program.js')).gitProgram(env);
}
