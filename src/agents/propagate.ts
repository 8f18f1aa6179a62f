// `propagate REV`: the domain steps around git/propagate.ts's one pick, callable from the CLI (which
// runs them today) or the daemon: which commits the fix repairs, which agents receive it, and one
// pick per worktree. Each pick is guarded per worktree by its marker (git/interrupted-pick.ts), which
// the daemon's own fix delivery honours too, so the two never pick into one worktree at once.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AgentRecord } from '../core/agent.js';
import { usageError } from '../errors.js';
import { bugCommitsOf } from '../git/bug-commits.js';
import { propagateInto, SETTLED, type PropagateResult } from '../git/propagate.js';
import { requireCommit } from '../git/where.js';
import { commonGitDir, listWorktrees } from '../git/worktree.js';

/** Who receives the fix: every agent of the repository with a worktree of its own, or the named ones (an agent, or a worktree's folder resolved against cwd). */
export type Receivers = { all: true } | { all: false; to: readonly string[]; cwd?: string };

/** A worktree that receives the fix, and the agent working there (null: a worktree no agent works in, such as Claude's -w or codex --worktree). */
export interface Receiver { name: string | null; path: string }

/** The commits the fix repairs: those given, else the commits its removed lines were written in. */
export async function bugsOf(repo: string, commit: string, given: readonly string[]): Promise<string[]> {
  // Worktrees that lack these never had the bug: not-needed there, rather than a conflict.
  return given.length ? Promise.all(given.map((b) => requireCommit(repo, b))) : bugCommitsOf(repo, commit);
}

/** The worktrees (of the live agents, or named by folder) that receive a fix made in repo, as receivers asks. */
export async function receiversOf(repo: string, agents: readonly AgentRecord[], receivers: Receivers): Promise<Receiver[]> {
  const live = agents.filter((a) => a.state !== 'gone' && a.worktree);
  if (!receivers.all) {
    const cwd = receivers.cwd ?? process.cwd();
    const named = receivers.to.map((ref) => live.find((x) => x.id === ref || x.name === ref) ?? ref);
    // Only a name that is no agent but an existing folder is looked for among the worktrees (git asked once, and only then).
    const worktrees = named.some((x) => typeof x === 'string' && existsSync(resolve(cwd, x))) ? (await listWorktrees(repo)).filter((w) => !w.bare && !w.prunable) : [];
    return named.map((x) => {
      if (typeof x !== 'string') return { name: x.name, path: x.worktree!.path };
      const folder = resolve(cwd, x);
      const real = existsSync(folder) ? realpathSync(folder) : folder;
      const w = worktrees.find((t) => t.path === folder || t.path === real);
      if (w) return { name: live.find((a) => a.worktree?.path === w.path)?.name ?? null, path: w.path };
      throw usageError('AGENT_NOT_FOUND', `No live agent with a worktree is called "${x}", and no worktree of ${repo} is there.`, 'Run `tmuxcodex list` for the agents, `git worktree list` for the worktrees.');
    });
  }
  // --all: agents of this repository with a worktree of their own (never a shared or existing
  // one, which may be the user's own checkout).
  const repoDir = await commonGitDir(repo);
  const own: Receiver[] = [];
  for (const a of live) if (a.worktree!.mode === 'new' && (await commonGitDir(a.worktree!.path)) === repoDir) own.push({ name: a.name, path: a.worktree!.path });
  return own;
}

/** Picks commit into each receiver's worktree in turn; agents that share a worktree get it once. */
export async function propagateToAgents(receivers: readonly Receiver[], commit: string, bugs: readonly string[]): Promise<PropagateResult[]> {
  const seen = new Set<string>();
  const results: PropagateResult[] = [];
  for (const r of receivers) {
    if (seen.has(r.path)) continue;
    seen.add(r.path);
    results.push(await propagateInto(r.path, r.name, commit, bugs));
  }
  return results;
}

/** Whether every worktree is settled (applied, already or not-needed): a conflict, a skip or an error is not done. */
export function allSettled(results: readonly PropagateResult[]): boolean {
  return results.every((r) => SETTLED.has(r.outcome));
}
