// `fix --from AGENT`: a bug seen inside AGENT's worktree is fixed from AGENT's target, not from that
// worktree. This plans the fix agent (its name, branch point, task and profile); spawning it and
// delivering its commits are the daemon's (spawn, and the fix watcher).
import type { AgentRecord } from '../core/agent.js';
import { usageError } from '../errors.js';
import { defaultBranch } from '../git/worktree.js';

export interface FixAsk { from: string; name: string | null; task: string | null; profile: string | null; all: boolean }

/** The fix agent to spawn for a bug seen in ask.from's worktree. */
export interface FixPlan { forAgent: AgentRecord; worktree: string; name: string; target: string; task: string; profile: string }

/** Plans the fix agent among agents (the daemon's list): refuses an agent that is gone or has no worktree, or no target to fix from. */
export async function planFix(agents: readonly AgentRecord[], ask: FixAsk): Promise<FixPlan> {
  const agent = agents.find((a) => a.id === ask.from || a.name === ask.from);
  if (!agent || agent.state === 'gone' || !agent.worktree) throw usageError('AGENT_NOT_FOUND', `No live agent with a worktree is called "${ask.from}".`, 'Run `tmuxcodex list` to see them.');
  const target = agent.target ?? (await defaultBranch(agent.worktree.path));
  if (!target) throw usageError('NO_TARGET', `Agent "${agent.name}" has no target and the repository no default branch to fix from.`, 'Spawn agents with --target, or set targets in the config.');
  // fix-NAME, else fix-NAME-2, -3...: a name given with --name is taken as it is.
  const names = new Set(agents.map((a) => a.name));
  let name = ask.name ?? `fix-${agent.name}`;
  for (let n = 2; !ask.name && names.has(name); n++) name = `fix-${agent.name}-${n}`;
  const where = `This bug was seen in the worktree of agent ${agent.name} (${agent.worktree.path}, branch ${agent.branch ?? 'detached'}). ` +
    `You work on a branch from ${target}, not in that worktree. Fix it here and commit; each commit is brought into ${agent.name}${ask.all ? ' and every worktree that lacks it' : ''}.`;
  const task = [ask.task, where].filter(Boolean).join('\n\n');
  const profile = ask.profile ?? (agent.profile === 'cmd' ? 'shell' : agent.profile);
  return { forAgent: agent, worktree: agent.worktree.path, name, target, task, profile };
}
