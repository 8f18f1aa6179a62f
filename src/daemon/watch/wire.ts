// The daemon's watchers, made and wired to the registry in one place: which registry events each one
// follows, and where what it finds goes (published through store/, or raised as attention).
import type { Config } from '../../config/schema.js';
import { DepsWatcher } from './deps-watch.js';
import { FixWatcher } from './fix-watch.js';
import { GitWatcher } from './git-watch.js';
import { HookInbox, type HookSignal } from './hook-inbox.js';
import { WaitingHold } from './waiting-hold.js';
import { AttentionWatcher, type FreshDue } from './attention.js';
import { StatusKeeper } from './status-keeper.js';
import { TranscriptWatcher } from './transcript-watch.js';
import { SessionWatch, type WatchOptions } from './session-watch.js';
import { ClaudeSessionsWatcher } from './claude-sessions-watch.js';
import { panePid } from '../store/pane-pid.js';
import type { AgentStore } from '../store/publish.js';
import { depsMadePrivate, fixTipRecorded, sessionsStateReported, transcriptUpdated } from './changes.js';

export interface Watchers {
  /** tmux's side: pane deaths, layouts, windows, sidebars. */
  readonly session: SessionWatch;
  readonly deps: DepsWatcher;
  readonly fixes: FixWatcher;
  /** The live git fields of each agent, and the merge map's cache. */
  readonly gitFields: GitWatcher;
  readonly transcripts: TranscriptWatcher;
  /** Claude agents' status from Claude's own sessions/<pid>.json. */
  readonly claudeSessions: ClaudeSessionsWatcher;
  /** Waiting, finished and threshold moments; the daemon's server broadcasts them as events. */
  readonly attention: AttentionWatcher;
  readonly hooks: HookInbox | null;
  /** A hook's waiting, kept against transcript lines older than it. */
  readonly waitingHold: WaitingHold;
  /** The status-bar segment and pane borders, kept current in tmux options. */
  readonly status: StatusKeeper;
}

export interface WireOptions extends WatchOptions {
  /** Thresholds and the notify command, from the config the daemon started with. */
  settings: Pick<Config, 'thresholds' | 'notify'>;
  /** The private folder the agents' hooks append their events to (tmux/agent-hook.sh); null: none. */
  hookDir: string | null;
}

/** What the watchers ask of the methods: a hook's state taken, a fresh session the policy asks for. */
export interface Reactions {
  signal(s: HookSignal): Promise<unknown>;
  freshDue(due: FreshDue): void;
}

/** Logs a watcher's failed sync with the watcher named (the next registry change tries again). */
const logged = (log: (m: string) => void, what: string) => (e: unknown) => log(`${what}: ${(e as Error).message}`);

/** Makes every watcher and wires it; the order of the registry listeners is the order they hear a change in. */
export function wireWatchers(store: AgentStore, o: WireOptions, react: Reactions): Watchers {
  const { registry, link, log } = store;
  const waitingHold = new WaitingHold();
  const deps = new DepsWatcher((id, d) => void depsMadePrivate(store, id, d), log);
  const gitFields = new GitWatcher(() => registry.all(), (id, git) => registry.patch(id, { git }), log);
  for (const ev of ['added', 'removed'] as const) registry.on(ev, () => void gitFields.sync().catch(logged(log, 'git watch')));
  void gitFields.sync().catch(logged(log, 'git watch'));
  const fixes = new FixWatcher(() => registry.all(), (id, tip) => void fixTipRecorded(store, id, tip), log, (id, fixBlocked) => { if (registry.get(id)) registry.patch(id, { fixBlocked }); });
  for (const ev of ['added', 'removed'] as const) registry.on(ev, () => void fixes.sync().catch(logged(log, 'fix watch')));
  void fixes.sync().catch(logged(log, 'fix watch'));
  for (const ev of ['added', 'updated', 'removed'] as const) registry.on(ev, () => deps.sync(registry.all()));
  deps.sync(registry.all());
  const transcripts = new TranscriptWatcher(() => registry.all(), (id, u) => void transcriptUpdated(store, waitingHold, id, u), (a) => panePid(link, a, log), o.env, log);
  for (const ev of ['added', 'removed'] as const) registry.on(ev, () => transcripts.sync());
  transcripts.sync();
  const claudeSessions = new ClaudeSessionsWatcher(() => registry.all(), (a) => panePid(link, a, log), o.env, (r) => void sessionsStateReported(store, waitingHold, r).catch(logged(log, `sessions file of ${r.agentId}`)), log);
  for (const ev of ['added', 'removed'] as const) registry.on(ev, () => claudeSessions.sync());
  claudeSessions.sync();
  const session = new SessionWatch(link, registry, o);
  const attention = new AttentionWatcher(link, o.settings, () => registry.all(), log);
  const status = new StatusKeeper(link, o.session, () => registry.all(), log);
  for (const ev of ['added', 'updated', 'removed'] as const) registry.on(ev, () => status.changed());
  for (const ev of ['added', 'updated'] as const) registry.on(ev, (a) => attention.updated(a));
  registry.on('removed', (a) => attention.removed(a));
  const hooks = o.hookDir ? new HookInbox(o.hookDir, (s) => void react.signal(s).catch(logged(log, `hook event of ${s.agent}`)), log) : null;
  for (const a of registry.all()) hooks?.open(a.id);
  registry.on('added', (a) => hooks?.open(a.id));
  registry.on('removed', (a) => { hooks?.remove(a.id); waitingHold.forget(a.id); });
  // thresholds.autoFresh: between-turns: the fresh session the policy asks for, once the turn has ended.
  attention.on('fresh-due', (due) => react.freshDue(due));
  return { session, deps, fixes, gitFields, transcripts, claudeSessions, attention, hooks, waitingHold, status };
}

/** Stops every watcher (the tmux link is closed after, by its owner). */
export async function closeWatchers(w: Watchers): Promise<void> {
  w.deps.close();
  await w.fixes.close();
  await w.gitFields.close();
  w.transcripts.close();
  w.claudeSessions.close();
  w.attention.close();
  w.hooks?.close();
  w.status.close();
  w.session.close();
}
