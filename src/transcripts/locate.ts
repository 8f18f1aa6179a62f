// Finding an agent's transcript (FORMATS.md §1.1, §1.4, §2.1). Claude: the session id is chosen at
// spawn (--session-id), so the path follows from the config dir, the cwd and the id. Codex picks
// its own id: first the pane's own processes are asked (/proc fds hold the thread's lock file or
// the rollout), else the earliest rollout for this cwd created after the spawn that no other agent
// has claimed (two agents in one cwd must not swap transcripts).
import { readdir, readlink, realpath } from 'node:fs/promises';
import { openRegular } from '../fs/read-regular.js';
import { readdirSync, readFileSync } from 'node:fs';
import { homeDir } from '../config/dirs.js';
import { join } from 'node:path';

/** Claude Code's config folder for an agent's environment. */
export function claudeConfigDir(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR || join(homeDir(env), '.claude');
}

/** Codex's home folder for an agent's environment. */
export function codexHome(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME || join(homeDir(env), '.codex');
}

/** Java's String.hashCode, as Claude Code hashes long project paths (binary, FORMATS.md §2.1). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The projects/ folder name for a (real) cwd: every character outside [A-Za-z0-9] becomes '-'. */
export function claudeProjectSlug(cwd: string): string {
  const slug = cwd.replace(/[^A-Za-z0-9]/g, '-');
  return slug.length <= 200 ? slug : `${slug.slice(0, 200)}-${Math.abs(javaStringHash(cwd)).toString(36)}`;
}

export async function claudeTranscriptPath(env: NodeJS.ProcessEnv, cwd: string, sessionId: string): Promise<string> {
  const real = await realpath(cwd).catch(() => cwd);
  return join(claudeConfigDir(env), 'projects', claudeProjectSlug(real), `${sessionId}.jsonl`);
}

/** The creation time (Unix ms) a UUIDv7 carries in its first 48 bits; null for other ids. */
export function uuidV7Time(id: string): number | null {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-/i.exec(id);
  return m ? parseInt(m[1]! + m[2]!, 16) : null;
}

const ROLLOUT = /^rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/** The process ids below pid (inclusive), from /proc (Linux); empty elsewhere. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch { /* gone */ }
  }
  const out: number[] = [];
  for (const stack = [pid]; stack.length;) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** A Codex session id held open by the pane's processes (its thread lock or its rollout), or null. */
export async function codexSessionFromProcesses(panePid: number, home: string): Promise<string | null> {
  // /proc shows real paths: compare under the real home, as a folder (not a name prefix).
  const root = (await realpath(home).catch(() => home)).replace(/\/+$/, '') + '/';
  for (const pid of processTree(panePid)) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (!target.startsWith(root)) continue;
      const lock = /\/thread-writer-locks\/([0-9a-f-]{36})\.lock$/i.exec(target);
      if (lock) return lock[1]!;
      const rollout = ROLLOUT.exec(target.slice(target.lastIndexOf('/') + 1));
      if (rollout) return rollout[1]!;
    }
  }
  return null;
}

/** The first line of a file (Codex's session_meta is ~22 KB), parsed; null if unreadable. */
async function firstRecord(path: string): Promise<Record<string, unknown> | null> {
  // Only a file: a FIFO named like a rollout would hold one of the daemon's few fs threads for good.
  const fh = await openRegular(path).catch(() => null);
  if (!fh) return null;
  try {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl === -1) return null;
    return JSON.parse(buf.toString('utf8', 0, nl)) as Record<string, unknown>;
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** Date folders (YYYY/MM/DD, the codex process's local time) from a day before since until a day after now. */
function dayFolders(home: string, since: number, now: number): string[] {
  const out: string[] = [];
  for (let t = since - 86_400_000; t <= now + 86_400_000; t += 86_400_000) {
    const d = new Date(t);
    out.push(join(home, 'sessions', String(d.getFullYear()), String(d.getMonth() + 1).padStart(2, '0'), String(d.getDate()).padStart(2, '0')));
  }
  return [...new Set(out)];
}

export interface CodexSearch {
  home: string;
  cwd: string;
  /** When the agent was spawned (ms): its session is created at or after this. */
  since: number;
  /** Session ids other agents already read: never taken. */
  claimed: ReadonlySet<string>;
  /** The id the pane's processes hold, if known: then only that one is accepted. */
  sessionId: string | null;
}

/** The rollout file of a Codex session for this agent, or null while there is none. */
export async function findCodexRollout(s: CodexSearch): Promise<{ path: string; sessionId: string } | null> {
  const cwd = await realpath(s.cwd).catch(() => s.cwd);
  const candidates: Array<{ path: string; id: string; created: number }> = [];
  // A resumed session appends to its file in the folder of the day it was created (its id says when).
  const created = s.sessionId ? uuidV7Time(s.sessionId) : null;
  const folders = new Set([...dayFolders(s.home, s.since, Date.now()), ...(created !== null ? dayFolders(s.home, created, created) : [])]);
  for (const dir of folders) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const m = ROLLOUT.exec(name);
      if (!m) continue;
      const id = m[1]!.toLowerCase();
      if (s.sessionId ? id !== s.sessionId.toLowerCase() : s.claimed.has(id)) continue;
      const created = uuidV7Time(id) ?? 0;
      // A small allowance: the id may be made a moment before our clock read the spawn time.
      if (!s.sessionId && created < s.since - 2000) continue;
      candidates.push({ path: join(dir, name), id, created });
    }
  }
  candidates.sort((a, b) => a.created - b.created);
  for (const c of candidates) {
    const meta = await firstRecord(c.path);
    const payload = meta?.type === 'session_meta' ? (meta.payload as Record<string, unknown> | undefined) : undefined;
    const metaCwd = typeof payload?.cwd === 'string' ? await realpath(payload.cwd).catch(() => payload.cwd as string) : null;
    if (s.sessionId || metaCwd === cwd) return { path: c.path, sessionId: c.id };
  }
  return null;
}
