// Landing a branch on its target locally: merge, squash, rebase or fast-forward. Checks come first
// (the merge map predicts conflicts before anything is written); where the target is checked out
// in a clean worktree git merges there, else the new commit is made without any worktree
// (merge-tree + commit-tree) and the ref moves by compare-and-swap. A failure leaves every branch
// and worktree as it was, except that what it wrote in a checkout and was changed there since stays.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { failure, usageError } from '../errors.js';
import { ProcessError } from '../proc/run.js';
import { computeMergeMap, mergeTrees, type MapCell } from './mergemap.js';
import { changedPaths, filesInTheWay, landingTree } from './landing-writes.js';
import { readRefs } from './refs-snapshot.js';
import { describeUndo, undoLanding } from './undo-landing.js';
import { gitRaw, listWorktrees, operationInProgress, type Worktree } from './worktree.js';

export type LandMethod = 'merge' | 'squash' | 'rebase' | 'ff-only';

export interface LandRequest {
  branch: string;
  target: string;
  method: LandMethod;
  /** The commit message (merge and squash); the first line is the subject. */
  message: string;
}

export interface LandResult {
  target: string;
  method: LandMethod;
  /** The target's tip before and after. */
  before: string;
  after: string;
  /** The clean worktree where git merged, or null when the commit was made without one. */
  checkout: string | null;
  /** The branch's tip whose work was landed (before any rebase). */
  branchTip: string;
}

const git = async (dir: string, args: readonly string[], input?: string) => (await gitRaw(dir, args, { input, timeoutMs: 120_000 })).trim();

/** Why git failed, in its own words (its last lines of stderr). */
function gitSays(e: unknown): string {
  return e instanceof ProcessError ? e.stderr.trim().split('\n').slice(-3).join(' ') || e.message : (e as Error).message;
}

/** Checks a landing can go ahead: both branches exist, there is work, no conflict. Returns the map cell. */
async function check(repo: string, r: LandRequest): Promise<MapCell> {
  const refs = await readRefs(repo);
  if (!refs.has(`refs/heads/${r.target}`)) {
    if (refs.has(`refs/remotes/${r.target}`)) throw usageError('TARGET_NOT_LOCAL', `"${r.target}" is a remote-tracking branch; a local merge needs a local branch.`, `Open a pull request instead (tmuxcodex pr), or merge into a local branch with --into.`);
    throw usageError('UNKNOWN_TARGET', `The target "${r.target}" is not a branch in ${repo}.`, 'Check the agent\'s target (tmuxcodex list) or give --into BRANCH (git branch lists them).');
  }
  if (!refs.has(`refs/heads/${r.branch}`)) throw usageError('BRANCH_GONE', `The branch "${r.branch}" no longer exists.`, 'Nothing to merge; `tmuxcodex kill` the agent to tidy up.');
  const map = await computeMergeMap(repo, [r.target], [{ branch: r.branch, worktree: null, agent: r.branch }], { worktreeRows: false, pairs: false });
  const cell = map.rows[0]?.targets[r.target];
  if (!cell) throw failure('MAP_FAILED', `Could not compare ${r.branch} with ${r.target}.`);
  if (cell.ahead === 0) throw usageError('NOTHING_TO_MERGE', `${r.branch} has no commits that ${r.target} lacks.`, 'Commit the work first (an agent\'s uncommitted changes are not merged).');
  if (cell.merged !== 'no') throw usageError('ALREADY_MERGED', `${r.branch} is already in ${r.target} (${cell.merged === 'patch' ? 'cherry-picked' : cell.merged === 'squash' ? 'squash-merged' : 'merged'}).`, 'Nothing to do; `tmuxcodex clean` tidies merged agents away.');
  if (r.method === 'ff-only' && cell.behind > 0) throw failure('NOT_FAST_FORWARD', `${r.target} has ${cell.behind} commit(s) that ${r.branch} lacks, so it cannot be fast-forwarded.`, 'Use --rebase or --squash, or merge (the default).');
  if (r.method !== 'rebase' && cell.conflicts.length) {
    throw failure('MERGE_CONFLICT', `Merging ${r.branch} into ${r.target} would conflict in: ${cell.conflicts.join(', ')}. Nothing was changed.`, `Bring ${r.target} into the agent's branch and resolve there (ask the agent), then merge again.`);
  }
  return cell;
}

/** The worktree that has target checked out, if any. */
async function checkoutOf(repo: string, target: string): Promise<Worktree | null> {
  return (await listWorktrees(repo)).find((w) => w.branch === target && !w.bare && !w.prunable) ?? null;
}

/** Tracked files with uncommitted changes in a worktree (untracked files do not stop a merge: git refuses to overwrite them itself). */
async function trackedChanges(worktree: string): Promise<number> {
  return (await gitRaw(worktree, ['status', '--porcelain', '-z', '--untracked-files=no'])).split('\0').filter(Boolean).length;
}

/** Removes throwaway rebase worktrees left by a merge that was killed halfway (older than ten minutes). */
async function removeLeftovers(repo: string): Promise<void> {
  const old = Date.now() - 10 * 60_000;
  for (const w of await listWorktrees(repo)) {
    if (!/\/tmuxcodex-rebase-[^/]+\/wt$/.test(w.path) || !w.path.startsWith(tmpdir())) continue;
    const dir = dirname(w.path);
    if (existsSync(dir) && statSync(dir).mtimeMs > old) continue;
    await git(repo, ['worktree', 'remove', '--force', w.path]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  await git(repo, ['worktree', 'prune']).catch(() => {});
}

/** Rebases branch's commits onto target in a throwaway detached worktree; returns the new tip. */
async function rebasedTip(repo: string, r: LandRequest): Promise<string> {
  await removeLeftovers(repo);
  const dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-rebase-'));
  const path = join(dir, 'wt');
  try {
    await git(repo, ['worktree', 'add', '--quiet', '--detach', path, `refs/heads/${r.branch}`]);
    try {
      await git(path, ['rebase', '--quiet', `refs/heads/${r.target}`]);
    } catch (e) {
      await git(path, ['rebase', '--abort']).catch(() => {});
      throw failure('REBASE_CONFLICT', `Rebasing ${r.branch} onto ${r.target} stopped on a conflict: ${gitSays(e)}. Nothing was changed.`, 'Merge instead (the default) or --squash, or resolve in the agent\'s worktree first.');
    }
    return await git(path, ['rev-parse', 'HEAD']);
  } finally {
    await git(repo, ['worktree', 'remove', '--force', path]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await git(repo, ['worktree', 'prune']).catch(() => {});
  }
}

/** Makes the landing commit without any worktree: the merged tree from merge-tree, then commit-tree. */
async function commitWithoutWorktree(repo: string, r: LandRequest, before: string, tip: string): Promise<string> {
  if (r.method === 'ff-only' || r.method === 'rebase') return tip;
  const [m] = await mergeTrees(repo, [[before, tip]]);
  if (!m?.clean) throw failure('MERGE_CONFLICT', `Merging ${r.branch} into ${r.target} would conflict in: ${m?.conflicts.join(', ') ?? '?'}. Nothing was changed.`);
  const parents = r.method === 'merge' ? ['-p', before, '-p', tip] : ['-p', before];
  try {
    return await git(repo, ['commit-tree', m.tree, ...parents, '-F', '-'], r.message + '\n');
  } catch (e) {
    throw failure('COMMIT_FAILED', `git could not make the ${r.method} commit: ${gitSays(e)}. ${r.target} was left as it was.`, 'Set user.name and user.email (git config) if git asks who you are, then merge again.');
  }
}

/**
 * Merges in the worktree that has the target checked out (clean when checked). On failure only what
 * the landing itself wrote there is undone: a person may have edited files meanwhile.
 */
async function landInCheckout(w: Worktree, r: LandRequest, before: string, tip: string, landed: string): Promise<void> {
  const steps: string[][] = r.method === 'merge' ? [['merge', '--no-ff', '--quiet', '-m', r.message, tip]]
    : r.method === 'squash' ? [['merge', '--squash', '--quiet', tip], ['commit', '--quiet', '-F', '-']]
      : [['merge', '--ff-only', '--quiet', tip]]; // ff-only, and rebase's rebased tip
  try {
    for (const args of steps) await git(w.path, args, args[0] === 'commit' ? r.message + '\n' : undefined);
  } catch (e) {
    const undo = await undoLanding(w.path, before, landed).then((u) => describeUndo(u, w.path), (u: unknown) => `Undoing it failed (${gitSays(u)}): see git status there.`);
    throw failure('MERGE_FAILED', `git could not ${r.method === 'squash' ? 'squash-merge' : 'merge'} ${r.branch} into ${r.target} in ${w.path}: ${gitSays(e)}. ${r.target} was not moved. ${undo}`, 'Fix what git names (an untracked file in the way, a failing hook, no user.name/user.email), then merge again.');
  }
}

/** Refuses a landing that would overwrite files on disk in the checkout (git-ignored ones: git itself would not stop). */
async function refuseFilesInTheWay(w: Worktree, r: LandRequest, before: string, landed: string): Promise<void> {
  const inTheWay = await filesInTheWay(w.path, await changedPaths(w.path, before, landed));
  if (inTheWay.length) throw failure('FILES_IN_THE_WAY', `Merging ${r.branch} into ${r.target} would overwrite ${inTheWay.length} file(s) in ${w.path} that git does not track (git-ignored ones included): ${inTheWay.join(', ')}. Nothing was changed.`, `Move them aside there (or remove them from ${r.branch}), then merge again.`);
}

/** Lands branch on target as asked; see the file comment for where and how. */
export async function landBranch(repo: string, r: LandRequest): Promise<LandResult> {
  await check(repo, r);
  const checkout = await checkoutOf(repo, r.target);
  if (checkout) {
    const op = operationInProgress(checkout.path);
    if (op) throw failure('TARGET_BUSY', `${r.target} is checked out in ${checkout.path}, which is in the middle of a ${op}.`, 'Finish or abort it there, then merge again.');
    const changed = await trackedChanges(checkout.path);
    // Moving a branch under a checkout with uncommitted changes would mix the merge into them.
    if (changed) throw failure('TARGET_CHECKOUT_DIRTY', `${r.target} is checked out in ${checkout.path} with ${changed} uncommitted change(s); tmuxcodex does not merge into a checkout with work in it.`, `Commit or stash there, or check another branch out there, then merge again.`);
  }
  const before = await git(repo, ['rev-parse', '--verify', `refs/heads/${r.target}`]);
  const branchTip = await git(repo, ['rev-parse', '--verify', `refs/heads/${r.branch}`]);
  const tip = r.method === 'rebase' ? await rebasedTip(repo, r) : branchTip;
  if (checkout) {
    const landed = await landingTree(repo, before, tip, r.method === 'ff-only' || r.method === 'rebase');
    if (!landed) throw failure('MERGE_CONFLICT', `Merging ${r.branch} into ${r.target} would conflict. Nothing was changed.`, `Bring ${r.target} into the agent's branch and resolve there, then merge again.`);
    await refuseFilesInTheWay(checkout, r, before, landed);
    await landInCheckout(checkout, r, before, tip, landed);
  } else {
    const after = await commitWithoutWorktree(repo, r, before, tip);
    try {
      // Compare-and-swap: if the target moved meanwhile, nothing is overwritten.
      await git(repo, ['update-ref', '-m', `tmuxcodex: ${r.method} ${r.branch}`, `refs/heads/${r.target}`, after, before]);
    } catch (e) {
      throw failure('TARGET_MOVED', `${r.target} moved while ${r.branch} was being merged; nothing was changed: ${gitSays(e)}`, 'Run the merge again.');
    }
  }
  const after = await git(repo, ['rev-parse', '--verify', `refs/heads/${r.target}`]);
  return { target: r.target, method: r.method, before, after, checkout: checkout?.path ?? null, branchTip };
}
