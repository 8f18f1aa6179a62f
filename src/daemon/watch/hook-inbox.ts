// The agents' hook events, as tmux/agent-hook.sh appends them: one file per agent in the daemon's
// private hook folder, watched with inotify (fs.watch), read from where the last read stopped. This
// replaces a Node process per hook (about 250 ms from hook to sidebar) with a shell line (a few ms).
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { hookState } from '../../agents/hooks.js';
import { hookFileOf } from '../../agents/hook-file.js';

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

/** The most read from a file at once; a longer line than this is dropped. */
const MAX_READ = 1 << 20;

export class HookInbox {
  /** Read offsets by file name, for the agents opened: the only files read. */
  private readonly offsets = new Map<string, number>();
  /** The inode each file had when last read: another one is a new file, read from its start. */
  private readonly inodes = new Map<string, number>();
  /** Files whose last read ended inside an overlong line, dropped up to its newline. */
  private readonly skipping = new Set<string>();
  private readonly watcher: FSWatcher;

  constructor(private readonly dir: string, private readonly onSignal: (s: HookSignal) => void, private readonly log: (m: string) => void) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.watcher = watch(dir, (_type, name) => { if (name) this.read(String(name)); });
    this.watcher.on('error', (e) => log(`hook folder ${dir}: ${e.message}`));
  }

  /** Starts an agent's file afresh (events from before this daemon are stale); returns its path. */
  open(agentId: string): string {
    const file = hookFileOf(this.dir, agentId);
    const name = basename(file);
    this.skipping.delete(name);
    this.offsets.set(name, 0);
    this.inodes.delete(name);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return file; // none yet (or a symlink: never read)
    }
    try {
      const st = fstatSync(fd);
      this.offsets.set(name, st.size);
      this.inodes.set(name, st.ino);
      // A line a killed hook left unfinished is stale too: dropped up to its newline.
      if (st.isFile() && st.size > 0 && !newlineAt(fd, st.size - 1)) this.skipping.add(name);
    } catch { /* read from the start when it changes */ } finally {
      closeSync(fd);
    }
    return file;
  }

  /** Forgets an agent's file (the agent was killed); whatever stands in its place is only logged. */
  remove(agentId: string): void {
    const file = hookFileOf(this.dir, agentId);
    this.offsets.delete(basename(file));
    this.inodes.delete(basename(file));
    this.skipping.delete(basename(file));
    try {
      rmSync(file, { force: true });
    } catch (e) {
      this.log(`removing hook events of ${agentId}: ${(e as Error).message}`); // a folder put there: not ours to empty
    }
  }

  close(): void {
    this.watcher.close();
  }

  /**
   * Reads what was appended to one file since the last read, and hands on each whole line. Only
   * files of agents it opened, only regular files, never through a symlink, and never waiting: a
   * FIFO put there would otherwise block the daemon's open() until someone wrote to it.
   */
  private read(name: string): void {
    if (!this.offsets.has(name)) return; // no agent of ours: anything else in the folder is ignored
    const agent = name.slice(0, -'.events'.length);
    let fd: number;
    try {
      fd = openSync(join(this.dir, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return; // removed meanwhile, or a symlink
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return this.log(`hook events of ${agent}: ${join(this.dir, name)} is not a regular file; ignored`);
      // Removed and written anew: all of the new file is new events (the old offset means nothing there).
      if (this.inodes.get(name) !== st.ino) this.restart(name);
      this.inodes.set(name, st.ino);
      while (this.readChunk(fd, name, agent, st.size)) { /* on to the next chunk */ }
    } catch (e) {
      this.log(`reading hook events of ${agent}: ${(e as Error).message}`);
    } finally {
      closeSync(fd);
    }
  }

  /** Reads a file from its start again. */
  private restart(name: string): void {
    this.offsets.set(name, 0);
    this.skipping.delete(name);
  }

  /** Reads and hands on the whole lines of one chunk from the file's offset; true if a full chunk was read and more is there. */
  private readChunk(fd: number, name: string, agent: string, size: number): boolean {
    let from = this.offsets.get(name) ?? 0;
    // Emptied or cut short (and maybe written again since): what it holds now is new. A read always
    // ends after a newline, so a byte there that is no newline means the same: the file was rewritten.
    if (size < from || (from > 0 && size > from && !this.skipping.has(name) && !newlineAt(fd, from - 1))) {
      this.restart(name);
      from = 0;
    }
    if (size === from) return false;
    const buf = Buffer.alloc(Math.min(size - from, MAX_READ));
    const n = readSync(fd, buf, 0, buf.length, from);
    const more = n === MAX_READ && from + n < size;
    // Lines are cut on bytes, not on decoded text: bytes that are not UTF-8 (a message cut
    // mid-character) decode to more bytes than they are, and the offset would drift into the next line.
    let start = 0;
    if (this.skipping.has(name)) {
      const nl = buf.subarray(0, n).indexOf(0x0a);
      this.offsets.set(name, nl < 0 ? from + n : from + nl + 1);
      if (nl < 0) return more; // still inside the overlong line
      this.skipping.delete(name);
      start = nl + 1;
    }
    const end = buf.subarray(0, n).lastIndexOf(0x0a);
    if (end < start) {
      // A line still being written; or one longer than a read, which is dropped (a hook line is a few KB).
      if (start > 0 || n < MAX_READ) return more;
      this.skipping.add(name);
      this.offsets.set(name, from + n);
      this.log(`hook events of ${agent}: a line over ${MAX_READ} bytes was dropped`);
      return more;
    }
    this.offsets.set(name, from + end + 1);
    for (const line of buf.subarray(start, end).toString('utf8').split('\n')) {
      const s = parseHookLine(agent, line);
      if (s) this.onSignal(s);
    }
    return more;
  }
}

/** True if the byte at pos of fd is a newline. */
function newlineAt(fd: number, pos: number): boolean {
  const b = Buffer.alloc(1);
  return readSync(fd, b, 0, 1, pos) === 1 && b[0] === 0x0a;
}
