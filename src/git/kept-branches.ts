// Branches tmuxcodex created for an agent that is gone while the branch was kept (not merged):
// unlanded work that must stay in the map until it is merged or deleted. Each is marked by a ref
// refs/tmuxcodex/kept/<agent>/<branch> in the repository itself, so the marker lives as long as the
// repository does (not the daemon's journal) and `git for-each-ref` lists them all in one process.
import { gitRaw } from './worktree.js';

export const KEPT_PREFIX = 'refs/tmuxcodex/kept/';

export interface KeptBranch { agent: string; branch: string; ref: string }

/** Marks branch as kept for agent (at its current tip); nothing when the branch is gone. */
export async function markKeptBranch(repo: string, agent: string, branch: string): Promise<void> {
  const tip = (await gitRaw(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { okExitCodes: [1] })).trim();
  if (tip) await gitRaw(repo, ['update-ref', `${KEPT_PREFIX}${agent}/${branch}`, tip]);
}

/** Every marked branch that still exists (markers of deleted branches are left out). */
export async function listKeptBranches(repo: string): Promise<KeptBranch[]> {
  const out = await gitRaw(repo, ['for-each-ref', '--format=%(refname)', KEPT_PREFIX]);
  const heads = new Set((await gitRaw(repo, ['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads/'])).split('\n').filter(Boolean));
  const kept: KeptBranch[] = [];
  for (const ref of out.split('\n').filter(Boolean)) {
    // An agent name has no '/': the rest of the ref is the branch, which may.
    const rest = ref.slice(KEPT_PREFIX.length);
    const slash = rest.indexOf('/');
    if (slash < 1) continue;
    const branch = rest.slice(slash + 1);
    if (heads.has(branch)) kept.push({ agent: rest.slice(0, slash), branch, ref });
  }
  return kept;
}
