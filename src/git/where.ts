// `where REV`: which worktrees and branches contain a commit, contain an equivalent patch, or lack it.
import { usageError } from '../errors.js';
import { gitRaw, listWorktrees, resolveCommit } from './worktree.js';
import { worktreeMaker, type MakerFacts } from './worktree-maker.js';
import { dirtyCount } from './mergemap.js';

export type Presence = 'contains' | 'equivalent' | 'lacks';

export interface WhereRow {
  branch: string | null; worktree: string | null; agent: string | null; status: Presence;
  /** The commit the worktree has checked out: a detached one (codex --worktree) is named by it. */
  head: string | null;
  /** Who made a worktree no agent works in (claude, codex, git) and the name it gave; null for agents'. */
  madeBy: MakerFacts | null;
  /** Uncommitted and untracked files, worktrees nested in it left out; null when git could not say. */
  dirty: number | null;
}

/** The commit REV names, or a usage error that says what to give instead. */
export async function requireCommit(repo: string, rev: string): Promise<string> {
  const sha = await resolveCommit(repo, rev);
  if (!sha) throw usageError('UNKNOWN_REV', `"${rev}" does not name a commit in ${repo}.`, 'Give a commit id, branch or tag (git log --oneline shows them).');
  return sha;
}

/** Whether tip contains commit, has a patch-equivalent of it (cherry-picked), or lacks it. */
export async function presence(repo: string, commit: string, tip: string): Promise<Presence> {
  try {
    await gitRaw(repo, ['merge-base', '--is-ancestor', commit, tip]);
    return 'contains';
  } catch { /* not an ancestor */ }
  // git cherry UPSTREAM HEAD LIMIT: "-" when UPSTREAM has a commit with the same patch.
  const out = (await gitRaw(repo, ['cherry', tip, commit, `${commit}^`]).catch(() => '')).trim();
  return out.startsWith('-') ? 'equivalent' : 'lacks';
}

/** Every worktree (by its HEAD) and every agent branch without a worktree row, against commit. */
export async function whereIs(repo: string, commit: string, agents: ReadonlyArray<{ name: string; branch: string | null; worktree: string | null }>): Promise<WhereRow[]> {
  const all = await listWorktrees(repo);
  const worktrees = all.filter((w) => !w.bare && !w.prunable);
  const rows: WhereRow[] = [];
  // One worktree at a time, as before: a repository with many worktrees must not start dozens of gits at once.
  for (const w of worktrees) {
    const agent = agents.find((a) => a.worktree === w.path);
    const [status, dirty] = await Promise.all([presence(repo, commit, w.head ?? 'HEAD'), dirtyCount(w.path, all).catch(() => null)]);
    rows.push({ branch: w.branch, worktree: w.path, agent: agent?.name ?? null, status, head: w.head, madeBy: agent ? null : worktreeMaker(w.path, w.branch), dirty });
  }
  return rows;
}
