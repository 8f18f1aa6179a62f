// Claude Code's own list of its running sessions: $CLAUDE_CONFIG_DIR/sessions/<pid>.json, one file
// per process, rewritten as its status changes (FORMATS.md §5.1, §5.2). 2.1.332 writes `status`
// (idle, busy, waiting) and, while waiting, `waitingFor` ("permission prompt", "dialog open");
// 2.1.197 wrote the file without a status.
import { join } from 'node:path';
import { claudeConfigDir } from './locate.js';

export interface ClaudeSessionStatus {
  pid: number;
  sessionId: string | null;
  /** "cli" for a TUI, "sdk-cli" for a running `claude -p` (which registers too). */
  entrypoint: string | null;
  status: 'idle' | 'busy' | 'waiting';
  waitingFor: string | null;
  /** When the status last changed (Unix ms, Claude's clock: the same machine's). */
  at: number;
}

/** The folder Claude Code lists its running sessions in, for an environment. */
export function claudeSessionsDir(env: NodeJS.ProcessEnv): string {
  return join(claudeConfigDir(env), 'sessions');
}

/** The pid a sessions file is named for ("12345.json"), or null for any other name (the .key files beside them). */
export function pidOfSessionFile(name: string): number | null {
  const m = /^([1-9][0-9]{0,9})\.json$/.exec(name);
  return m ? Number(m[1]) : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** A sessions file's text, parsed; null when it states no status (an older Claude, a half-written file). */
export function parseClaudeSession(text: string): ClaudeSessionStatus | null {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const status = o.status;
  if (status !== 'idle' && status !== 'busy' && status !== 'waiting') return null;
  if (typeof o.pid !== 'number' || !Number.isInteger(o.pid)) return null;
  const at = typeof o.statusUpdatedAt === 'number' ? o.statusUpdatedAt : typeof o.updatedAt === 'number' ? o.updatedAt : 0;
  return { pid: o.pid, sessionId: str(o.sessionId), entrypoint: str(o.entrypoint), status, waitingFor: status === 'waiting' ? str(o.waitingFor) : null, at };
}
