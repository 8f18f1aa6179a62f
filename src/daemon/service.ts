// The daemon's request handlers: sessions, spawn, kill, merge, clean, send, capture, wait, sync-files.
import { CONTEXT_OPTION, PANE_META, STATE_OPTION, encodeOptionValue, type AgentRecord } from '../core/agent.js';
import { cleanVerdict, landingFacts, landingMessage } from '../agents/landing.js';
import { landBranch } from '../git/land.js';
import { DepsWatcher } from './deps-watch.js';
import { FixWatcher } from './fix-watch.js';
import { GitWatcher } from './git-watch.js';
import { HookInbox } from './hook-inbox.js';
import { WaitingHold } from './waiting-hold.js';
import { AttentionWatcher } from './attention.js';
import { StatusKeeper } from './status-keeper.js';
import type { Config } from '../config/schema.js';
import { TranscriptWatcher, type TranscriptUpdate } from './transcript-watch.js';
import { sessionNameProblem } from '../core/naming.js';
import { keyLikeCharacter } from '../core/send-text.js';
import { tmux } from '../tmux/command.js';
import { TmuxCommandError } from '../tmux/control/connection.js';
import { failure, TmuxcodexError, usageError } from '../errors.js';
import { listSessionPanes } from '../agents/pane-query.js';
import { managedWindows, markManagedWindow } from '../agents/windows.js';
import { PANE_STATE_SUBSCRIPTION, SessionWatch, type WatchOptions } from './session-watch.js';
import { reviveAgent, spawnAgent } from '../agents/spawn.js';
import { fullAgentEnv } from '../agents/agent-env.js';
import { launchArgv } from '../agents/profiles.js';
import { ensureSubmitted, waitTextDrawn } from '../agents/submit-check.js';
import { handoffBrief, saveBrief } from '../agents/handoff.js';
import { SpawnIntents } from '../agents/spawn-intents.js';
import { adapterFor } from '../transcripts/adapters.js';
import { teardownWorktree, type TeardownOptions } from '../agents/teardown.js';
import { keptBranchAdvice, markIfKept } from '../agents/kept-branch.js';
import { mapRowSources } from '../agents/map-rows.js';
import { worktreeInheritance } from '../agents/worktree-heir.js';
import { copyMatching } from '../agents/provision/files.js';
import { recordProvisioned } from '../git/provisioned-files.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMergeMap } from '../git/mergemap.js';
import { commonGitDir, defaultBranch, listWorktrees } from '../git/worktree.js';
import { worktreeRoot } from '../git/repo.js';
import { Registry } from './registry.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { TmuxLink, sessionExists, tmuxOnce } from './tmux-link.js';
import type { Params, Result } from './protocol.js';
import type { ClientConn } from './server.js';

/** The pane option that reverses an agent pane's border while the sidebar has it selected. */
const SELECTED_OPTION = '@tmuxcodex-selected';

/** Text longer than this (or with a newline) is pasted rather than typed. */
const PASTE_ABOVE = 2000;
/** How long send keeps pressing Enter into an agent CLI that has not taken the prompt yet (its start-up). */
const SUBMIT_DEADLINE_MS = 30_000;
/** How long send waits for an agent CLI to draw the typed text before it presses Enter anyway. */
const SUBMIT_DRAWN_MS = 3_000;

/** A folded sidebar keeps one column: its pane (and program) stay, out of the way. */
const FOLDED_SIDEBAR_WIDTH = 1;

/** The session fresh starts: its id (when the profile chooses one), the ids before it, and when. */
interface FreshSession { sessionId: string | null; lineage: string[]; startedAt: string }

export interface ServiceOptions extends WatchOptions {
  now?: () => Date;
  /** The daemon's state folder (briefs are written there). */
  stateDir: string;
  /** Thresholds and the notify command, from the config the daemon started with. */
  settings: Pick<Config, 'thresholds' | 'notify'>;
  /** The private folder the agents' hooks append their events to (tmux/agent-hook.sh); null: none. */
  hookDir?: string | null;
}

/** Runs tasks one at a time (spawns must not pick the same window slot). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => {});
    return next;
  }
}

export class AgentService {
  readonly link: TmuxLink;
  private readonly watch: SessionWatch;
  private readonly mutex = new Mutex();
  private readonly paneLocks = new Map<string, Mutex>();
  /** The pane whose border shows it is the one selected in the sidebar. */
  private highlighted: string | null = null;
  /** When each agent was last sent a line with Enter (wait --idle waits for activity after it). */
  private readonly lastSent = new Map<string, number>();
  private readonly deps: DepsWatcher;
  private readonly fixes: FixWatcher;
  private readonly gitFields: GitWatcher;
  private readonly transcripts: TranscriptWatcher;
  /** Waiting, finished and threshold moments; the daemon's server broadcasts them as events. */
  readonly attention: AttentionWatcher;
  private readonly hooks: HookInbox | null;
  /** A hook's waiting, kept against transcript lines older than it. */
  private readonly waitingHold = new WaitingHold();
  /** The status-bar segment and pane borders, kept current in tmux options. */
  readonly status: StatusKeeper;

  /** Worktrees spawns are about to make (crash safety: see SpawnIntents). */
  private readonly intents: SpawnIntents;
  /** The configured sidebar width, while o.layout's may be folded to one column. */
  private readonly sidebarWidth: number;

  constructor(readonly registry: Registry, private readonly o: ServiceOptions) {
    this.sidebarWidth = o.layout.sidebarWidth;
    this.intents = new SpawnIntents(join(o.stateDir, 'intents'));
    this.deps = new DepsWatcher((id, deps) => void this.depsMadePrivate(id, deps), o.log);
    this.gitFields = new GitWatcher(() => registry.all(), (id, git) => registry.patch(id, { git }), o.log);
    for (const ev of ['added', 'removed'] as const) registry.on(ev, () => void this.gitFields.sync().catch((e) => o.log(`git watch: ${(e as Error).message}`)));
    void this.gitFields.sync().catch((e) => o.log(`git watch: ${(e as Error).message}`));
    this.fixes = new FixWatcher(() => registry.all(), (id, tip) => void this.fixTipRecorded(id, tip), o.log, (id, fixBlocked) => { if (registry.get(id)) registry.patch(id, { fixBlocked }); });
    for (const ev of ['added', 'removed'] as const) registry.on(ev, () => void this.fixes.sync().catch((e) => o.log(`fix watch: ${(e as Error).message}`)));
    void this.fixes.sync().catch((e) => o.log(`fix watch: ${(e as Error).message}`));
    for (const ev of ['added', 'updated', 'removed'] as const) registry.on(ev, () => this.deps.sync(registry.all()));
    this.deps.sync(registry.all());
    this.transcripts = new TranscriptWatcher(() => registry.all(), (id, u) => void this.transcriptUpdated(id, u), (a) => this.panePid(a), o.env, o.log);
    for (const ev of ['added', 'removed'] as const) registry.on(ev, () => this.transcripts.sync());
    this.transcripts.sync();
    this.link = new TmuxLink(o.server, o.session, o.env, [PANE_STATE_SUBSCRIPTION], o.log);
    this.watch = new SessionWatch(this.link, registry, o);
    this.attention = new AttentionWatcher(this.link, o.settings, () => registry.all(), o.log);
    this.status = new StatusKeeper(this.link, o.session, () => registry.all(), o.log);
    for (const ev of ['added', 'updated', 'removed'] as const) registry.on(ev, () => this.status.changed());
    for (const ev of ['added', 'updated'] as const) registry.on(ev, (a) => this.attention.updated(a));
    registry.on('removed', (a) => this.attention.removed(a));
    this.hooks = o.hookDir ? new HookInbox(o.hookDir, (s) => void this.signal(s).catch((e) => o.log(`hook event of ${s.agent}: ${(e as Error).message}`)), o.log) : null;
    for (const a of registry.all()) this.hooks?.open(a.id);
    registry.on('added', (a) => this.hooks?.open(a.id));
    registry.on('removed', (a) => { this.hooks?.remove(a.id); this.waitingHold.forget(a.id); });
    // thresholds.autoFresh: between-turns: the fresh session the policy asks for, once the turn has ended.
    this.attention.on('fresh-due', ({ agent, reason }) => void this.fresh({ agent: agent.id, reason }).then(
      (r) => o.log(`started a fresh session of ${agent.name} (${reason.kind}); brief ${r.brief}`),
      (e) => {
        // A turn began between idle and now (someone sent a prompt): the fresh session waits for its end.
        if (e instanceof TmuxcodexError && e.code === 'FRESH_NOT_IDLE') return this.attention.postponeFresh(agent, reason);
        o.log(`the fresh session of ${agent.name} that the autoFresh policy asked for failed: ${(e as Error).message}`);
      }));
  }

  /** Attaches to the session if it exists already (daemon start); rebuilds the registry from tmux. */
  async start(): Promise<void> {
    if (await sessionExists(this.o.server, this.o.session, this.o.env)) {
      await this.link.connect();
      // Answer nothing before the registry matches tmux: a journal lost or torn is rebuilt first.
      await this.watch.ready;
    } else this.registry.reconcile([]);
    // Kills a killed daemon left half done (pane gone, work not yet archived) are finished.
    await this.settleIntents<{ agent: string; paneId?: string | null; keepWorktree: boolean; force: boolean }>('kills', 'finishing an interrupted kill failed (the agent stays, as gone; kill it again)', async (k) => {
      const agent = this.registry.get(k.agent);
      if (!agent) return;
      // The agent runs in another pane than the one the kill was for: it was brought back since.
      if (k.paneId !== undefined && agent.state !== 'gone' && agent.paneId !== k.paneId) return this.o.log(`left ${agent.name} running: the interrupted kill was for pane ${k.paneId ?? '(none)'}, it runs in ${agent.paneId ?? '(none)'} now`);
      await this.removeAgent(agent, { keepWorktree: k.keepWorktree, force: k.force });
      this.o.log(`finished the interrupted kill of ${agent.name}`);
    });
    // Fresh sessions it left half recorded: finished when the pane runs a new process, else forgotten.
    await this.settleIntents<{ agent: string; panePid: number; after: FreshSession }>('fresh', 'finishing an interrupted fresh session failed', async (f) => {
      const agent = this.registry.get(f.agent);
      if (!agent?.paneId || agent.state === 'gone') return;
      const pid = await this.panePid(agent);
      if (pid !== null && pid !== f.panePid) {
        await this.recordFresh(agent, f.after);
        this.o.log(`finished the interrupted fresh session of ${agent.name}`);
      } else this.o.log(`the interrupted fresh session of ${agent.name} had not started; it runs its session as before`);
    });
    // Spawns a killed daemon left half done: their worktrees, which no record knows, are undone.
    const known = new Set(this.registry.all().flatMap((a) => (a.worktree ? [a.worktree.path] : [])));
    for (const line of await this.intents.recover(known).catch((e) => [`undoing interrupted spawns failed: ${(e as Error).message}`])) this.o.log(line);
  }

  /** Creates the agents session with its sidebar window when missing, then attaches. */
  ensureSession(p: Params<'ensureSession'>): Promise<Result<'ensureSession'>> {
    return this.mutex.run(async () => {
      if (p.session !== null && p.session !== this.o.session) {
        const problem = sessionNameProblem(p.session);
        if (problem) throw usageError('BAD_SESSION_NAME', `Session name "${p.session}" is not allowed: ${problem}.`);
        throw usageError('OTHER_SESSION', `This tmux server's daemon manages the session "${this.o.session}", not "${p.session}".`, `Use --session ${this.o.session}, or stop the daemon (tmuxcodex daemon stop) and start again with the new session.`);
      }
      if (!(await sessionExists(this.o.server, this.o.session, this.o.env))) {
        const out = await tmuxOnce(this.o.server, tmux.newSession({
          session: this.o.session, windowName: this.o.session, cwd: p.cwd, width: p.width ?? 200, height: p.height ?? 50,
          program: this.o.sidebar, format: '#{window_id} #{pane_id}',
        }), this.o.env);
        const [windowId, paneId] = out.trim().split(' ');
        await this.link.connect();
        await markManagedWindow(this.link, windowId!, paneId!);
        return { session: this.o.session, windowId: windowId! };
      }
      await this.link.connect();
      const panes = await listSessionPanes(this.link, this.o.session);
      const first = [...managedWindows(panes).keys()][0] ?? panes[0]?.windowId ?? '';
      return { session: this.o.session, windowId: first };
    });
  }

  async spawn(p: Params<'spawn'>): Promise<AgentRecord> {
    await this.ensureSession({ session: p.session, cwd: p.cwd, width: null, height: null });
    return this.mutex.run(async () => {
      const live = this.registry.all().filter((a) => a.state !== 'gone');
      const record = await spawnAgent({
        runner: this.link, session: this.o.session, layout: this.o.layout, sidebar: this.o.sidebar,
        takenNames: this.registry.names(), takenIds: this.registry.ids(), now: this.o.now ?? (() => new Date()),
        heldPorts: new Set(live.flatMap((a) => a.ports)), parent: (ref) => this.registry.resolve(ref), log: this.o.log, intents: this.intents, hookDir: this.o.hookDir ?? null,
      }, p);
      this.registry.dropGoneNamed(record.name);
      this.registry.put(record);
      return record;
    });
  }

  list(): Result<'list'> {
    return { agents: this.registry.all() };
  }

  /**
   * Kills the agent's pane, then tears its worktree down (work archived first), then forgets it;
   * closes an extra window left with only its sidebar. If saving the work fails, the agent is
   * kept in the registry (as gone) so nothing is forgotten, and the error says what to do.
   */
  async kill(p: Params<'kill'>): Promise<Result<'kill'>> {
    return this.mutex.run(() => this.killWithChildren(this.registry.resolve(p.agent), p));
  }

  /** Stops an agent; its live children first when asked to, refusing when it has some and was not told. */
  private async killWithChildren(agent: AgentRecord, p: Params<'kill'>): Promise<Result<'kill'>> {
    const children = this.registry.all().filter((a) => a.parentId === agent.id && a.state !== 'gone').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (children.length && !p.children) {
      throw usageError('CHILDREN_RUNNING', `Agent "${agent.name}" has ${children.length} live child agent(s): ${children.map((c) => c.name).join(', ')}; nothing was stopped.`, `Say what happens to them: --children kill (stop them too) or --children keep (they run on without their parent).`);
    }
    const stopped: Result<'kill'>[] = [];
    if (p.children === 'kill') for (const c of children) stopped.push(await this.killWithChildren(c, p));
    // Written down first, so a daemon killed half way through finishes the kill when it starts again.
    // A kill that is refused or fails leaves no intent: the next daemon must not carry out later a
    // kill the person was told did not happen (against an agent resurrected meanwhile, say).
    const intent = this.writeIntent('kills', agent.id, { agent: agent.id, paneId: agent.paneId, keepWorktree: p.keepWorktree, force: p.force });
    let res: Result<'kill'>;
    try {
      res = await this.removeAgent(agent, { keepWorktree: p.keepWorktree, force: p.force });
    } finally {
      rmSync(intent, { force: true });
    }
    return stopped.length ? { ...res, children: stopped } : res;
  }

  /** kill's work, for callers that hold the mutex already (merge, clean). */
  private async removeAgent(agent: AgentRecord, o: TeardownOptions): Promise<Result<'kill'>> {
    // A send in progress to this pane finishes first: no text is cut off half way by the kill.
    if (agent.paneId) await this.paneLocks.get(agent.paneId)?.run(async () => {});
    if (agent.paneId && agent.state !== 'gone') {
      await this.link.run(tmux.killPane(agent.paneId)).catch((e) => { if (!(e instanceof TmuxCommandError)) throw e; });
      this.registry.patch(agent.id, { state: 'gone' });
    }
    const teardown = await teardownWorktree(agent, this.registry.all(), o);
    // An unmerged branch it kept stays in the map (and in clean's list) after the record goes.
    await markIfKept(agent, teardown.removed.branch).catch((e) => this.o.log(`marking ${agent.name}'s kept branch: ${(e as Error).message}`));
    // A worktree kept for agents still working in it passes to one of them (worktree-heir.ts).
    const inherited = teardown.kept && !o.keepWorktree ? worktreeInheritance(agent, this.registry.all()) : null;
    if (inherited) {
      for (const [name, value] of inherited.options) if (inherited.heir.paneId) await this.link.run(tmux.setPaneOption(inherited.heir.paneId, name, value)).catch(() => {});
      this.registry.patch(inherited.heir.id, inherited.patch);
    }
    this.registry.remove(agent.id);
    if (agent.paneId) this.paneLocks.delete(agent.paneId);
    await this.closeEmptyWindows();
    return { agent: { ...agent, state: 'gone' }, ...teardown, kept: inherited ? `${teardown.kept}; it is ${inherited.heir.name}'s now` : teardown.kept };
  }

  /**
   * Lands an agent's branch on its target (or p.into) locally; then, unless p.keep, stops the
   * agent and tidies its worktree and branch away as kill does (the branch only if now merged).
   */
  async merge(p: Params<'merge'>): Promise<Result<'merge'>> {
    return this.mutex.run(async () => {
      const agent = this.registry.resolve(p.agent);
      const { repo, branch, target } = await landingFacts(agent, p.into);
      const landed = await landBranch(repo, { branch, target, method: p.method, message: await landingMessage(repo, agent, branch, target, p.method) });
      const teardown = p.keep ? null : await this.removeAgent(this.registry.get(agent.id) ?? agent, { keepWorktree: false, force: false, mergedInto: target, landedTip: landed.branchTip });
      return {
        agent: this.registry.get(agent.id) ?? { ...agent, state: 'gone' }, branch, into: target, method: p.method, commit: landed.after,
        removed: teardown?.removed ?? null, landed, teardown,
      };
    });
  }

  /**
   * A fresh session in the same pane and worktree: a handoff brief (task, git state, the last of the
   * conversation) is written, the agent's process is replaced by a new session of its CLI with the
   * brief as its first prompt, and the old session id joins the lineage.
   */
  async fresh(p: Params<'fresh'>): Promise<Result<'fresh'>> {
    return this.mutex.run(async () => {
      const agent = this.registry.resolve(p.agent);
      if (!agent.paneId || agent.state === 'gone') throw usageError('AGENT_GONE', `Agent "${agent.name}" has no pane any more.`, 'Bring it back with `tmuxcodex resurrect`, or spawn a new one.');
      if (!agent.launch) throw usageError('NOT_AN_AGENT_CLI', `Agent "${agent.name}" runs ${agent.profile === 'cmd' ? 'a --cmd command' : 'a shell'}, not an agent CLI that takes a first prompt.`, 'fresh restarts agents started from a profile (codex, claude, ...).');
      // A policy's fresh session never cuts into a turn (a manual one is the person's call).
      if (p.reason && p.reason.kind !== 'manual' && agent.state !== 'idle') throw failure('FRESH_NOT_IDLE', `Agent "${agent.name}" is ${agent.state}; its fresh session waits for the end of its turn.`);
      if (!agent.launch.taskPrefix) throw usageError('NO_FIRST_PROMPT', `The ${agent.profile} profile does not pass a first prompt on the command line, so the brief could not be given.`, 'Set taskArgs for the profile in the config.');
      const now = (this.o.now ?? (() => new Date()))();
      const text = await handoffBrief(agent, this.transcripts.factsFor(agent.id), now, p.reason ?? { kind: 'manual' });
      const brief = saveBrief(this.o.stateDir, agent, text, now);
      const adapter = adapterFor(agent.transcriptFormat ?? agent.profile);
      const chosen = adapter?.chooseSession() ?? null;
      const cwd = agent.worktree?.path ?? agent.cwd;
      const env = fullAgentEnv(agent, cwd, this.o.hookDir ?? null);
      const lineage = [...(agent.conversation?.lineage ?? []), ...(agent.sessionId ? [agent.sessionId] : [])];
      const after: FreshSession = { sessionId: chosen?.sessionId ?? null, lineage, startedAt: now.toISOString() };
      // Written down first, with the pid the pane runs now: a daemon killed half way tells from the
      // pane's pid whether the new session started, and finishes (or forgets) the rest.
      const panePid = await this.panePid(agent);
      if (panePid === null) throw failure('TMUX_DISCONNECTED', `Could not read which process ${agent.name}'s pane runs, so a fresh session could not be started safely.`, 'Check that the tmux server runs (`tmuxcodex daemon status`), then try again.');
      const intent = this.writeIntent('fresh', agent.id, { agent: agent.id, panePid, after });
      try {
        await this.link.run(tmux.respawnPane(agent.paneId, cwd, { kind: 'argv', argv: launchArgv(agent.launch, chosen?.args ?? [], text) }, env));
      } catch (e) {
        // tmux said no: nothing started. (A lost connection leaves the intent for the next daemon to settle.)
        if (e instanceof TmuxCommandError) rmSync(intent, { force: true });
        throw e;
      }
      await this.recordFresh(agent, after);
      rmSync(intent, { force: true });
      return { agent: this.registry.get(agent.id)!, brief, previousSessionId: agent.sessionId };
    });
  }

  /** What fresh records once the new session runs: on the pane first (as everywhere), then in the registry. */
  private async recordFresh(agent: AgentRecord, after: FreshSession): Promise<void> {
    const pane = agent.paneId!;
    await this.link.run(after.sessionId ? tmux.setPaneOption(pane, PANE_META.sessionId, after.sessionId) : tmux.unsetPaneOption(pane, PANE_META.sessionId)).catch(() => {});
    await this.link.run(tmux.unsetPaneOption(pane, PANE_META.transcript)).catch(() => {});
    await this.link.run(tmux.setPaneOption(pane, PANE_META.lineage, after.lineage.join(','))).catch(() => {});
    this.registry.patch(agent.id, {
      sessionId: after.sessionId, transcriptPath: null, context: null, state: 'starting', exitCode: null,
      conversation: { startedAt: null, lastActivityAt: null, turns: 0, compactions: 0, freshStartedAt: after.startedAt, lineage: after.lineage },
    });
    this.transcripts.reset(agent.id);
  }

  /** Writes down (whole, and on disk) what is about to be done to an agent; returns the file, to remove when done. */
  private writeIntent(kind: string, agentId: string, intent: object): string {
    const path = join(this.o.stateDir, kind, `${agentId}.json`);
    writeFileAtomic(path, JSON.stringify(intent));
    return path;
  }

  /** Settles each intent a killed daemon left in stateDir/kind (one JSON file each), then removes it; a failure is logged. */
  private async settleIntents<T>(kind: string, failed: string, settle: (intent: T) => Promise<void>): Promise<void> {
    const dir = join(this.o.stateDir, kind);
    for (const file of existsSync(dir) ? readdirSync(dir) : []) {
      try {
        await settle(JSON.parse(readFileSync(join(dir, file), 'utf8')) as T);
      } catch (e) {
        this.o.log(`${failed}: ${(e as Error).message}`);
      }
      rmSync(join(dir, file), { force: true });
    }
  }


  /**
   * After the tmux server died (or the machine rebooted): every agent the journal still has, whose
   * folder exists, gets a pane again, resuming its CLI's session by id where there is one.
   */
  async resurrect(p: Params<'resurrect'>): Promise<Result<'resurrect'>> {
    await this.ensureSession({ session: null, cwd: p.cwd, width: null, height: null });
    return this.mutex.run(async () => {
      const results: Result<'resurrect'>['results'] = [];
      for (const agent of this.registry.all().filter((a) => a.state === 'gone')) {
        const cwd = agent.worktree?.path ?? agent.cwd;
        if (!existsSync(cwd)) {
          results.push({ agent: agent.name, resumed: null, paneId: null, skipped: `its folder ${cwd} no longer exists` });
          continue;
        }
        const adapter = adapterFor(agent.transcriptFormat ?? agent.profile);
        const resumeArgs = agent.sessionId && adapter ? adapter.resumeArgs(agent.sessionId, agent.model, agent.launch?.argv ?? []) : [];
        const program = agent.launch ? { kind: 'argv' as const, argv: launchArgv(agent.launch, resumeArgs, null) } : null;
        const revived = await reviveAgent({ runner: this.link, session: this.o.session, layout: this.o.layout, sidebar: this.o.sidebar, log: this.o.log, hookDir: this.o.hookDir ?? null }, agent, program);
        this.registry.put(revived);
        results.push({ agent: agent.name, resumed: resumeArgs.length ? agent.sessionId : null, paneId: revived.paneId, skipped: null });
      }
      return { results };
    });
  }

  /** Tidies away agents that have exited whose work is merged into their target; p.dryRun only says what it would do. */
  async clean(p: Params<'clean'>): Promise<Result<'clean'>> {
    return this.mutex.run(async () => {
      const results: Result<'clean'>['results'] = [];
      for (const agent of this.registry.all()) {
        if (agent.state !== 'exited' && agent.state !== 'gone') continue;
        const verdict = await cleanVerdict(agent);
        if (verdict.merged === 'no') {
          results.push({ agent: agent.name, branch: agent.branch, target: verdict.target, merged: 'no', action: 'kept', reason: verdict.reason, removed: null });
          continue;
        }
        const removed = p.dryRun ? null : await this.removeAgent(agent, { keepWorktree: false, force: false, mergedInto: verdict.target ?? undefined });
        results.push({ agent: agent.name, branch: agent.branch, target: verdict.target, merged: verdict.merged, action: p.dryRun ? 'would-remove' : 'removed', reason: null, removed });
      }
      // Branches kept when their agents went: listed with what to do, never deleted here.
      const repo = p.cwd ? await worktreeRoot(p.cwd) : null;
      if (repo) for (const k of await keptBranchAdvice(repo)) results.push({ agent: k.agent, branch: k.branch, target: k.target, merged: k.merged, action: 'kept', reason: k.reason, removed: null });
      return { results };
    });
  }

  /** Takes the state an agent CLI's hook reports (waiting needs the person); an exited or gone agent keeps its state. */
  async signal(p: Params<'signal'>): Promise<Result<'signal'>> {
    const agent = this.registry.resolve(p.agent);
    if (agent.state === 'exited' || agent.state === 'gone') return { agent };
    this.waitingHold.hooked(agent.id, p.state);
    if (agent.state === p.state) return { agent };
    // The registry first: the sidebar and the status segment hear of it without waiting for tmux. The
    // state option is only for borders and is never read back, so no reconcile can undo the change.
    this.registry.patch(agent.id, { state: p.state });
    if (agent.paneId) await this.link.run(tmux.setPaneOption(agent.paneId, STATE_OPTION, p.state)).catch((e) => this.o.log(`the state option of ${agent.name}: ${(e as Error).message}`));
    return { agent: this.registry.get(agent.id) ?? agent };
  }

  /** Marks the pane of the agent selected in the sidebar (its border is drawn reversed), unmarking the last one. */
  async highlight(p: Params<'highlight'>): Promise<Result<'highlight'>> {
    const pane = p.agent ? this.registry.resolve(p.agent).paneId : null;
    if (this.highlighted && this.highlighted !== pane) await this.link.run(tmux.unsetPaneOption(this.highlighted, SELECTED_OPTION)).catch(() => {});
    if (pane && pane !== this.highlighted) await this.link.run(tmux.setPaneOption(pane, SELECTED_OPTION, '1')).catch(() => {});
    this.highlighted = pane;
    return { paneId: pane };
  }

  /**
   * Folds the sidebars away (one column wide) or back to their width, in every managed window:
   * the sidebar keeps running, so its state and keys are there again at once.
   */
  async toggleSidebar(): Promise<Result<'toggleSidebar'>> {
    const hidden = this.o.layout.sidebarWidth !== FOLDED_SIDEBAR_WIDTH;
    this.o.layout.sidebarWidth = hidden ? FOLDED_SIDEBAR_WIDTH : this.sidebarWidth;
    await this.watch.relayoutAll();
    return { hidden };
  }

  /** Records the pull request opened for an agent, on its pane and in the registry. */
  async setPr(p: Params<'setPr'>): Promise<Result<'setPr'>> {
    const agent = this.registry.resolve(p.agent);
    // Pane first, registry second: a reconcile reading the panes in between must find it there.
    if (agent.paneId && agent.state !== 'gone') {
      await this.link.run(tmux.setPaneOption(agent.paneId, PANE_META.prUrl, encodeOptionValue(p.pr.url))).catch(() => {});
      await this.link.run(tmux.setPaneOption(agent.paneId, PANE_META.prBase, encodeOptionValue(p.pr.base))).catch(() => {});
    }
    this.registry.patch(agent.id, { pr: p.pr });
    return { agent: this.registry.get(agent.id)! };
  }

  /** The merge map of the repository around cwd: its agents' branches and worktrees against targets. */
  async map(p: Params<'map'>): Promise<Result<'map'>> {
    const repo = await worktreeRoot(p.cwd);
    if (!repo) throw usageError('NOT_IN_GIT_REPO', `${p.cwd} is not inside a git repository.`, 'Run `tmuxcodex map` inside the repository.');
    const worktrees = new Set((await listWorktrees(repo)).map((w) => w.path));
    const rows = mapRowSources(this.registry.all().filter((a) => a.state !== 'gone' && a.worktree && worktrees.has(a.worktree.path)));
    const targets = p.targets.length ? p.targets : [(await defaultBranch(repo)) ?? 'main'];
    // The live fields' cache answers for every branch that has not moved since; dirty counts are read fresh.
    const common = await commonGitDir(repo);
    return computeMergeMap(repo, targets, rows, { cache: (common && this.gitFields.cacheFor(common)) || undefined, keptRows: true });
  }

  /** Copies files matching globs from each agent's source worktree into its own (new worktrees only). */
  async syncFiles(p: Params<'syncFiles'>): Promise<Result<'syncFiles'>> {
    const agents = p.agent ? [this.registry.resolve(p.agent)] : this.registry.all().filter((a) => a.state !== 'gone');
    const results: Result<'syncFiles'>['results'] = [];
    for (const a of agents) {
      if (a.worktree?.mode !== 'new' || !a.source) {
        if (p.agent) throw usageError('NOT_A_NEW_WORKTREE', `Agent "${a.name}" works in a ${a.worktree?.mode ?? 'plain'} worktree, which has no source to sync from.`, 'sync-files applies to agents spawned with --worktree new.');
        continue;
      }
      if (!existsSync(a.source)) {
        if (p.agent) throw usageError('SOURCE_GONE', `Agent "${a.name}" was provisioned from ${a.source}, which no longer exists.`, 'Copy the files by hand.');
        continue;
      }
      const copied = await copyMatching(a.source, a.worktree.path, p.globs, undefined, true);
      // What tmuxcodex copied is not the agent's change: kill saves only what differs from it.
      await recordProvisioned(a.worktree.path, copied).catch(() => {}); // unrecorded, kill would only save it too
      results.push({ agent: a.name, worktree: a.worktree.path, copied });
    }
    return { results };
  }

  /** Closes managed windows other than the first once their last agent is gone. */
  private async closeEmptyWindows(): Promise<void> {
    if (!this.link.connected) return;
    const windows = [...managedWindows(await listSessionPanes(this.link, this.o.session))];
    for (const [windowId, panes] of windows.slice(1)) {
      if (panes.every((p) => p.role === 'sidebar')) {
        await this.link.run(tmux.killWindow(windowId)).catch(() => {});
        this.watch.forgetWindow(windowId);
      }
    }
  }

  /** The live pane of an agent, or a clear error if it has none. */
  private livePane(ref: string): { agent: AgentRecord; paneId: string } {
    const agent = this.registry.resolve(ref);
    if (!agent.paneId || agent.state === 'gone') throw usageError('AGENT_GONE', `Agent "${agent.name}" has no pane any more.`, `Remove it with \`tmuxcodex kill ${agent.name}\`.`);
    return { agent, paneId: agent.paneId };
  }

  async focus(p: Params<'focus'>): Promise<Result<'focus'>> {
    const { agent, paneId } = this.livePane(p.agent);
    if (agent.windowId) await this.link.run(tmux.selectWindow(agent.windowId));
    await this.link.run(tmux.selectPane(paneId));
    return { agent };
  }

  /** Types text (then Enter) into an agent; sends to one pane run one at a time, so they never interleave. */
  async send(p: Params<'send'>): Promise<Result<'send'>> {
    const { paneId } = this.livePane(p.agent);
    const lock = this.paneLocks.get(paneId) ?? new Mutex();
    this.paneLocks.set(paneId, lock);
    return lock.run(() => this.sendNow(p));
  }

  private async sendNow(p: Params<'send'>): Promise<Result<'send'>> {
    const { agent, paneId } = this.livePane(p.agent);
    if (agent.state === 'exited') throw usageError('AGENT_EXITED', `Agent "${agent.name}" has exited (status ${agent.exitCode ?? '?'}); nothing reads its input.`, 'Spawn it again, or `tmuxcodex kill` it.');
    // ESC and the other control characters would act as keys (ESC [201~ even ends a bracketed paste).
    const control = keyLikeCharacter(p.text);
    if (control) throw usageError('CONTROL_CHARACTER', `The text holds a control character (0x${control.code.toString(16).padStart(2, '0')}) at position ${control.index}, which would act as a key press in the agent; nothing was sent.`, 'Send plain text: letters, tabs and newlines (a carriage return is Enter: use newlines, and no --no-enter if it should be submitted).');
    // Taken before the text goes in: an agent that reads line by line can answer during the paste,
    // and its answer must count as after the send (else wait --idle would wait for a turn already done).
    const sentAt = Date.now();
    if (p.text.includes('\n') || p.text.length > PASTE_ABOVE) await this.paste(agent.id, paneId, p.text);
    else if (p.text.length) await this.link.run(tmux.sendText(paneId, p.text));
    if (p.enter) this.lastSent.set(agent.id, sentAt);
    if (p.enter) {
      // Codex takes text followed at once by Enter as a paste and does not submit it (agent-tuis.md):
      // an agent CLI gets the Enter once it has drawn the text (in a read of its own), else after a pause.
      const agentCli = adapterFor(agent.transcriptFormat ?? agent.profile) !== null;
      if (p.text.length && agentCli && !p.text.includes('\n')) await waitTextDrawn(this.link, paneId, p.text, SUBMIT_DRAWN_MS);
      if (p.text.length) await new Promise((r) => setTimeout(r, 120));
      await this.link.run(tmux.sendEnter(paneId)).catch((e) => {
        if (e instanceof TmuxCommandError && /can't find pane/.test(e.message)) throw failure('AGENT_GONE', `Agent "${agent.name}"'s pane went away while the text was being given to it.`, 'It was killed or exited meanwhile: `tmuxcodex list` shows it.');
        throw e;
      });
      // An agent CLI still starting keeps the text but drops the Enter (src/agents/submit-check.ts).
      // A turn already running queues the prompt: nothing to check then.
      if (p.text.trim() && agent.state !== 'working' && adapterFor(agent.transcriptFormat ?? agent.profile)) {
        const taken = () => { try { return Date.parse(this.registry.resolve(agent.id).conversation?.lastActivityAt ?? '') >= sentAt; } catch { return true; } };
        await ensureSubmitted(this.link, paneId, p.text, { deadlineMs: SUBMIT_DEADLINE_MS, taken });
      }
    }
    return { agent };
  }

  /**
   * Gives a pane text as one paste (bracketed when its program asked for that): newlines do not
   * submit line by line, and 1 MB goes in one piece. The text travels through a private file, not
   * the control connection's command line.
   */
  private async paste(agentId: string, paneId: string, text: string): Promise<void> {
    const dir = join(this.o.stateDir, 'paste');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${agentId}-${process.pid}-${Date.now()}.txt`);
    writeFileSync(file, text, { mode: 0o600 });
    try {
      const buffer = `tmuxcodex-${agentId}`;
      await this.link.run(tmux.loadBuffer(buffer, file));
      await this.link.run(tmux.pasteBuffer(buffer, paneId));
    } finally {
      rmSync(file, { force: true });
    }
  }

  async capture(p: Params<'capture'>): Promise<Result<'capture'>> {
    const { paneId } = this.livePane(p.agent);
    const lines = await this.link.run(tmux.capturePane(paneId, p.lines));
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return { text: lines.join('\n') };
  }

  /** Resolves when the agent has exited or gone, the timeout passes, or the client hangs up. */
  /**
   * Resolves when the agent has exited or gone (until exit), has finished what it was last sent
   * (until idle: idle or waiting for the person, with transcript activity after the last send, so a
   * wait right after a send does not return on the idle state from before it), or waits for the
   * person (until waiting); also when it ends first (reached false), at the timeout, or when the
   * client hangs up.
   */
  async wait(p: Params<'wait'>, client: ClientConn): Promise<Result<'wait'>> {
    const start = this.registry.resolve(p.agent);
    if (p.until !== 'exit' && !adapterFor(start.transcriptFormat ?? start.profile)) {
      throw usageError('NO_IDLE_STATE', `Agent "${start.name}" runs ${start.launch ? `the ${start.profile} CLI` : 'a shell or command'}, whose turns tmuxcodex cannot see (it reads Codex and Claude Code transcripts).`, 'Use `wait --exit`, or watch it with `tmuxcodex capture`.');
    }
    const ended = (a: AgentRecord) => a.state === 'exited' || a.state === 'gone';
    // wait --exit answers with the exit status: tmux can report the pane dead a moment before its status.
    const statusKnown = (a: AgentRecord) => p.until !== 'exit' || a.state !== 'exited' || a.exitCode !== null;
    const settled = (a: AgentRecord) => {
      if (a.state !== 'idle' && a.state !== 'waiting') return false;
      const sent = this.lastSent.get(a.id);
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
        this.registry.off('updated', onUpdate);
        this.registry.off('removed', onRemove);
        resolve({ agent, timedOut, reached: !timedOut && reached(agent) });
      };
      const onUpdate = (a: AgentRecord) => {
        if (a.id !== start.id || !done(a)) return;
        if (statusKnown(a)) return finish(a, false);
        // An exit status that never comes (the pane's process was not reaped) does not hold the wait for ever.
        grace ??= setTimeout(() => finish(this.registry.get(start.id) ?? a, false), 3000);
      };
      const onRemove = (a: AgentRecord) => { if (a.id === start.id) finish({ ...a, state: 'gone' }, false); };
      this.registry.on('updated', onUpdate);
      this.registry.on('removed', onRemove);
      onUpdate(start); // already exited, its status not read yet: the grace starts now
      if (p.timeoutMs !== null) timer = setTimeout(() => finish(this.registry.get(start.id) ?? start, true), p.timeoutMs);
      void client.closed.then(() => finish(this.registry.get(start.id) ?? start, true));
    });
  }

  /** The pid of the process an agent's pane runs (its processes hold a Codex session's files open). */
  private async panePid(agent: AgentRecord): Promise<number | null> {
    if (!agent.paneId || !this.link.connected) return null;
    const out = await this.link.run(tmux.display(agent.paneId, '#{pane_pid}')).catch(() => [] as string[]);
    return Number(out[0]) || null;
  }

  /**
   * Publishes what an agent's transcript says: context, conversation, session id and state in the
   * registry; context percent, state and where the transcript is on the pane (for borders, and for a
   * daemon that starts again). An exited or gone agent keeps that state.
   */
  private async transcriptUpdated(id: string, u: TranscriptUpdate): Promise<void> {
    const before = this.registry.get(id);
    if (!before) return;
    const state = before.state === 'exited' || before.state === 'gone' ? before.state : this.waitingHold.resolve(id, before.state, u.state, u.conversation?.lastActivityAt ?? null);
    // Pane first, registry second (as setPr): a reconcile in between must not undo the change.
    if (before.paneId && before.state !== 'gone') {
      const options: Array<[string, string]> = [];
      if (u.sessionId && u.sessionId !== before.sessionId) options.push([PANE_META.sessionId, u.sessionId]);
      if (u.transcriptPath && u.transcriptPath !== before.transcriptPath) options.push([PANE_META.transcript, encodeOptionValue(u.transcriptPath)]);
      const ctx = u.context?.percent != null ? `${Math.round(u.context.percent)}%` : '';
      if (ctx !== (before.context?.percent != null ? `${Math.round(before.context.percent)}%` : '') || !before.conversation) options.push([CONTEXT_OPTION, ctx]);
      if (state !== before.state) options.push([STATE_OPTION, state]);
      if (u.model && u.model !== before.model) options.push([PANE_META.model, encodeOptionValue(u.model)]);
      for (const [name, value] of options) await this.link.run(tmux.setPaneOption(before.paneId, name, value)).catch(() => {});
    }
    const now = this.registry.get(id);
    if (!now) return;
    // A hook may have spoken while the pane options were set: its waiting holds as above.
    const latest = now.state === 'exited' || now.state === 'gone' ? now.state : this.waitingHold.resolve(id, now.state, u.state, u.conversation?.lastActivityAt ?? null);
    this.registry.patch(id, { sessionId: u.sessionId, transcriptPath: u.transcriptPath, context: u.context, conversation: u.conversation, model: u.model ?? now.model, state: latest });
  }

  /** Records how far a fix agent's commits have been brought, on its pane and in the registry. */
  private async fixTipRecorded(id: string, tip: string): Promise<void> {
    const agent = this.registry.get(id);
    if (!agent?.fix) return;
    if (agent.paneId && agent.state !== 'gone') await this.link.run(tmux.setPaneOption(agent.paneId, PANE_META.fixTip, tip)).catch(() => {});
    const now = this.registry.get(id);
    if (now?.fix) this.registry.patch(id, { fix: { ...now.fix, propagatedTip: tip } });
  }


  /** Records on the pane and in the registry that an agent's cloned folders are its own now. */
  private async depsMadePrivate(id: string, deps: AgentRecord['deps']): Promise<void> {
    const agent = this.registry.get(id);
    if (!agent) return;
    if (agent.paneId && agent.state !== 'gone') {
      await this.link.run(tmux.setPaneOption(agent.paneId, PANE_META.deps, deps.map((d) => `${d.dir}=${d.key}`).join(','))).catch(() => {});
    }
    if (this.registry.get(id)) this.registry.patch(id, { deps });
  }

  /** Stops after the operation in progress (a spawn half way would otherwise leave its worktree). */
  async close(): Promise<void> {
    await Promise.race([this.mutex.run(async () => {}), new Promise((r) => setTimeout(r, 60_000))]);
    this.deps.close();
    await this.fixes.close();
    await this.gitFields.close();
    this.transcripts.close();
    this.attention.close();
    this.hooks?.close();
    this.status.close();
    this.watch.close();
    await this.link.close();
  }
}
