// Where a spawned agent works: its parent's or the caller's worktree (shared), an existing one, or
// a new one made now. For a new one the repository is asked about once, here, and its facts are
// handed down to the name and the plan. Runs in the daemon, where git is already warm, so the
// `spawn` command itself starts no subprocess.
import { realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentRecord, WorktreeMode } from '../core/agent.js';
import { usageError } from '../errors.js';
import { currentBranch, repoFacts, worktreeRoot } from '../git/repo.js';
import { spawnLockReason, type SpawnIntents } from './spawn-intents.js';
import { freeDefaultName, makeWorktree, planWorktreeIn, type NewWorktreeRequest } from './new-worktree.js';

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

/** What to take back if a spawn fails half way, last first: nothing is left half created. */
export type Undo = Array<() => Promise<unknown>>;

/** The part of a spawn's deps (spawn.ts SpawnDeps) that choosing a worktree uses. */
export interface WorktreeDeps {
  takenNames: Set<string>;
  parent: (ref: string) => AgentRecord;
  intents?: SpawnIntents;
}

/** The part of a spawn's request (spawn-params.ts SpawnParams) that choosing a worktree reads. */
export interface WorktreeAsk {
  worktree: WorktreeRequest | NewWorktreeRequest;
  /** The name asked for; null: a default name was picked. */
  name: string | null;
  profile: string;
  parentId: string | null;
  target: string | null;
}

export interface ChosenWorktree {
  /** The agent's name: the one asked for, or a default that no kept branch or folder holds. */
  name: string;
  worktree: { path: string; mode: WorktreeMode };
  branch: string | null;
  branchCreated: boolean;
  base: string | null;
  target: string | null;
  source: string | null;
  /** Where clone snapshots live (beside new worktrees); null when nothing is provisioned. */
  snapshotRoot: string | null;
}

/** The agent's worktree and final name; what it made goes on undo, what ends its intent on finished. */
export async function chooseWorktree(deps: WorktreeDeps, params: WorktreeAsk, name: string, undo: Undo, finished: Array<() => void>): Promise<ChosenWorktree> {
  const req = params.worktree;
  if (req.mode !== 'new') {
    const parent = params.parentId ? deps.parent(params.parentId) : null;
    if (req.mode === 'shared' && parent?.worktree) {
      return { name, worktree: { path: parent.worktree.path, mode: 'shared' }, branch: parent.branch, branchCreated: false, base: parent.base, target: parent.target ?? params.target, source: parent.source, snapshotRoot: null };
    }
    const { worktree, branch } = await resolveWorktree(req);
    return { name, worktree: { ...worktree, path: realpathSync(worktree.path) }, branch, branchCreated: false, base: null, target: params.target, source: null, snapshotRoot: null };
  }
  const repo = await repoFacts(req.path);
  if (params.name === null && repo) name = await freeDefaultName(repo, req, params.profile, name, deps.takenNames);
  const plan = await planWorktreeIn(repo, req, name, params.target);
  // Written down first: a daemon killed from here until the agent is recorded leaves this behind,
  // and the next one undoes the half-made worktree (SpawnIntents.recover).
  const intent = deps.intents?.begin({ source: plan.source, path: plan.path, branch: plan.branch, create: plan.create, baseCommit: plan.baseCommit });
  if (intent) undo.push(async () => deps.intents!.end(intent));
  undo.push(await makeWorktree(plan, intent ? spawnLockReason(intent) : undefined));
  if (intent) await deps.intents!.claim(intent, plan.path);
  if (intent) finished.push(() => deps.intents!.end(intent));
  // Recorded by its real path: a symlinked worktrees.root must not make one worktree look like two.
  const path = realpathSync(plan.path);
  const snapshotRoot = join(dirname(path), '.tmuxcodex-snapshots');
  return { name, worktree: { path, mode: 'new' }, branch: plan.branch, branchCreated: plan.create, base: plan.baseCommit, target: plan.target, source: plan.source, snapshotRoot };
}
