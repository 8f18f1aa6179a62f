// The daemon's registry of agents: rebuilt from tmux pane options, kept in a journal on disk.
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { AgentRecord } from '../../core/agent.js';
import { usageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';

const JOURNAL_VERSION = 1;

export interface RegistryEvents {
  added: [AgentRecord];
  updated: [AgentRecord];
  removed: [AgentRecord];
  /** The journal became unwritable (the problem, in words) or writable again (null). */
  journal: [string | null];
}

/** Reads the journal; a missing or unreadable journal is an empty one (tmux is the truth for live agents). */
export function readJournal(path: string): AgentRecord[] {
  return loadJournal(path).agents;
}

/**
 * Reads the journal; one that cannot be read as a journal (corrupted, truncated, another version)
 * is copied aside (agents.json.bad-TIME) and reported, and the registry starts empty: tmux's panes
 * rebuild the live agents.
 */
export function loadJournal(path: string): { agents: AgentRecord[]; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { agents: [], problem: null }; // none yet
    // A folder in its place, or no permission: the agents it held are out of reach, and that is said.
    return { agents: [], problem: `the journal ${path} could not be read (${(e as Error).message}); the agents were rebuilt from tmux's panes, and agents whose panes are gone cannot be brought back by resurrect` };
  }
  try {
    const data = JSON.parse(text) as { version?: number; agents?: AgentRecord[] };
    if (data.version === JOURNAL_VERSION && Array.isArray(data.agents) && data.agents.every((a) => a && typeof a.id === 'string' && typeof a.name === 'string')) return { agents: data.agents, problem: null };
    throw new Error(data.version !== JOURNAL_VERSION ? `version ${String(data.version)} is not ${JOURNAL_VERSION}` : 'its agents are not a list of records');
  } catch (e) {
    const copy = `${path}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try { copyFileSync(path, copy); chmodSync(copy, 0o600); } catch { /* the report still says what happened */ }
    return { agents: [], problem: `the journal ${path} could not be read (${(e as Error).message}); a copy was kept at ${copy}, and the agents were rebuilt from tmux's panes` };
  }
}

/** A journal write failure in words: what, why, and what it means for resurrect. */
function journalWriteProblem(path: string, e: NodeJS.ErrnoException): string {
  const why = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'the disk is full'
    : e.code === 'EROFS' ? 'the file system is read-only'
      : e.code === 'EACCES' || e.code === 'EPERM' ? 'no permission to write there'
        : e.code === 'EISDIR' ? 'a folder is in its place'
          : e.code === 'ENOTDIR' ? 'a file is in place of its folder' : e.message;
  return `the journal ${path} cannot be written (${why}: ${e.code ?? e.message}); agents still run, but what changed since will not survive the tmux server (resurrect cannot bring it back) until it can`;
}

/** States that come from an agent's transcript rather than from tmux (which only knows alive or dead). */
const TRANSCRIPT_STATES: ReadonlySet<string> = new Set(['starting', 'working', 'idle', 'waiting', 'unknown']);

export class Registry extends EventEmitter<RegistryEvents> {
  private readonly agents = new Map<string, AgentRecord>();

  /** What went wrong reading the journal at start, for the log and `daemon status`; null when nothing did. */
  readonly journalProblem: string | null;
  /** Why the last journal write failed; null once one succeeds (shown by list, daemon status, the sidebar). */
  private writeProblem: string | null = null;

  constructor(private readonly journalPath: string, private readonly onSaveError: (problem: string | null) => void = () => {}) {
    super();
    const { agents, problem } = loadJournal(journalPath);
    this.journalProblem = problem;
    for (const a of agents) this.agents.set(a.id, a);
  }

  all(): AgentRecord[] {
    return [...this.agents.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  byPane(paneId: string): AgentRecord | undefined {
    for (const a of this.agents.values()) if (a.paneId === paneId && a.state !== 'gone') return a;
    return undefined;
  }

  /** Names held by agents with a pane (live or exited). A gone agent's name may be taken again. */
  names(): Set<string> {
    return new Set([...this.agents.values()].filter((a) => a.state !== 'gone').map((a) => a.name));
  }

  /** Drops gone records named name: a new agent took the name over. */
  dropGoneNamed(name: string): void {
    for (const a of [...this.agents.values()]) if (a.name === name && a.state === 'gone') this.remove(a.id);
  }

  ids(): Set<string> {
    return new Set(this.agents.keys());
  }

  /** Finds an agent by id, by unique name, or by its pane id; a clear usage error otherwise. */
  resolve(ref: string): AgentRecord {
    const byId = this.agents.get(ref);
    if (byId) return byId;
    // A pane id (%12): what key bindings pass for "the agent in this pane".
    if (/^%\d+$/.test(ref)) {
      const inPane = [...this.agents.values()].find((a) => a.paneId === ref && a.state !== 'gone');
      if (inPane) return inPane;
      throw usageError('NOT_AN_AGENT_PANE', `Pane ${ref} runs no agent.`, 'Select an agent\'s pane first (tmuxcodex list shows them).');
    }
    const matches = [...this.agents.values()].filter((a) => a.name === ref);
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw usageError('AMBIGUOUS_AGENT', `More than one agent is named "${ref}".`, `Use the id instead: ${matches.map((a) => a.id).join(', ')}.`);
    throw usageError('AGENT_NOT_FOUND', `No agent is called "${ref}".`, 'Run `tmuxcodex list` to see the agents and their ids.');
  }

  /** Adds or replaces a record, emits the change and writes the journal. */
  put(record: AgentRecord): void {
    const existed = this.agents.has(record.id);
    const before = this.agents.get(record.id);
    if (before && JSON.stringify(before) === JSON.stringify(record)) return;
    this.agents.set(record.id, record);
    this.save();
    this.emit(existed ? 'updated' : 'added', record);
  }

  /** Applies a change to one record if it exists. */
  patch(id: string, change: Partial<AgentRecord>): void {
    const a = this.agents.get(id);
    if (a) this.put({ ...a, ...change });
  }

  remove(id: string): void {
    const a = this.agents.get(id);
    if (!a) return;
    this.agents.delete(id);
    this.save();
    this.emit('removed', a);
  }

  /**
   * Reconciles with the agent panes tmux has now: those are the truth; a journal record whose pane
   * is no longer there is marked gone (killed by hand, or the server died) but kept for resurrect.
   */
  reconcile(live: readonly AgentRecord[]): void {
    const liveIds = new Set(live.map((a) => a.id));
    for (const rec of live) {
      const known = this.agents.get(rec.id);
      // Fields tmux does not carry (context, git, conversation, the state a transcript gave) survive from what we knew.
      const state = rec.state === 'running' && known && TRANSCRIPT_STATES.has(known.state) ? known.state : rec.state;
      this.put(known ? { ...known, ...rec, state, transcriptPath: rec.transcriptPath ?? known.transcriptPath, context: known.context, git: known.git, conversation: known.conversation ?? rec.conversation } : rec);
    }
    for (const a of this.agents.values()) {
      if (!liveIds.has(a.id) && a.state !== 'gone') this.put({ ...a, state: 'gone', paneId: a.paneId });
    }
  }

  /** Why the journal cannot be written now (null when the last write worked). */
  get journalWriteProblem(): string | null {
    return this.writeProblem;
  }

  /**
   * Writes the journal; a failure is not thrown (tmux stays the truth for live agents) but kept, so
   * that it is shown until a write works again. onSaveError hears of each change, not of every write.
   */
  save(): void {
    let problem: string | null = null;
    try {
      writeFileAtomic(this.journalPath, JSON.stringify({ version: JOURNAL_VERSION, agents: this.all() }, null, 2) + '\n');
    } catch (e) {
      problem = journalWriteProblem(this.journalPath, e as NodeJS.ErrnoException);
    }
    if (problem === this.writeProblem) return;
    this.writeProblem = problem;
    this.onSaveError(problem);
    this.emit('journal', problem);
  }
}
