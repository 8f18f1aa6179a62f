// Tearing an agent down without losing work: its uncommitted work is archived and verified before
// its worktree is removed; its branch goes only when merged into its target (or with --force);
// a worktree another live agent still uses is never removed.
import { existsSync } from 'node:fs';
import type { AgentRecord } from '../core/agent.js';
import { saveArchive, type ArchiveEntry } from '../git/archive.js';
import { branchExists, gitRaw, listWorktrees, mainCheckoutOf, removeWorktree } from '../git/worktree.js';
import { nestedIn } from '../git/nested-worktrees.js';
import { worktreeMaker } from '../git/worktree-maker.js';
import { deleteBranchKeepingTip } from '../git/branch-backup.js';
import { unsavedSubmoduleWork } from '../git/submodule-work.js';
import { ignoredReposWithOwnCommits } from '../git/ignored-repos.js';
import { changedProvisioned } from '../git/provisioned-files.js';
import { mergedForDeletion } from './merged-for-deletion.js';
import { stopBackgroundWork } from './provision/background.js';
import { failure } from '../errors.js';

export interface TeardownResult {
  archive: ArchiveEntry | null;
  removed: { worktree: string | null; branch: string | null };
  kept: string | null;
}

export interface TeardownOptions {
  keepWorktree: boolean;
  force: boolean;
  /** The branch the agent's branch was just merged into, if any (else its target decides). */
  mergedInto?: string;
  /** The branch tip that merge landed: a branch still there is merged by construction, not asked again. */
  landedTip?: string;
}

/** Removes the worktree of a killed agent (its pane already gone), saving its work first. */
export async function teardownWorktree(agent: AgentRecord, others: readonly AgentRecord[], o: TeardownOptions): Promise<TeardownResult> {
  const none: TeardownResult = { archive: null, removed: { worktree: null, branch: null }, kept: null };
  const wt = agent.worktree;
  if (!wt || wt.mode !== 'new') return { ...none, kept: wt ? `a ${wt.mode} worktree is not the agent's to remove` : null };
  if (o.keepWorktree) return { ...none, kept: '--keep-worktree' };
  const sharers = others.filter((a) => a.id !== agent.id && a.state !== 'gone' && a.worktree?.path === wt.path);
  if (sharers.length) return { ...none, kept: `still used by ${sharers.map((a) => a.name).join(', ')}` };
  // A folder deleted by hand: nothing is left to archive, but git's entry for it (prunable) and the
  // branch tmuxcodex made are tidied as usual, so that the name can be spawned again.
  const folderGone = !existsSync(wt.path);
  // git runs from the main checkout: the worktree the agent was spawned from may be gone by now.
  const repo = folderGone ? await repoOfMissingWorktree(agent) : await mainCheckoutOf(wt.path);
  if (repo === null) return { ...none, kept: 'the worktree folder no longer exists, nor the checkout it was made from' };
  let archive: ArchiveEntry | null = null;
  if (!folderGone) {
    // Read at once (they are independent): work that goes with the worktree unless saved or refused.
    const [submoduleWork, ignoredRepos, provisioned, nested] = await Promise.all([unsavedSubmoduleWork(wt.path), ignoredReposWithOwnCommits(wt.path), changedProvisioned(wt.path), nestedWorktrees(repo, wt.path)]);
    // A worktree made inside this one (the agent ran `claude -w NAME`) would go with its folder,
    // uncommitted work and all: it is someone's checkout of its own, never this agent's to remove.
    if (nested.length) throw failure('NESTED_WORKTREE', `${wt.path} holds other worktrees of the repository (${nested.join('; ')}) that removing it would delete; nothing was removed.`, 'Move them out (git worktree move) or remove them yourself (git worktree remove), then kill again; or kill with --keep-worktree.');
    // A submodule's repository goes with the worktree: its edits and commits of its own cannot be archived.
    if (submoduleWork.length) throw failure('SUBMODULE_WORK', `${wt.path} has work in git submodules that removing the worktree would lose (their repositories live in the worktree's own git folder): ${submoduleWork.join('; ')}. Nothing was removed.`, 'Commit and push that work from the submodule (or copy it), then kill again; or kill with --keep-worktree.');
    if (ignoredRepos.length) throw failure('IGNORED_REPO_WORK', `${wt.path} holds git-ignored repositories with commits pushed nowhere (${ignoredRepos.join(', ')}), which an archive cannot hold; nothing was removed.`, 'Push or move that work, then kill again; or kill with --keep-worktree.');
    try {
      archive = await saveArchive(wt.path, { agent: agent.name, agentId: agent.id, branch: agent.branch, ignoredToSave: provisioned });
    } catch (e) {
      throw failure('ARCHIVE_FAILED', `Could not save the uncommitted work in ${wt.path}, so the worktree was kept: ${(e as Error).message}`, 'Commit or copy the work by hand, then run `tmuxcodex kill` again.', e);
    }
  }
  // Files still being given inodes of their own would be written while git removes the folder.
  await stopBackgroundWork(wt.path);
  try {
    await removeWorktree(repo, wt.path, true);
  } catch (e) {
    throw failure('WORKTREE_REMOVE_FAILED', `The work was saved${archive ? ` as archive ${archive.id}` : ''}, but git could not remove ${wt.path}: ${(e as Error).message}`, 'Remove it with `git worktree remove --force` once whatever holds it has stopped.', e);
  }
  let branch: string | null = null;
  // Only a branch tmuxcodex made for the agent is ever deleted; an unmerged one only with --force.
  // Either way its tip is kept first under refs/tmuxcodex/branches/, so it can be brought back.
  if (agent.branch && agent.branchCreated && (await branchExists(repo, agent.branch))) {
    // Merged as the map decides (into the branch just merged into, if any), checked byte for byte.
    const into = o.mergedInto ?? agent.target;
    const merged = into && (await branchExists(repo, into)) ? (o.landedTip !== undefined && o.mergedInto === into && (await branchTip(repo, agent.branch)) === o.landedTip) || (await mergedForDeletion(repo, agent.branch, into)) : false;
    if (merged || o.force) {
      await deleteBranchKeepingTip(repo, agent.name, agent.branch);
      branch = agent.branch;
    }
  }
  return { archive, removed: { worktree: wt.path, branch }, kept: null };
}

/** The live worktrees inside path, each described with who made it and its branch or commit. */
async function nestedWorktrees(repo: string, path: string): Promise<string[]> {
  const all = (await listWorktrees(repo)).filter((w) => !w.prunable);
  const inside = new Set(nestedIn(path, all));
  return all.filter((w) => inside.has(nestedIn(path, [w])[0] ?? '')).map((w) => {
    const made = worktreeMaker(w.path, w.branch);
    return `${w.path} (${made.by === 'git' ? '' : `made by ${made.by}, `}${w.branch ? `branch ${w.branch}` : `detached at ${w.head?.slice(0, 12) ?? '?'}`})`;
  });
}

/** The main checkout of a worktree whose folder is gone, found from the checkout it was made from; null if that is gone too. */
async function repoOfMissingWorktree(agent: AgentRecord): Promise<string | null> {
  if (!agent.source || !existsSync(agent.source)) return null;
  return mainCheckoutOf(agent.source);
}

/** The commit a local branch points at, or null when there is no such branch. */
async function branchTip(repo: string, branch: string): Promise<string | null> {
  return (await gitRaw(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { okExitCodes: [1] })).trim() || null;
}
