// The environment an agent's programs get: who the agent is, where it works, its ports and the
// --env it was spawned with. Its pane gets it at spawn, fresh and resurrect, and `where --run` gives
// it to the check run in the agent's worktree (so two checks that start servers do not take one port).
import { portEnv } from './ports.js';
import { hookFileOf } from './hook-file.js';

/**
 * The environment every agent pane gets, so agents (and their tools) know who they are; with the
 * daemon's hook folder, also the file the agent's hooks append their events to (tmux/agent-hook.sh).
 */
export function agentEnv(id: string, name: string, worktree: string, extra: Record<string, string>, hookDir: string | null = null): Record<string, string> {
  return { ...extra, TMUXCODEX_AGENT_ID: id, TMUXCODEX_AGENT_NAME: name, TMUXCODEX_WORKTREE: worktree, ...(hookDir ? { TMUXCODEX_HOOK_FILE: hookFileOf(hookDir, id) } : {}) };
}

/** The whole environment of an agent working in cwd: its ports, then its identity and --env (and its hook file). */
export function fullAgentEnv(agent: { id: string; name: string; ports: readonly number[]; launch: { env: Record<string, string> } | null }, cwd: string, hookDir: string | null = null): Record<string, string> {
  return { ...portEnv(agent.ports), ...agentEnv(agent.id, agent.name, cwd, agent.launch?.env ?? {}, hookDir) };
}
