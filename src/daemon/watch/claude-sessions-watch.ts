// Claude agents' live state from Claude Code's own sessions/<pid>.json (2.1.332), so "waiting for
// you" needs no `hooks install`. The folder is watched with inotify (fs.watch), never polled; only
// while it does not exist yet (no Claude has run with this config) is it looked for every few
// seconds. A file is an agent's when it names the agent's session id (chosen at spawn), or when
// its pid runs inside the agent's pane (a Claude TUI started there, after /clear or a fresh start).
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentRecord } from '../../core/agent.js';
import { openRegular } from '../../fs/read-regular.js';
import { processAlive } from '../../proc/alive.js';
import { claudeSessionsDir, parseClaudeSession, pidOfSessionFile, type ClaudeSessionStatus } from '../../transcripts/claude-sessions.js';
import { processTree } from '../../transcripts/locate.js';

/** A Claude agent's state as its sessions file says it (busy is working). */
export interface SessionsReport { agentId: string; state: 'idle' | 'working' | 'waiting'; waitingFor: string | null; at: number }

/** How often the folder is looked for while it does not exist. */
const LOOK_FOR_DIR_MS = 3000;

const isClaude = (a: AgentRecord) => a.state !== 'gone' && (a.transcriptFormat ?? a.profile) === 'claude';

export class ClaudeSessionsWatcher {
  private watcher: FSWatcher | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** The Claude process whose file each agent follows. */
  private readonly pidOf = new Map<string, number>();
  /** Claude processes found in no agent's pane (the person's own sessions): not looked for again until the agents change. */
  private readonly foreign = new Set<number>();
  private closed = false;

  constructor(
    private readonly agents: () => AgentRecord[],
    private readonly panePid: (agent: AgentRecord) => Promise<number | null>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly report: (r: SessionsReport) => void,
    private readonly log: (m: string) => void,
  ) {}

  /** Follows the agents there are now: watches the folder once there is a Claude agent, and reads every file again (a new agent's may be there already). */
  sync(): void {
    const live = new Set(this.agents().filter(isClaude).map((a) => a.id));
    for (const id of this.pidOf.keys()) if (!live.has(id)) this.pidOf.delete(id);
    this.foreign.clear();
    if (!live.size || this.closed) return;
    if (this.watcher) void this.readAll();
    else this.open();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.watcher?.close();
    this.watcher = null;
  }

  private get dir(): string {
    return claudeSessionsDir(this.env);
  }

  /** Watches the folder and reads what it holds; while it is missing, tries again in a few seconds. */
  private open(): void {
    if (this.retry) return;
    try {
      this.watcher = watch(this.dir, (_type, name) => { if (name) void this.read(String(name)); });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`Claude's sessions folder ${this.dir}: ${(e as Error).message}`);
      this.retry = setTimeout(() => { this.retry = null; this.sync(); }, LOOK_FOR_DIR_MS);
      this.retry.unref();
      return;
    }
    // Removed, or inotify out of watches: watched again at the next sync (an agent added) or retry.
    this.watcher.on('error', (e) => {
      this.log(`Claude's sessions folder ${this.dir}: ${e.message}; watching it again`);
      this.watcher?.close();
      this.watcher = null;
      this.open();
    });
    void this.readAll();
  }

  private async readAll(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) await this.read(name);
  }

  /** Reads one file of the folder and reports the status to the agent it belongs to. */
  private async read(name: string): Promise<void> {
    const pid = pidOfSessionFile(name);
    if (pid === null) return;
    const s = await this.readFile(join(this.dir, name));
    // Gone, half-written, an older Claude (no status), not what its name says, or left by a process that died.
    if (!s || s.pid !== pid || !processAlive(pid)) return;
    const agent = await this.owner(s);
    if (!agent) return;
    this.pidOf.set(agent.id, pid);
    this.report({ agentId: agent.id, state: s.status === 'busy' ? 'working' : s.status, waitingFor: s.waitingFor, at: s.at });
  }

  private async readFile(path: string): Promise<ClaudeSessionStatus | null> {
    const fh = await openRegular(path).catch(() => null); // removed meanwhile (the process ended)
    if (!fh) return null;
    try {
      return parseClaudeSession(await fh.readFile('utf8'));
    } catch (e) {
      this.log(`reading ${path}: ${(e as Error).message}`);
      return null;
    } finally {
      await fh.close();
    }
  }

  /**
   * The agent a Claude process is: the one following it already, else the one whose session id it
   * names, else (a TUI, not a `claude -p` a tool started) the one whose pane it runs in.
   */
  private async owner(s: ClaudeSessionStatus): Promise<AgentRecord | null> {
    const agents = this.agents().filter(isClaude);
    const known = agents.find((a) => this.pidOf.get(a.id) === s.pid) ?? agents.find((a) => s.sessionId && a.sessionId?.toLowerCase() === s.sessionId.toLowerCase());
    if (known) return known;
    if (s.entrypoint !== 'cli' || this.foreign.has(s.pid)) return null;
    for (const a of agents) {
      const pane = await this.panePid(a);
      if (pane && processTree(pane).includes(s.pid)) return a;
    }
    this.foreign.add(s.pid);
    return null;
  }
}
