// The map's rows for live agents: one per worktree, naming every agent that works in it (an
// integrator and the helpers that share its worktree are one branch, so one row), with the
// target of the first of them, whose column the row marks as its own. With no agents (and no
// daemon), the CLI computes the map of the targets alone itself.
import type { AgentRecord } from '../core/agent.js';
import { usageError } from '../errors.js';
import { computeMergeMap, type MergeMap, type RowSource } from '../git/mergemap.js';
import { worktreeRoot } from '../git/repo.js';
import { defaultBranch } from '../git/worktree.js';

/** Rows for agents (all with a worktree), oldest agent first in each; ordered by their first agent. */
export function mapRowSources(agents: readonly AgentRecord[]): RowSource[] {
  const byWorktree = new Map<string, AgentRecord[]>();
  for (const a of [...agents].sort((x, y) => x.createdAt.localeCompare(y.createdAt))) {
    const path = a.worktree!.path;
    byWorktree.set(path, [...(byWorktree.get(path) ?? []), a]);
  }
  return [...byWorktree].map(([path, group]) => {
    const first = group[0]!;
    return { branch: first.branch, worktree: path, agent: first.name, agents: group.map((a) => a.name), base: first.base, target: first.target };
  });
}

/** The map when no daemon runs and no agents exist: the targets with no rows, as the daemon would answer. */
export async function mapWithoutAgents(cwd: string, targets: readonly string[]): Promise<MergeMap> {
  const repo = await worktreeRoot(cwd);
  if (!repo) throw usageError('NOT_IN_GIT_REPO', `${cwd} is not inside a git repository.`, 'Run `tmuxcodex map` inside the repository.');
  return computeMergeMap(repo, targets.length ? targets : [(await defaultBranch(repo)) ?? 'main'], []);
}
