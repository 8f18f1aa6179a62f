// `propagate REV`: the domain steps around git/propagate.ts's one pick, callable from the CLI (which
// runs them today) or the daemon: which commits the fix repairs, which agents receive it, and one
// pick per worktree. Each pick is guarded per worktree by its marker (git/interrupted-pick.ts), which
// the daemon's own fix delivery honours too, so the two never pick into one worktree at once.
import type { AgentRecord } from '../core/agent.js';
import { usageError } from '../errors.js';
import { bugCommitsOf } from '../git/bug-commits.js';
import { propagateInto, SETTLED, type PropagateResult } from '../git/propagate.js';
import { requireCommit } from '../git/where.js';
import { commonGitDir } from '../git/worktree.js';

/** Who receives the fix: every agent of the repository with a worktree of its own, or the named ones. */
export type Receivers = { all: true } | { all: false; to: readonly string[] };

/** The commits the fix repairs: those given, else the commits its removed lines were written in. */
export async function bugsOf(repo: string, commit: string, given: readonly string[]): Promise<string[]> {
  // Worktrees that lack these never had the bug: not-needed there, rather than a conflict.
  return given.length ? Promise.all(given.map((b) => requireCommit(repo, b))) : bugCommitsOf(repo, commit);
}

/** The live agents (of agents) that receive a fix made in repo, as receivers asks. */
export async function receiversOf(repo: string, agents: readonly AgentRecord[], receivers: Receivers): Promise<AgentRecord[]> {
  const live = agents.filter((a) => a.state !== 'gone' && a.worktree);
  if (!receivers.all) {
    return receivers.to.map((ref) => {
      const a = live.find((x) => x.id === ref || x.name === ref);
      if (!a) throw usageError('AGENT_NOT_FOUND', `No live agent with a worktree is called "${ref}".`, 'Run `tmuxcodex list` to see them.');
      return a;
    });
  }
  // --all: agents of this repository with a worktree of their own (never a shared or existing
  // one, which may be the user's own checkout).
  const repoDir = await commonGitDir(repo);
  const own: AgentRecord[] = [];
  for (const a of live) if (a.worktree!.mode === 'new' && (await commonGitDir(a.worktree!.path)) === repoDir) own.push(a);
  return own;
}

/** Picks commit into each receiver's worktree in turn; agents that share a worktree get it once. */
export async function propagateToAgents(receivers: readonly AgentRecord[], commit: string, bugs: readonly string[]): Promise<PropagateResult[]> {
  const seen = new Set<string>();
  const results: PropagateResult[] = [];
  for (const a of receivers) {
    if (seen.has(a.worktree!.path)) continue;
    seen.add(a.worktree!.path);
    results.push(await propagateInto(a.worktree!.path, a.name, commit, bugs));
  }
  return results;
}

/** Whether every worktree is settled (applied, already or not-needed): a conflict, a skip or an error is not done. */
export function allSettled(results: readonly PropagateResult[]): boolean {
  return results.every((r) => SETTLED.has(r.outcome));
}
