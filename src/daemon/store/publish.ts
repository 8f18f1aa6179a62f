// The one writer of an agent change. tmux pane options are the truth a restarted daemon rebuilds the
// registry from, so options that are read back go on the pane FIRST: a reconcile that reads the panes
// between the two writes then finds the change there, and cannot undo it. The registry comes second
// (its put saves the journal and emits the event the server broadcasts to the sidebar and the CLI).
import type { AgentRecord } from '../../core/agent.js';
import { tmux } from '../../tmux/command.js';
import type { TmuxLink } from '../../tmux/link.js';
import type { Registry } from './registry.js';
import type { PaneId } from '../../tmux/ids.js';

/** What publishing needs: the registry, the tmux link and the log. */
export interface AgentStore {
  readonly registry: Registry;
  readonly link: TmuxLink;
  readonly log: (m: string) => void;
}

/** A pane option to set (a string) or to unset (null). */
export type PaneOption = readonly [name: string, value: string | null];

export interface AgentChange {
  /** Options a reconcile reads back: written on the pane before the registry changes. */
  pane?: readonly PaneOption[];
  /** The registry change, worked out against the record as it is once the pane is written (null: none). */
  patch: Partial<AgentRecord> | ((now: AgentRecord) => Partial<AgentRecord> | null);
  /** Options only drawn (borders) and never read back: written after the registry, so views hear first. */
  shown?: readonly PaneOption[];
}

/**
 * Publishes a change of agent id: pane options, then registry (and so the events), then the options
 * that are only shown. The pane is the agent's live one (none once it is gone); an option tmux
 * refuses is logged and the rest goes on, as the registry must not miss the change. Returns the
 * record as it is after the change, or null when the agent is no longer known.
 */
export async function publishAgentChange(store: AgentStore, id: string, change: AgentChange): Promise<AgentRecord | null> {
  const before = store.registry.get(id);
  if (!before) return null;
  const pane = before.paneId && before.state !== 'gone' ? before.paneId : null;
  if (pane) await setPaneOptions(store, before.name, pane, change.pane ?? []);
  const now = store.registry.get(id);
  if (!now) return null;
  const patch = typeof change.patch === 'function' ? change.patch(now) : change.patch;
  if (patch) store.registry.patch(id, patch);
  if (pane) await setPaneOptions(store, before.name, pane, change.shown ?? []);
  return store.registry.get(id) ?? null;
}

/** Sets (or unsets) options on one pane in order; a refusal is logged with the option and agent named. */
export async function setPaneOptions(store: AgentStore, agentName: string, paneId: PaneId, options: readonly PaneOption[]): Promise<void> {
  for (const [name, value] of options) {
    const command = value === null ? tmux.unsetPaneOption(paneId, name) : tmux.setPaneOption(paneId, name, value);
    await store.link.run(command).catch((e: Error) => store.log(`could not ${value === null ? 'unset' : 'set'} ${name} on ${agentName}'s pane ${paneId}: ${e.message}`));
  }
}
