// The agents' hook events, as tmux/agent-hook.sh appends them: one file per agent in the daemon's
// private hook folder, watched with inotify (fs.watch), read from where the last read stopped. This
// replaces a Node process per hook (about 250 ms from hook to sidebar) with a shell line (a few ms).
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { hookState } from '../agents/hooks.js';
import { hookFileOf } from '../agents/hook-file.js';

export interface HookSignal { agent: string; state: 'waiting' | 'working' | 'idle'; detail: string | null }

/** One line `kind<TAB>event<TAB>json` as the hook script writes it; null for a line that says nothing. */
export function parseHookLine(agent: string, line: string): HookSignal | null {
  const [kind, event, json = ''] = line.split('\t');
  if (kind !== 'claude' && kind !== 'codex') return null;
  let payload: Record<string, unknown> | null = null;
  try {
    const v = JSON.parse(json) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) payload = v as Record<string, unknown>;
  } catch { /* cut or empty: the event name still tells */ }
  const said = hookState(kind, event || null, payload);
  return said ? { agent, ...said } : null;
}

export class HookInbox {
  private readonly offsets = new Map<string, number>();
  private readonly watcher: FSWatcher;

  constructor(private readonly dir: string, private readonly onSignal: (s: HookSignal) => void, private readonly log: (m: string) => void) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.watcher = watch(dir, (_type, name) => { if (name) this.read(String(name)); });
    this.watcher.on('error', (e) => log(`hook folder ${dir}: ${e.message}`));
  }

  /** Starts an agent's file afresh (events from before this daemon are stale); returns its path. */
  open(agentId: string): string {
    const file = hookFileOf(this.dir, agentId);
    try {
      this.offsets.set(basename(file), statSync(file).size);
    } catch {
      this.offsets.set(basename(file), 0);
    }
    return file;
  }

  /** Forgets an agent's file (the agent was killed). */
  remove(agentId: string): void {
    const file = hookFileOf(this.dir, agentId);
    this.offsets.delete(basename(file));
    rmSync(file, { force: true });
  }

  close(): void {
    this.watcher.close();
  }

  /** Reads what was appended to one file since the last read, and hands on each whole line. */
  private read(name: string): void {
    if (!name.endsWith('.events')) return;
    const agent = name.slice(0, -'.events'.length);
    const from = this.offsets.get(name) ?? 0;
    let fd: number;
    try {
      fd = openSync(join(this.dir, name), 'r');
    } catch {
      return; // removed meanwhile
    }
    try {
      const size = statSync(join(this.dir, name)).size;
      if (size <= from) {
        if (size < from) this.offsets.set(name, size); // cut short: start again from its end
        return;
      }
      const buf = Buffer.alloc(Math.min(size - from, 1 << 20));
      const n = readSync(fd, buf, 0, buf.length, from);
      const text = buf.subarray(0, n).toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0) return; // a line still being written
      this.offsets.set(name, from + Buffer.byteLength(text.slice(0, end + 1)));
      for (const line of text.slice(0, end).split('\n')) {
        const s = parseHookLine(agent, line);
        if (s) this.onSignal(s);
      }
    } catch (e) {
      this.log(`reading hook events of ${agent}: ${(e as Error).message}`);
    } finally {
      closeSync(fd);
    }
  }
}
