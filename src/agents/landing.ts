// What landing an agent's work needs to know about the agent: its repository, the branch it works
// on now, its target; the commit message drawn from its task and commits; and whether `clean` may
// tidy it away.
import { existsSync } from 'node:fs';
import type { AgentRecord } from '../core/agent.js';
import { usageError } from '../errors.js';
import type { LandMethod } from '../git/land.js';
import { mergedState, type Merged } from '../git/mergemap.js';
import { pickedVerbatim } from '../git/verbatim-merged.js';
import { branchExists, defaultBranch, gitRaw, mainCheckoutOf } from '../git/worktree.js';

/** The repository, branch and target to land an agent's work with; clear errors when there are none. */
export async function landingFacts(agent: AgentRecord, into: string | null): Promise<{ repo: string; branch: string; target: string }> {
  const dir = [agent.worktree?.path, agent.cwd].find((d): d is string => !!d && existsSync(d));
  if (!dir) throw usageError('WORKTREE_GONE', `Agent "${agent.name}" has no folder left to merge from.`, 'Its branch can still be merged with git itself.');
  const repo = await mainCheckoutOf(dir);
  let branch = agent.branch;
  if (agent.worktree && existsSync(agent.worktree.path)) {
    // The branch checked out there now: the agent may have switched, or detached its HEAD.
    const head = (await gitRaw(agent.worktree.path, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [1] })).trim();
    if (!head) {
      const at = (await gitRaw(agent.worktree.path, ['rev-parse', '--short', 'HEAD'])).trim();
      throw usageError('DETACHED_HEAD', `Agent "${agent.name}"'s worktree ${agent.worktree.path} is on a detached HEAD (at ${at}): its commits are on no branch.`, `Put them on a branch there first: git -C ${agent.worktree.path} switch -c NAME (or switch back to ${agent.branch ?? 'its branch'}).`);
    }
    branch = head;
  }
  if (!branch) throw usageError('NO_BRANCH', `Agent "${agent.name}" works on no branch.`, 'Only agents with a branch of their own can be merged.');
  const target = into ?? agent.target ?? (await defaultBranch(repo));
  if (!target) throw usageError('NO_TARGET', `Agent "${agent.name}" has no target and the repository has no default branch.`, 'Give --into BRANCH.');
  if (target === branch) throw usageError('SAME_BRANCH', `Agent "${agent.name}" works on ${branch} itself, which is the target.`, 'Give --into another branch.');
  return { repo, branch, target };
}

/** The commits branch has that target lacks, oldest first, as "subject" lines. */
async function subjects(repo: string, branch: string, target: string): Promise<string[]> {
  const out = await gitRaw(repo, ['log', '--reverse', '--format=%s', `refs/heads/${target}..refs/heads/${branch}`]);
  return out.split('\n').filter(Boolean);
}

/** The merge or squash commit's message, from the agent's task and its commits. */
export async function landingMessage(repo: string, agent: AgentRecord, branch: string, target: string, method: LandMethod): Promise<string> {
  const task = agent.task?.trim().split('\n')[0]?.slice(0, 72) ?? null;
  const origin = `Agent ${agent.name}${task ? `: ${task}` : ''} (landed by tmuxcodex)`;
  if (method === 'merge') return `Merge branch '${branch}' into ${target}\n\n${origin}`;
  if (method !== 'squash') return '';
  const commits = await subjects(repo, branch, target);
  const subject = commits.length === 1 ? commits[0]! : (task ?? `${branch}: ${commits.length} commits`);
  return `${subject}\n\n${origin}\n\nSquashed from ${branch}:\n${commits.map((c) => `- ${c}`).join('\n')}`;
}

/** Whether `clean` may tidy an agent away: its own worktree and branch, merged into its target. */
export async function cleanVerdict(agent: AgentRecord): Promise<{ merged: Merged; target: string | null; reason: string | null }> {
  const kept = (reason: string, target: string | null = agent.target) => ({ merged: 'no' as const, target, reason });
  if (agent.worktree?.mode !== 'new') return kept('no worktree of its own');
  if (!agent.branch) return kept('no branch');
  const dir = [agent.worktree.path, agent.source, agent.cwd].find((d): d is string => !!d && existsSync(d));
  if (!dir) return kept('its repository is not found');
  const repo = await mainCheckoutOf(dir);
  if (!(await branchExists(repo, agent.branch))) return kept(`its branch ${agent.branch} no longer exists`);
  const target = agent.target ?? (await defaultBranch(repo));
  if (!target || !(await branchExists(repo, target))) return kept(`its target ${target ?? '(none)'} is not a branch`, target);
  if ((await gitRaw(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${agent.branch}`], { okExitCodes: [1] })).trim() === agent.base) {
    return kept('no commits yet: nothing to land (`tmuxcodex kill` removes it)', target);
  }
  const merged = await mergedState(repo, agent.branch, target, agent.base);
  // The map's patch ids ignore whitespace: a branch deleted as picked must be in the target byte for byte.
  if (merged === 'patch' && !(await pickedVerbatim(repo, agent.branch, target))) return kept(`its commits are in ${target} only up to whitespace`, target);
  return merged === 'no' ? kept(`not merged into ${target}`, target) : { merged, target, reason: null };
}
