// Keeps each agent's context size, session age, turns and working/idle state current from its
// own transcript. Until the file is found, the locator is asked every second (Claude's path is
// known from the session id chosen at spawn; Codex's comes from the pane's processes or the
// session folders); then fs.watch on the file wakes a tail read of only the new bytes, with a slow
// poll as a safety net for missed events.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { AgentRecord, AgentState } from '../../core/agent.js';
import { contextPercent, emptySessionFacts, type SessionFacts } from '../../core/session.js';
import { JsonlTail, MAX_LINE_BYTES } from '../../transcripts/jsonl-tail.js';
import { firstRead } from '../../transcripts/first-read.js';
import { adapterFor, type TranscriptAdapter } from '../../transcripts/adapters.js';

const LOCATE_EVERY_MS = 1000;
const SAFETY_POLL_MS = 5000;
/** A write of several lines arrives as several events: read once they settle. */
const SETTLE_MS = 15;

interface Watched {
  adapter: TranscriptAdapter;
  facts: SessionFacts;
  tail: JsonlTail | null;
  fileWatch: FSWatcher | null;
  settle?: NodeJS.Timeout;
  reading: Promise<void>;
  lastLocate: number;
  firstReadDone: boolean;
}

export interface TranscriptUpdate {
  sessionId: string | null;
  transcriptPath: string | null;
  context: AgentRecord['context'];
  conversation: AgentRecord['conversation'];
  state: AgentState;
  /** The model the session runs (configured, else as the transcript names it). */
  model: string | null;
}

/** The state an agent shows from its transcript's facts (alive agents only). */
export function stateFrom(facts: SessionFacts, hasTranscript: boolean): AgentState {
  if (!hasTranscript) return 'starting';
  return facts.activity === 'unknown' ? 'unknown' : facts.activity;
}

/** The transcript format an agent writes: recorded at spawn, else (older records) its profile's name. */
function formatOf(a: AgentRecord): string | null {
  const f = a.transcriptFormat ?? a.profile;
  return adapterFor(f) ? f : null;
}

export class TranscriptWatcher {
  private readonly watched = new Map<string, Watched>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly agents: () => AgentRecord[],
    private readonly publish: (agentId: string, update: TranscriptUpdate) => void,
    private readonly panePid: (agent: AgentRecord) => Promise<number | null>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (m: string) => void,
  ) {
    this.timer = setInterval(() => this.tick(), LOCATE_EVERY_MS);
    this.timer.unref();
  }

  /** Starts watching live agents that have an adapter; stops for the others. */
  sync(): void {
    const live = new Map(this.agents().filter((a) => a.state !== 'gone' && formatOf(a)).map((a) => [a.id, a]));
    for (const [id, w] of this.watched) if (!live.has(id)) { this.stop(w); this.watched.delete(id); }
    for (const a of live.values()) {
      if (this.watched.has(a.id)) continue;
      const w: Watched = { adapter: adapterFor(formatOf(a)!)!, facts: emptySessionFacts(), tail: null, fileWatch: null, reading: Promise.resolve(), lastLocate: 0, firstReadDone: false };
      this.watched.set(a.id, w);
      this.schedule(a.id, w);
    }
  }

  /** What the transcript says of an agent's session now (for a handoff brief), or null. */
  factsFor(agentId: string): SessionFacts | null {
    return this.watched.get(agentId)?.facts ?? null;
  }

  close(): void {
    clearInterval(this.timer);
    for (const w of this.watched.values()) this.stop(w);
    this.watched.clear();
  }

  /** Forgets what was read for an agent (a fresh session): the next read starts over. */
  reset(agentId: string): void {
    const w = this.watched.get(agentId);
    if (!w) return;
    this.stop(w);
    this.watched.delete(agentId);
    this.sync();
  }

  private stop(w: Watched): void {
    clearTimeout(w.settle);
    w.fileWatch?.close();
    w.fileWatch = null;
  }

  private tick(): void {
    const now = Date.now();
    for (const [id, w] of this.watched) {
      // Not found, or found but not created yet (both CLIs write at the first prompt): every second.
      if (!w.tail || !w.fileWatch || now - w.lastLocate >= SAFETY_POLL_MS) this.schedule(id, w);
    }
  }

  private schedule(id: string, w: Watched): void {
    w.reading = w.reading.then(() => this.refresh(id, w)).catch((e) => this.log(`transcript of ${id}: ${(e as Error).message}`));
  }

  /** Finds the transcript if needed, reads what is new, and publishes when anything changed. */
  private async refresh(id: string, w: Watched): Promise<void> {
    const agent = this.agents().find((a) => a.id === id);
    if (!agent || !this.watched.has(id)) return;
    w.lastLocate = Date.now();
    if (!w.tail) {
      const found = await w.adapter.locate({
        env: this.env, cwd: agent.worktree?.path ?? agent.cwd, panePid: await this.panePid(agent), sessionId: agent.sessionId,
        // After a fresh start the new session began then, and the agent's own earlier sessions are not it.
        since: Date.parse(agent.conversation?.freshStartedAt ?? agent.createdAt),
        claimed: new Set([...this.claimedBy(id), ...(agent.conversation?.lineage ?? []).map((x) => x.toLowerCase())]),
      });
      if (found) {
        const path = found.path;
        w.tail = new JsonlTail(path, { onOversized: (at) => this.log(`transcript of ${id}: skipping the line at byte ${at} of ${path}: longer than ${MAX_LINE_BYTES} bytes (not read, to keep memory bounded)`) });
        w.facts.sessionId = found.sessionId;
      }
    }
    // Watch first, then read: an append between the two is read now or wakes the watch.
    if (w.tail && !w.fileWatch) this.watchFile(id, w, w.tail.path);
    let changed = false;
    if (w.tail && !w.firstReadDone && existsSync(w.tail.path)) {
      await firstRead(w.tail, w.facts, w.adapter.apply, w.adapter.scan);
      w.firstReadDone = true;
      changed = true;
    } else if (w.tail && w.firstReadDone) changed = (await w.tail.read((r) => w.adapter.apply(w.facts, r))) > 0;
    if (changed || !agent.conversation || agent.state === 'running') this.publish(id, this.update(agent, w));
  }

  /** Session ids that other agents read: never given to a second agent. */
  private claimedBy(except: string): Set<string> {
    return new Set(this.agents().filter((a) => a.id !== except && a.sessionId && this.watched.get(a.id)?.tail).map((a) => a.sessionId!.toLowerCase()));
  }

  /** Watches the transcript for appends; while it does not exist yet the one-second tick tries again. */
  private watchFile(id: string, w: Watched, path: string): void {
    if (w.fileWatch) return;
    try {
      w.fileWatch = watch(path, () => {
        clearTimeout(w.settle);
        w.settle = setTimeout(() => this.schedule(id, w), SETTLE_MS);
      });
      // A watch that fails (the file removed, inotify out of watches) is dropped; the next sync watches again.
      w.fileWatch.on('error', () => { w.fileWatch?.close(); w.fileWatch = null; });
    } catch {
      w.fileWatch = null; // no file to watch yet (as above)
    }
  }

  private update(agent: AgentRecord, w: Watched): TranscriptUpdate {
    const f = w.facts;
    const model = w.adapter.sessionModel(agent.model, f);
    // A window set for the agent wins; then what the transcript states (Codex); then the model's (Claude).
    const window = agent.contextWindow ?? f.windowTokens ?? w.adapter.windowOf(model);
    const hasTranscript = f.lastActivityAt !== null;
    return {
      sessionId: f.sessionId ?? agent.sessionId,
      transcriptPath: w.tail?.path ?? agent.transcriptPath,
      context: f.usedTokens === null ? null : { usedTokens: f.usedTokens, windowTokens: window, percent: contextPercent(f.usedTokens, window), updatedAt: f.lastActivityAt ?? new Date().toISOString() },
      conversation: {
        startedAt: f.startedAt, lastActivityAt: f.lastActivityAt, turns: f.turns, compactions: f.compactions,
        freshStartedAt: agent.conversation?.freshStartedAt ?? null, lineage: agent.conversation?.lineage ?? [],
      },
      state: stateFrom(f, hasTranscript),
      model,
    };
  }
}
