// Telling the person when an agent needs them: it starts waiting, finishes a turn, or its context
// or session age crosses a threshold (time for `tmuxcodex fresh`). Each such moment is an event on
// the daemon's socket; waiting and finished also ring the pane's bell (tmux marks the window);
// a tmux message shows on every attached client when the config asks; and the user's notify
// command runs for the kinds it lists.
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { AgentRecord } from '../../core/agent.js';
import type { Config, NotifyKind } from '../../config/schema.js';
import { startDetached } from '../../proc/run.js';
import { tmux } from '../../tmux/command.js';
import { CLIENT_NAMES, PANE_TTY } from '../../tmux/formats.js';
import type { TmuxLink } from '../../tmux/link.js';
import type { FreshReason } from '../../agents/handoff.js';

export interface Attention { agent: AgentRecord; kind: NotifyKind; text: string }

interface Seen { state: AgentRecord['state']; level: number; aged: boolean; fixBlocked: string | null }

/** thresholds.autoFresh is between-turns: a fresh session is due once the agent is idle. */
export interface FreshDue { agent: AgentRecord; reason: FreshReason }

const AGE_CHECK_MS = 60_000;

export class AttentionWatcher extends EventEmitter<{ attention: [Attention]; 'fresh-due': [FreshDue] }> {
  private readonly seen = new Map<string, Seen>();
  /** Agents past a threshold whose fresh session waits for the end of their turn (autoFresh: between-turns). */
  private readonly freshDue = new Map<string, FreshReason>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly link: TmuxLink,
    private readonly settings: Pick<Config, 'thresholds' | 'notify'>,
    private readonly agents: () => AgentRecord[],
    private readonly log: (m: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.timer = setInterval(() => { for (const a of this.agents()) this.checkAge(a); }, AGE_CHECK_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Context level: 0 below warn, 1 from warn, 2 from critical. */
  private level(a: AgentRecord): number {
    const p = a.context?.percent ?? 0;
    return p >= this.settings.thresholds.contextCritical ? 2 : p >= this.settings.thresholds.contextWarn ? 1 : 0;
  }

  /** Looks at an agent's new record against what was seen of it before. */
  updated(a: AgentRecord): void {
    const before = this.seen.get(a.id);
    const blocked = a.fixBlocked ? `${a.fixBlocked.fix} ${a.fixBlocked.commit}` : null;
    const now: Seen = { state: a.state, level: this.level(a), aged: before?.aged ?? false, fixBlocked: blocked };
    this.seen.set(a.id, now);
    if (!before) return; // a first sight is not a change
    if (a.fixBlocked && blocked !== before.fixBlocked) {
      this.raise(a, 'fix-blocked', `${a.name}: fix blocked: ${a.fixBlocked.reason} (${a.fixBlocked.fix}'s ${a.fixBlocked.commit.slice(0, 7)}; its later commits wait). Resolve it there, or run tmuxcodex propagate ${a.fixBlocked.commit.slice(0, 7)} --to ${a.name}`);
    }
    if (a.state === 'waiting' && before.state !== 'waiting') this.raise(a, 'waiting', `${a.name} needs you`);
    if (a.state === 'idle' && before.state === 'working') this.raise(a, 'finished', `${a.name} finished its turn`);
    if (now.level > before.level) {
      const limit = now.level === 2 ? this.settings.thresholds.contextCritical : this.settings.thresholds.contextWarn;
      const percent = a.context?.percent ?? 0;
      if (now.level === 2) this.dueFresh(a, { kind: 'context', percent, limit });
      this.raise(a, 'context', `${a.name}: context ${Math.round(percent)}% (over ${limit}%)${this.advice(a, now.level === 2)}`);
    }
    // A fresh session starts a new age.
    if (a.conversation?.freshStartedAt && now.aged && this.ageHours(a) < this.settings.thresholds.ageHours) now.aged = false;
    this.startDueFresh(a);
  }

  removed(a: AgentRecord): void {
    this.seen.delete(a.id);
    this.freshDue.delete(a.id);
  }

  /** What the message advises, by the autoFresh policy (critical: the threshold that acts). */
  private advice(a: AgentRecord, critical: boolean): string {
    const policy = this.settings.thresholds.autoFresh;
    if (policy === 'off') return '';
    if (policy === 'between-turns' && critical) return '; a fresh session with a handoff brief starts once its turn ends';
    return `; tmuxcodex fresh ${a.name} starts a new session with a handoff brief`;
  }

  /** Notes that a fresh session is due (between-turns policy only); the first reason stands until it starts. */
  private dueFresh(a: AgentRecord, reason: FreshReason): void {
    if (this.settings.thresholds.autoFresh !== 'between-turns' || !a.launch) return;
    if (!this.freshDue.has(a.id)) this.freshDue.set(a.id, reason);
  }

  /** A due fresh session that could not start (the agent was busy again): it waits for the next idle. */
  postponeFresh(a: AgentRecord, reason: FreshReason): void {
    if (this.seen.has(a.id)) this.freshDue.set(a.id, reason);
  }

  /** Asks for the due fresh session once the agent is idle: never inside a turn, at most once per crossing. */
  private startDueFresh(a: AgentRecord): void {
    const reason = this.freshDue.get(a.id);
    if (!reason || a.state !== 'idle') return;
    this.freshDue.delete(a.id);
    const why = reason.kind === 'context' ? `context ${Math.round(reason.percent)}%` : reason.kind === 'age' ? `session ${Math.floor(reason.hours)} h old` : 'a fresh session asked for';
    this.raise(a, 'fresh', `${a.name}: its turn ended with ${why}; starting a fresh session with a handoff brief`);
    this.emit('fresh-due', { agent: a, reason });
  }

  private ageHours(a: AgentRecord): number {
    const since = a.conversation?.freshStartedAt ?? a.conversation?.startedAt;
    return since ? (this.now() - Date.parse(since)) / 3_600_000 : 0;
  }

  private checkAge(a: AgentRecord): void {
    const s = this.seen.get(a.id);
    if (!s || s.aged || a.state === 'gone' || a.state === 'exited') return;
    const hours = this.ageHours(a);
    if (hours < this.settings.thresholds.ageHours) return;
    s.aged = true;
    this.dueFresh(a, { kind: 'age', hours, limit: this.settings.thresholds.ageHours });
    this.raise(a, 'age', `${a.name}: its session is ${Math.floor(hours)} h old${this.advice(a, true)}`);
    this.startDueFresh(a);
  }

  private raise(agent: AgentRecord, kind: NotifyKind, text: string): void {
    this.emit('attention', { agent, kind, text });
    void this.act(agent, kind, text).catch((e) => this.log(`telling about ${agent.name} (${kind}): ${(e as Error).message}`));
  }

  private async act(agent: AgentRecord, kind: NotifyKind, text: string): Promise<void> {
    if ((kind === 'waiting' || kind === 'finished') && agent.paneId && this.link.connected) {
      // A bell in the pane: tmux flags its window (and the status line shows it) until it is looked at.
      const tty = PANE_TTY.first(await this.link.run(tmux.display(agent.paneId, PANE_TTY.template)))?.tty;
      if (tty) await writeFile(tty, '\x07').catch(() => {});
    }
    if (this.settings.thresholds.message && this.link.connected) {
      const clients = CLIENT_NAMES.all(await this.link.run(tmux.listClients(CLIENT_NAMES.template))).filter((c) => !c.controlMode).map((c) => c.name);
      // -d (how long it shows) is newer than some tmux builds: without it tmux's display-time applies.
      for (const c of clients) await this.link.run(tmux.messageTo(c, `tmuxcodex: ${text}`, 5000)).catch(() => this.link.run(tmux.messageTo(c, `tmuxcodex: ${text}`, null)).catch(() => {}));
    }
    const command = this.settings.notify.command;
    if (command && this.settings.notify.on.includes(kind)) {
      startDetached(command[0]!, [...command.slice(1), text], { env: { ...process.env, TMUXCODEX_EVENT: kind, TMUXCODEX_AGENT_ID: agent.id, TMUXCODEX_AGENT_NAME: agent.name } });
    }
  }
}
