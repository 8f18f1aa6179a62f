// send --when-idle: a prompt held until the agent's current turn ends, for the CLIs that have no
// queue of their own (Codex has: codex-queue.ts). A turn runs while the agent works or waits for
// the person (a permission prompt is inside a turn), and from a send until the transcript shows it
// taken (the line sent last may not be read yet, and the agent would look idle).
import type { AgentRecord } from '../../core/agent.js';
import { failure, usageError } from '../../errors.js';
import { adapterFor } from '../../transcripts/adapters.js';
import type { DaemonContext } from '../context.js';
import type { ClientConn } from '../server.js';

/** Whether the agent is between turns: no turn runs, and what was sent last has been taken. */
export function betweenTurns(ctx: DaemonContext, a: AgentRecord): boolean {
  if (a.state === 'working' || a.state === 'waiting') return false;
  const queuedAt = ctx.queuedAtTurns.get(a.id);
  if (queuedAt !== undefined && (a.conversation?.turns ?? 0) <= queuedAt) return false;
  const sent = ctx.lastSent.get(a.id);
  return sent === undefined || Date.parse(a.conversation?.lastActivityAt ?? '') >= sent;
}

/** Resolves once the agent is between turns; rejects if it ends first or the client hangs up. */
export async function untilTurnEnds(ctx: DaemonContext, agent: AgentRecord, client: ClientConn | undefined): Promise<void> {
  if (!adapterFor(agent.transcriptFormat ?? agent.profile)) {
    throw usageError('NO_IDLE_STATE', `Agent "${agent.name}" runs ${agent.launch ? `the ${agent.profile} CLI` : 'a shell or command'}, whose turns tmuxcodex cannot see, so --when-idle cannot tell when to send.`, 'Send without --when-idle.');
  }
  const ended = (a: AgentRecord) => a.state === 'exited' || a.state === 'gone';
  const gone = (a: AgentRecord) => failure('AGENT_EXITED', `Agent "${a.name}" ${a.state === 'gone' ? 'is gone' : 'exited'} before its turn ended; the held text was not sent.`, '`tmuxcodex list` shows it.');
  if (ended(agent)) throw gone(agent);
  if (betweenTurns(ctx, agent)) return;
  ctx.log(`send to ${agent.name}: held until its turn ends (--when-idle)`);
  await new Promise<void>((resolve, reject) => {
    const stop = () => { ctx.registry.off('updated', onUpdate); ctx.registry.off('removed', onRemove); };
    const onUpdate = (a: AgentRecord) => {
      if (a.id !== agent.id) return;
      if (ended(a)) { stop(); reject(gone(a)); } else if (betweenTurns(ctx, a)) { stop(); resolve(); }
    };
    const onRemove = (a: AgentRecord) => { if (a.id === agent.id) { stop(); reject(gone({ ...a, state: 'gone' })); } };
    ctx.registry.on('updated', onUpdate);
    ctx.registry.on('removed', onRemove);
    // The person gave up (Ctrl-C): the text is not sent later behind their back.
    void client?.closed.then(() => { stop(); reject(failure('SEND_ABANDONED', `The held text for "${agent.name}" was not sent: the client went away.`)); });
  });
}
