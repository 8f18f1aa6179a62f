// A branch tmuxcodex created for an agent, kept when the agent went because it was not merged:
// marked in the repository (git/kept-branches.ts) so that the map keeps showing the unlanded work,
// and `clean` says what to do with it, after the agent's record is gone.
import { existsSync } from 'node:fs';
import type { AgentRecord } from '../core/agent.js';
import { listKeptBranches, markKeptBranch } from '../git/kept-branches.js';
import { mergedState, type Merged } from '../git/mergemap.js';
import { branchExists, defaultBranch, mainCheckoutOf } from '../git/worktree.js';

/** After a kill: marks the agent's branch as kept when tmuxcodex made it and it is still there. */
export async function markIfKept(agent: AgentRecord, removedBranch: string | null): Promise<void> {
  if (!agent.branchCreated || !agent.branch || removedBranch === agent.branch) return;
  const dir = [agent.source, agent.worktree?.path, agent.cwd].find((d): d is string => !!d && existsSync(d));
  if (!dir) return;
  const repo = await mainCheckoutOf(dir);
  if (await branchExists(repo, agent.branch)) await markKeptBranch(repo, agent.name, agent.branch);
}

export interface KeptAdvice { agent: string; branch: string; target: string | null; merged: Merged; reason: string }

/** What `clean` says of each kept branch of the repository around dir: merged or not, and what to do. */
export async function keptBranchAdvice(dir: string): Promise<KeptAdvice[]> {
  const repo = await mainCheckoutOf(dir);
  const target = await defaultBranch(repo);
  const out: KeptAdvice[] = [];
  for (const k of await listKeptBranches(repo)) {
    const merged = target && (await branchExists(repo, target)) ? await mergedState(repo, k.branch, target) : 'no';
    const reason = merged === 'no'
      ? `its agent is gone and the branch is not merged${target ? ` into ${target}` : ''}: land it (git merge ${k.branch}, or tmuxcodex ship --to TARGET), or delete it (git branch -D ${k.branch})`
      : `its agent is gone and the branch is merged into ${target}: git branch -d ${k.branch} removes it`;
    out.push({ agent: k.agent, branch: k.branch, target, merged, reason });
  }
  return out;
}
