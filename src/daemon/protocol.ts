// The daemon's socket API: JSON lines. The CLI and the sidebar reach the daemon only through these types.
import type { AgentRecord } from '../core/agent.js';
import type { UnmanagedSession } from '../core/unmanaged.js';
import type { SpawnParams } from '../agents/spawn-params.js';
import type { NotifyKind } from '../config/schema.js';
import type { ArchiveEntry } from '../git/archive.js';
import type { MergeMap, Merged } from '../git/mergemap.js';
import type { LandMethod, LandResult } from '../git/land.js';
import type { FreshReason } from '../agents/handoff.js';

export const PROTOCOL_VERSION = 1;

// Where a daemon listens and who holds its lock are part of how clients reach it.
export { checkPrivateDir, daemonPaths, ensurePrivateDir, type DaemonPaths } from './paths.js';
export { isOurDaemon, readLockPid } from './lock.js';
// The spawn request is agents/' own type; the protocol carries it.
export type { SpawnParams };

export interface DaemonStatus {
  running: true;
  pid: number;
  socket: string;
  version: string;
  session: string;
  tmux: { socket: string; version: string; connected: boolean };
  agents: number;
  /** What the daemon had to work around at start (an unreadable journal or config, and what it did). */
  notices: string[];
}

/** Method name -> [params, result]; each has its one entry (params check and handler) in methods/table.ts. */
export interface Methods {
  // client names the command that connects ("list", "sidebar"): for the daemon's log and for telling connections apart.
  hello: [{ token: string; version: string; client?: string }, { version: string; pid: number }];
  status: [Record<string, never>, DaemonStatus];
  stop: [Record<string, never>, { stopping: true }];
  ensureSession: [{ session: string | null; cwd: string; width: number | null; height: number | null }, { session: string; windowId: string }];
  spawn: [SpawnParams, AgentRecord];
  /** notices: what the daemon had to work around at start (a broken config, an unreadable journal). */
  list: [Record<string, never>, { agents: AgentRecord[]; notices?: string[]; unmanaged: UnmanagedSession[] }];
  /** children: what to do with the agent's live children (null: refuse when it has any). */
  kill: [{ agent: string; force: boolean; keepWorktree: boolean; children?: 'kill' | 'keep' | null }, KillResult];
  map: [{ cwd: string; targets: string[] }, MergeMap];
  merge: [{ agent: string; into: string | null; method: LandMethod; keep: boolean }, MergeResult];
  clean: [{ dryRun: boolean; cwd?: string }, { results: CleanResult[] }];
  fresh: [{ agent: string; reason?: FreshReason }, { agent: AgentRecord; brief: string; previousSessionId: string | null }];
  /** notices: why the journal may not hold every agent (it could not be read at start, or cannot be written). */
  resurrect: [{ cwd: string }, { results: Array<{ agent: string; resumed: string | null; paneId: string | null; skipped: string | null }>; notices?: string[] }];
  /** What an agent CLI's own hook says (Claude Code hooks, Codex notify): it waits for the person, works, or is idle. */
  signal: [{ agent: string; state: 'waiting' | 'working' | 'idle'; detail: string | null }, { agent: AgentRecord }];
  highlight: [{ agent: string | null }, { paneId: string | null }];
  toggleSidebar: [Record<string, never>, { hidden: boolean }];
  setPr: [{ agent: string; pr: { url: string; base: string } }, { agent: AgentRecord }];
  syncFiles: [{ agent: string | null; globs: string[] }, { results: Array<{ agent: string; worktree: string; copied: string[] }> }];
  focus: [{ agent: string }, { agent: AgentRecord }];
  /**
   * whenIdle: hold typed text until the agent's current turn ends; keys: type it even where `codex
   * queue` could take it (to answer what is on the screen). via: how it was given: `codex queue` (a
   * Codex agent's next turn, taken between turns) or keys typed into the pane.
   */
  send: [{ agent: string; text: string; enter: boolean; whenIdle?: boolean; keys?: boolean }, { agent: AgentRecord; via: 'queue' | 'keys' }];
  capture: [{ agent: string; lines: number }, { text: string }];
  wait: [{ agent: string; until: 'exit' | 'idle' | 'waiting'; timeoutMs: number | null }, { agent: AgentRecord; timedOut: boolean; reached: boolean }];
  /** journal: why the journal cannot be written now (null: it can); after that the journal event says. */
  subscribe: [Record<string, never>, { agents: AgentRecord[]; notices?: string[]; journal?: string | null }];
}

export interface KillResult {
  agent: AgentRecord;
  /** Children stopped with it (--children kill), each as its own result. */
  children?: KillResult[];
  /** The uncommitted work saved before the worktree was removed, if there was any. */
  archive: ArchiveEntry | null;
  removed: { worktree: string | null; branch: string | null };
  /** Why the worktree was kept, when it was. */
  kept: string | null;
}

/** DESIGN.md's merge --json fields (agent, branch, into, method, commit, removed), plus the details. */
export interface MergeResult {
  agent: AgentRecord;
  branch: string;
  into: string;
  method: LandMethod;
  /** The target's tip after landing. */
  commit: string;
  /** What was removed when the agent was tidied away (null with --keep). */
  removed: { worktree: string | null; branch: string | null } | null;
  landed: LandResult;
  /** The whole teardown: archive of uncommitted work, what was kept and why. */
  teardown: KillResult | null;
}

export interface CleanResult {
  agent: string;
  branch: string | null;
  target: string | null;
  merged: Merged;
  action: 'removed' | 'would-remove' | 'kept';
  /** Why an agent was kept (not merged, no worktree of its own, ...). */
  reason: string | null;
  removed: KillResult | null;
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M][0];
export type Result<M extends Method> = Methods[M][1];

export interface Request<M extends Method = Method> {
  id: number;
  method: M;
  params: Params<M>;
}

export interface ErrorPayload {
  code: string;
  message: string;
  hint: string | null;
  kind: 'usage' | 'failed';
}

export type Response = { id: number; result: unknown } | { id: number; error: ErrorPayload };

export type DaemonEvent =
  | { event: 'agent-added'; agent: AgentRecord }
  | { event: 'agent-updated'; agent: AgentRecord }
  | { event: 'agent-removed'; agent: AgentRecord }
  /** An agent needs the person (waiting), finished a turn, or crossed a context or age threshold. */
  | { event: 'agent-attention'; agent: AgentRecord; kind: NotifyKind; text: string }
  | { event: 'daemon-stopping' }
  /** The journal cannot be written (why), or can again (null). */
  | { event: 'journal'; problem: string | null };

/** Splits a stream of bytes into JSON lines, keeping a partial last line for the next chunk. */
export class LineSplitter {
  /** The unfinished last line as the pieces it came in: joined once, when its newline arrives
   * (splitting the whole buffer on every chunk made a long line cost quadratic time). */
  private parts: string[] = [];
  private partLength = 0;
  constructor(private readonly maxLine = 16 * 1024 * 1024) {}

  push(chunk: string): string[] {
    const nl = chunk.lastIndexOf('\n');
    let lines: string[] = [];
    let rest = chunk;
    if (nl !== -1) {
      lines = (this.parts.join('') + chunk.slice(0, nl)).split('\n');
      this.parts = [];
      this.partLength = 0;
      rest = chunk.slice(nl + 1);
    }
    if (rest) {
      this.parts.push(rest);
      this.partLength += rest.length;
    }
    if (this.partLength > this.maxLine) throw new Error(`a request line is longer than ${this.maxLine} bytes`);
    return lines.filter((l) => l.trim().length > 0);
  }
}
