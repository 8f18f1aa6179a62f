// Claude Code's list of its running sessions: `$CLAUDE_CONFIG_DIR/sessions/<pid>.json`, one file per
// process (FORMATS.md 5.1: kind "interactive" or "bg" with jobId, `tmux` "<session>:@w.%p" when
// started inside tmux, status idle/busy/waiting). Files of processes that are gone are skipped.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../fs/read-regular.js';
import { processAlive } from '../proc/alive.js';

export interface ClaudeSessionEntry {
  pid: number;
  sessionId: string | null;
  cwd: string;
  kind: string;
  jobId: string | null;
  /** "<session>:@<window>.%<pane>" when the session was started inside tmux. */
  tmux: string | null;
  name: string | null;
  status: string | null;
}

/** One sessions/<pid>.json, or null when it is not one (a key file, a half-written file). */
export function parseClaudeSession(text: string): ClaudeSessionEntry | null {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null; // written in place by Claude: a torn read is read again at the next look
  }
  if (typeof v !== 'object' || v === null || typeof v.pid !== 'number' || typeof v.cwd !== 'string') return null;
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : null);
  return { pid: v.pid, sessionId: s('sessionId'), cwd: v.cwd, kind: s('kind') ?? 'interactive', jobId: s('jobId'), tmux: typeof v.tmux === 'string' ? v.tmux : null, name: s('name'), status: s('status') };
}

/** The live sessions listed in configDir/sessions; none when the folder does not exist. */
export function readClaudeSessions(configDir: string, log: (m: string) => void = () => {}): ClaudeSessionEntry[] {
  const dir = join(configDir, 'sessions');
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`cannot read ${dir}: ${(e as Error).message}`);
    return [];
  }
  const out: ClaudeSessionEntry[] = [];
  for (const f of names) {
    let buf: Buffer | null = null;
    try {
      buf = readRegularFile(join(dir, f));
    } catch (e) {
      // Removed between the listing and the read: that session has just ended.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`cannot read ${join(dir, f)}: ${(e as Error).message}`);
    }
    const entry = buf ? parseClaudeSession(buf.toString('utf8')) : null;
    // A file left by a process that crashed names a pid that is gone (or reused: its cwd then rarely matches anything).
    if (entry && processAlive(entry.pid)) out.push(entry);
  }
  return out;
}
