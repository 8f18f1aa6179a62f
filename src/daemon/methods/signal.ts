// signal: the state an agent CLI's own hook reports (Claude Code hooks, Codex notify).
import { STATE_OPTION } from '../../tmux/agent-options.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { publishAgentChange } from '../store/publish.js';

/** Takes the state an agent CLI's hook reports (waiting needs the person); an exited or gone agent keeps its state. */
export async function signal(ctx: DaemonContext, p: Params<'signal'>): Promise<Result<'signal'>> {
  const agent = ctx.registry.resolve(p.agent);
  if (agent.state === 'exited' || agent.state === 'gone') return { agent };
  ctx.watch.waitingHold.hooked(agent.id, p.state);
  const waitingFor = p.state === 'waiting' ? p.detail ?? null : null;
  if (agent.state === p.state && (agent.waitingFor ?? null) === waitingFor) return { agent };
  // The registry first: the sidebar and the status segment hear of it without waiting for tmux. The
  // state option is only for borders and is never read back, so no reconcile can undo the change.
  const now = await publishAgentChange(ctx, agent.id, { patch: { state: p.state, waitingFor }, shown: [[STATE_OPTION, p.state]] });
  return { agent: now ?? agent };
}
