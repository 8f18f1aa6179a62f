// What the watchers found, published on the agent's pane and in the registry (store/publish.ts).
import type { AgentRecord } from '../../core/agent.js';
import { CONTEXT_OPTION, PANE_META, STATE_OPTION, encodeOptionValue } from '../../tmux/agent-options.js';
import { publishAgentChange, type AgentStore, type PaneOption } from '../store/publish.js';
import type { TranscriptUpdate } from './transcript-watch.js';
import type { SessionsReport } from './claude-sessions-watch.js';
import type { WaitingHold } from './waiting-hold.js';

/** The context percent as the pane option shows it ('' when unknown). */
const percentText = (context: AgentRecord['context']): string => (context?.percent != null ? `${Math.round(context.percent)}%` : '');

/**
 * Publishes what an agent's transcript says: context, conversation, session id and state in the
 * registry; context percent, state and where the transcript is on the pane (for borders, and for a
 * daemon that starts again). An exited or gone agent keeps that state.
 */
export async function transcriptUpdated(store: AgentStore, hold: WaitingHold, id: string, u: TranscriptUpdate): Promise<void> {
  const before = store.registry.get(id);
  if (!before) return;
  const ended = (a: AgentRecord) => a.state === 'exited' || a.state === 'gone';
  const state = ended(before) ? before.state : hold.resolve(id, before.state, u.state, u.conversation?.lastActivityAt ?? null);
  const pane: PaneOption[] = [];
  if (u.sessionId && u.sessionId !== before.sessionId) pane.push([PANE_META.sessionId, u.sessionId]);
  if (u.transcriptPath && u.transcriptPath !== before.transcriptPath) pane.push([PANE_META.transcript, encodeOptionValue(u.transcriptPath)]);
  const ctx = percentText(u.context);
  if (ctx !== percentText(before.context) || !before.conversation) pane.push([CONTEXT_OPTION, ctx]);
  if (state !== before.state) pane.push([STATE_OPTION, state]);
  if (u.model && u.model !== before.model) pane.push([PANE_META.model, encodeOptionValue(u.model)]);
  await publishAgentChange(store, id, {
    pane,
    patch: (now) => {
      // A hook may have spoken while the pane options were set: its waiting holds as above.
      const latest = ended(now) ? now.state : hold.resolve(id, now.state, u.state, u.conversation?.lastActivityAt ?? null);
      return { sessionId: u.sessionId, transcriptPath: u.transcriptPath, context: u.context, conversation: u.conversation, model: u.model ?? now.model, state: latest, ...(latest !== 'waiting' ? { waitingFor: null } : {}) };
    },
  });
}

/**
 * Publishes the state Claude's sessions file says (waiting and why, working, idle), unless a newer
 * hook or file spoke (waiting-hold.ts). As for a hook, the registry first, then the pane's state
 * option (only drawn, never read back). An exited or gone agent keeps that state.
 */
export async function sessionsStateReported(store: AgentStore, hold: WaitingHold, r: SessionsReport): Promise<void> {
  const before = store.registry.get(r.agentId);
  if (!before || before.state === 'exited' || before.state === 'gone') return;
  if (!hold.sessionsSaid(r.agentId, r.at)) return;
  if (before.state === r.state && (before.waitingFor ?? null) === r.waitingFor) return;
  await publishAgentChange(store, r.agentId, {
    patch: (now) => (now.state === 'exited' || now.state === 'gone' ? null : { state: r.state, waitingFor: r.waitingFor }),
    shown: [[STATE_OPTION, r.state]],
  });
}

/** Records how far a fix agent's commits have been brought, on its pane and in the registry. */
export async function fixTipRecorded(store: AgentStore, id: string, tip: string): Promise<void> {
  if (!store.registry.get(id)?.fix) return;
  await publishAgentChange(store, id, {
    pane: [[PANE_META.fixTip, tip]],
    patch: (now) => (now.fix ? { fix: { ...now.fix, propagatedTip: tip } } : null),
  });
}

/** Records on the pane and in the registry that an agent's cloned folders are its own now. */
export async function depsMadePrivate(store: AgentStore, id: string, deps: AgentRecord['deps']): Promise<void> {
  await publishAgentChange(store, id, { pane: [[PANE_META.deps, deps.map((d) => `${d.dir}=${d.key}`).join(',')]], patch: { deps } });
}
