// What every daemon method needs, built once in main: the registry, the tmux link, the watchers, the
// locks, the options the daemon started with, and the log.
import { join } from 'node:path';
import { SpawnIntents } from '../agents/spawn-intents.js';
import type { Config } from '../config/schema.js';
import { Mutex, PaneLocks } from './locks.js';
import { PANE_STATE_SUBSCRIPTION } from './watch/session-watch.js';
import type { Registry } from './store/registry.js';
import type { AgentStore } from './store/publish.js';
import { TmuxLink } from '../tmux/link.js';
import { closeWatchers, wireWatchers, type Reactions, type Watchers } from './watch/wire.js';
import type { WatchOptions } from './watch/session-watch.js';
import type { PaneId } from '../tmux/ids.js';

/** The watchers' options (server, session, env, layout, sidebar, log), and what the methods need besides. */
export interface ContextOptions extends WatchOptions {
  now?: () => Date;
  /** The daemon's state folder (briefs, intents and pastes are written there). */
  stateDir: string;
  /** Thresholds and the notify command, from the config the daemon started with. */
  settings: Pick<Config, 'thresholds' | 'notify'>;
  /** The private folder the agents' hooks append their events to (tmux/agent-hook.sh); null: none. */
  hookDir?: string | null;
}

/** The process around the methods: what hello, status and stop answer with, and when the start is done. */
export interface DaemonInfo {
  version: string;
  socket: string;
  /** The tmux server's socket, and the version of tmux it runs. */
  tmuxSocket: string;
  tmuxVersion: string;
  /** What the daemon had to work around at start, and the journal's write problem while it lasts. */
  notices(): string[];
  /** Stops the daemon once the current reply is sent. */
  requestStop(): void;
  /** Resolves once the registry matches tmux (requests about agents wait for it). */
  started: Promise<void>;
}

export interface DaemonContext extends AgentStore {
  readonly o: ContextOptions;
  readonly daemon: DaemonInfo;
  readonly watch: Watchers;
  /** Held by whatever changes the set of agents or windows (spawn, kill, merge, clean, fresh, resurrect). */
  readonly mutex: Mutex;
  /** Sends to one pane run one at a time; a kill waits for the send in progress. */
  readonly paneLocks: PaneLocks;
  /** Worktrees spawns are about to make (crash safety: see SpawnIntents). */
  readonly intents: SpawnIntents;
  /** When each agent was last sent a line with Enter (wait --idle waits for activity after it). */
  readonly lastSent: Map<string, number>;
  /**
   * For a prompt last given through `codex queue`: the agent's turn count then. A queued prompt always
   * becomes a turn of its own, so wait --idle waits for that turn, not for the end of the one running.
   */
  readonly queuedAtTurns: Map<string, number>;
  /** The sidebar's state: the pane shown selected, and the configured width (o.layout's may be folded). */
  readonly sidebar: { highlighted: PaneId | null; readonly width: number };
  now(): Date;
}

/**
 * Builds the context: the tmux link (not yet connected) and every watcher, wired to the registry.
 * The reactions call methods with the context, which exists by the time a watcher reports anything.
 */
export function createContext(registry: Registry, o: ContextOptions, daemon: DaemonInfo, reactions: Reactions): DaemonContext {
  const link = new TmuxLink(o.server, o.session, o.env, [PANE_STATE_SUBSCRIPTION], o.log);
  const store: AgentStore = { registry, link, log: o.log };
  const watch = wireWatchers(store, { ...o, hookDir: o.hookDir ?? null }, reactions);
  return {
    ...store, o, daemon, watch, mutex: new Mutex(), paneLocks: new PaneLocks(),
    intents: new SpawnIntents(join(o.stateDir, 'intents')), lastSent: new Map(), queuedAtTurns: new Map(),
    sidebar: { highlighted: null, width: o.layout.sidebarWidth }, now: o.now ?? (() => new Date()),
  };
}

/** Stops after the operation in progress (a spawn half way would otherwise leave its worktree), then closes all. */
export async function closeContext(ctx: DaemonContext): Promise<void> {
  await Promise.race([ctx.mutex.run(async () => {}), new Promise((r) => setTimeout(r, 60_000))]);
  await closeWatchers(ctx.watch);
  await ctx.link.close();
}
