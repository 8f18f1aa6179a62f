// An agent's state and a teardown's outcome in words, shared by the commands that print them
// (list and wait; kill, merge and clean).
import { existsSync } from 'node:fs';
import type { AgentRecord } from '../core/agent.js';
import type { KillResult } from '../daemon/protocol.js';

/** The agent's state for people: "exited(1)", "idle, worktree deleted". */
export function stateText(a: AgentRecord): string {
  const state = a.state === 'exited' ? `exited(${a.exitCode ?? '?'})` : a.state;
  // A worktree folder deleted by hand: the program may still run, but it works nowhere.
  const shown = worktreeMissing(a) ? `${state}, worktree deleted` : state;
  // The person quit the agent's CLI and runs something else in its pane.
  return a.paneRuns ? `${shown}, runs ${a.paneRuns}` : shown;
}

/** True if the agent's own worktree folder (on this machine) no longer exists. */
function worktreeMissing(a: AgentRecord): boolean {
  return a.state !== 'gone' && a.worktree !== null && a.worktree.mode !== 'shared' && !existsSync(a.worktree.path);
}

/** What a kill (or merge, or clean) did with an agent's work, worktree and branch, for people. */
export function teardownLines(res: KillResult, forced = false): string[] {
  const lines: string[] = [];
  if (res.archive) lines.push(`  saved ${res.archive.files} changed file(s) as archive ${res.archive.id} (${res.archive.ref}); bring them back with: tmuxcodex archive restore ${res.archive.id}`);
  if (res.removed.worktree) lines.push(`  removed worktree ${res.removed.worktree}`);
  if (res.removed.branch) lines.push(`  deleted branch ${res.removed.branch}${forced ? '' : ' (merged into its target)'}`);
  else if (res.removed.worktree && res.agent.branch) lines.push(`  kept branch ${res.agent.branch} (not merged into ${res.agent.target ?? 'its target'}; --force deletes it)`);
  if (res.kept) lines.push(`  kept the worktree: ${res.kept}`);
  return lines;
}
