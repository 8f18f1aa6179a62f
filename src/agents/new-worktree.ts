// Planning and creating a new worktree for an agent: where, on which branch, from which base.
// Everything is checked before anything is created, so bad input leaves nothing behind.
import { existsSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { othersCanSwap } from '../fs/others-can-swap.js';
import { defaultName } from '../core/naming.js';
import { repoFacts, type RepoFacts } from '../git/repo.js';
import { addWorktree, branchExists, defaultBranch, deleteBranch, gitRaw, isValidBranchName, mainWorktree, removeWorktree, resolveCommit } from '../git/worktree.js';

export interface NewWorktreeRequest {
  mode: 'new';
  /** The caller's folder: the repository the worktree is made in. */
  path: string;
  given: string;
  branch: string | null;
  base: string | null;
  /** worktrees.root from the config (relative to the main checkout), or null for the default. */
  root: string | null;
  /** The config's targets; the first is the default target. */
  targets: string[];
}

export interface WorktreePlan {
  /** The caller's worktree: where copy steps take files from. */
  source: string;
  path: string;
  branch: string;
  /** false: the branch exists already and is checked out as it is. */
  create: boolean;
  base: string;
  baseCommit: string;
  target: string;
}

/** The folder new worktrees go in: worktrees.root, else "<main checkout>.worktrees" beside it. */
export function worktreesRoot(mainCheckout: string, configured: string | null): string {
  return configured ? resolve(mainCheckout, configured) : join(dirname(mainCheckout), `${basename(mainCheckout)}.worktrees`);
}

/** The folder new worktrees of repo (any of its worktrees) go in, from its main checkout. */
export async function worktreesRootOf(repo: string, configured: string | null): Promise<string> {
  return worktreesRoot((await mainWorktree(repo))?.path ?? repo, configured);
}

/** True if name is free for a new worktree: no such branch and no such folder yet. */
async function nameIsFreeForWorktree(repo: RepoFacts, req: NewWorktreeRequest, name: string): Promise<boolean> {
  if (existsSync(join(worktreesRoot(repo.mainCheckout, req.root), name))) return false;
  // With --branch B the name is only the folder's: B is the plan's to judge (an existing one is worked on as it is).
  return req.branch !== null || !(await branchExists(repo.root, name));
}

/** A default name that also skips branches and folders left by earlier agents (kept, unmerged). */
export async function freeDefaultName(repo: RepoFacts, req: NewWorktreeRequest, profile: string, name: string, takenNames: Set<string>): Promise<string> {
  const taken = new Set(takenNames);
  for (let tries = 0; tries < 200 && !(await nameIsFreeForWorktree(repo, req, name)); tries++) {
    taken.add(name);
    name = defaultName(profile, taken);
  }
  return name;
}

/** Checks the request against the repository at req.path (asked of git here) and decides the plan. */
export async function planNewWorktree(req: NewWorktreeRequest, name: string, target: string | null): Promise<WorktreePlan> {
  return planWorktreeIn(await repoFacts(req.path), req, name, target);
}

/** Checks the request against the repository's facts (null: no repository) and decides path, branch, base and target. */
export async function planWorktreeIn(repo: RepoFacts | null, req: NewWorktreeRequest, name: string, target: string | null): Promise<WorktreePlan> {
  if (!repo) throw usageError('NOT_IN_GIT_REPO', `${req.path} is not inside a git repository, so there is nothing to make a worktree of.`, 'cd into a repository, or spawn with --worktree shared.');
  const source = repo.root;
  if (!(await resolveCommit(source, 'HEAD'))) throw usageError('NO_COMMITS', `The repository at ${source} has no commits yet; a worktree needs a commit to start from.`, 'Make a first commit (git commit --allow-empty -m init) and spawn again.');
  const root = worktreesRoot(repo.mainCheckout, req.root);
  // A repository in /tmp gets its worktrees at a name anyone can make first: never in a folder of theirs.
  const unsafe = othersCanSwap(root);
  if (unsafe) throw usageError('UNSAFE_WORKTREE_ROOT', `${unsafe.folder} ${unsafe.why}: ${unsafe.why.startsWith('belongs') ? 'that user' : 'they'} could replace the agents' worktrees in it with folders of their own; nothing was created.`, 'Set worktrees.root in your config to a folder of your own, or remove that folder if it should not be there.');
  const path = join(root, name);
  if (existsSync(path)) throw usageError('WORKTREE_PATH_EXISTS', `${path} exists already; tmuxcodex will not put a worktree over it.`, 'Pick another --name, or remove that folder.');

  const branch = req.branch ?? name;
  if (!(await isValidBranchName(source, branch))) throw usageError('BAD_BRANCH_NAME', `"${branch}" is not a valid branch name (git check-ref-format).`, 'Pick another --branch (or --name).');
  let create = true;
  if (await branchExists(source, branch)) {
    const holder = repo.worktrees.find((w) => w.branch === branch);
    if (holder) throw usageError('BRANCH_CHECKED_OUT', `Branch "${branch}" is checked out in ${holder.path}; git lets a branch be checked out in one worktree at a time.`, `Pick another --branch, or spawn into that worktree with --worktree ${holder.path}.`);
    if (req.branch === null) throw usageError('BRANCH_TAKEN', `A branch named "${branch}" exists already.`, `Pick another --name, or pass --branch ${branch} to work on that branch as it is.`);
    if (req.base !== null) throw usageError('BASE_WITH_EXISTING_BRANCH', `--base applies to a new branch, but "${branch}" exists already.`, 'Leave out --base to check the branch out as it is.');
    create = false;
  }

  const resolvedTarget = target ?? req.targets[0] ?? (await defaultBranch(source, repo.main));
  if (!resolvedTarget) throw usageError('NO_TARGET', 'The repository has no default branch to target.', 'Pass --target BRANCH, or set targets in the config.');
  const base = create ? (req.base ?? resolvedTarget) : branch;
  const baseCommit = await resolveCommit(source, base);
  if (!baseCommit) {
    throw req.base !== null
      ? usageError('BAD_BASE', `--base ${req.base} does not name a commit in ${source}.`, 'Give a branch, tag or commit that exists (git rev-parse --verify REF).')
      : usageError('BAD_TARGET', `The target "${resolvedTarget}" does not exist in ${source}, so there is no tip to start from.`, 'Pass --target with an existing branch, or --base REF.');
  }
  return { source, path, branch, create, base, baseCommit, target: resolvedTarget };
}

/** Creates the planned worktree; returns what takes it back (the worktree, and its branch if new). */
export async function makeWorktree(plan: WorktreePlan, lockReason: string | undefined): Promise<() => Promise<void>> {
  const { source, path, branch, create } = plan;
  await addWorktree(source, { path, branch, create, base: plan.base, lockReason, startCommit: create ? plan.baseCommit : undefined });
  return async () => {
    // Still locked only if the spawn failed before its claim; unlocking an unlocked worktree fails, and that is fine.
    await gitRaw(source, ['worktree', 'unlock', path]).catch(() => {});
    await removeWorktree(source, path, true);
    if (create) await deleteBranch(source, branch);
  };
}
