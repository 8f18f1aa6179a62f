// wait: until an agent exits, finishes what it was sent, or waits for the person.
import type { AgentRecord } from '../../core/agent.js';
import { usageError } from '../../errors.js';
import { adapterFor } from '../../transcripts/adapters.js';
import type { DaemonContext } from '../context.js';
import type { ClientConn } from '../server.js';
import type { Params, Result } from '../protocol.js';

/** How long wait --exit waits for an exit status tmux has not reported with the pane's death. */
const EXIT_STATUS_GRACE_MS = 3000;

/**
 * Resolves when the agent has exited or gone (until exit), has finished what it was last sent
 * (until idle: idle or waiting for the person, with transcript activity after the last send, so a
 * wait right after a send does not return on the idle state from before it), or waits for the
 * person (until waiting); also when it ends first (reached false), at the timeout, or when the
 * client hangs up.
 */
export async function wait(ctx: DaemonContext, p: Params<'wait'>, client: ClientConn): Promise<Result<'wait'>> {
  const { registry } = ctx;
  const start = registry.resolve(p.agent);
  if (p.until !== 'exit' && !adapterFor(start.transcriptFormat ?? start.profile)) {
    throw usageError('NO_IDLE_STATE', `Agent "${start.name}" runs ${start.launch ? `the ${start.profile} CLI` : 'a shell or command'}, whose turns tmuxcodex cannot see (it reads Codex and Claude Code transcripts).`, 'Use `wait --exit`, or watch it with `tmuxcodex capture`.');
  }
  const ended = (a: AgentRecord) => a.state === 'exited' || a.state === 'gone';
  // wait --exit answers with the exit status: tmux can report the pane dead a moment before its status.
  const statusKnown = (a: AgentRecord) => p.until !== 'exit' || a.state !== 'exited' || a.exitCode !== null;
  const settled = (a: AgentRecord) => {
    if (a.state !== 'idle' && a.state !== 'waiting') return false;
    const sent = ctx.lastSent.get(a.id);
    // A prompt queued while a turn ran is its own turn after it: the end of the running one is not enough.
    const queuedAt = ctx.queuedAtTurns.get(a.id);
    if (queuedAt !== undefined && (a.conversation?.turns ?? 0) <= queuedAt) return false;
    return sent === undefined || Date.parse(a.conversation?.lastActivityAt ?? '') >= sent;
  };
  const reached = (a: AgentRecord) => (p.until === 'exit' ? ended(a) : p.until === 'idle' ? settled(a) : a.state === 'waiting');
  const done = (a: AgentRecord) => ended(a) || reached(a);
  if (done(start) && statusKnown(start)) return { agent: start, timedOut: false, reached: reached(start) };
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    const finish = (agent: AgentRecord, timedOut: boolean) => {
      clearTimeout(timer);
      clearTimeout(grace);
      registry.off('updated', onUpdate);
      registry.off('removed', onRemove);
      resolve({ agent, timedOut, reached: !timedOut && reached(agent) });
    };
    const onUpdate = (a: AgentRecord) => {
      if (a.id !== start.id || !done(a)) return;
      if (statusKnown(a)) return finish(a, false);
      // An exit status that never comes (the pane's process was not reaped) does not hold the wait for ever.
      grace ??= setTimeout(() => finish(registry.get(start.id) ?? a, false), EXIT_STATUS_GRACE_MS);
    };
    const onRemove = (a: AgentRecord) => { if (a.id === start.id) finish({ ...a, state: 'gone' }, false); };
    registry.on('updated', onUpdate);
    registry.on('removed', onRemove);
    onUpdate(start); // already exited, its status not read yet: the grace starts now
    if (p.timeoutMs !== null) timer = setTimeout(() => finish(registry.get(start.id) ?? start, true), p.timeoutMs);
    void client.closed.then(() => finish(registry.get(start.id) ?? start, true));
  });
}
