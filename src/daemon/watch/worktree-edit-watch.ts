// Unstaged edits change no git file, so the git-folder watch cannot see them. Instead of a timer
// that runs `git status` in every worktree, each worktree's tracked folders are watched with
// inotify (fs.watch on each folder, not recursive: an edit to a file fires on its folder). Ignored
// trees such as node_modules are never watched, so a 3,000-file install costs nothing. A worktree
// with more tracked folders than the cap is left to the caller's slow poll.
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitRaw } from '../../git/worktree.js';

/** More folders than this in one worktree: polled instead (inotify watches are a shared budget). */
export const MAX_WATCHED_FOLDERS = 2000;

export class WorktreeEditWatch {
  private readonly watched = new Map<string, FSWatcher[]>();

  constructor(private readonly onEdit: (worktree: string) => void, private readonly log: (m: string) => void = () => {}) {}

  /** Whether worktree's folders are watched (false: too many, or unreadable; the caller polls it). */
  isWatched(worktree: string): boolean {
    return (this.watched.get(worktree)?.length ?? 0) > 0;
  }

  /** Watches exactly these worktrees: new ones are added, the others dropped. */
  async sync(worktrees: ReadonlySet<string>): Promise<void> {
    for (const [path, ws] of this.watched) if (!worktrees.has(path)) { for (const w of ws) w.close(); this.watched.delete(path); }
    for (const path of worktrees) if (!this.watched.has(path)) await this.rewatch(path);
  }

  /** Reads the worktree's tracked folders again (its index changed: a folder may be new) and watches them. */
  async rewatch(worktree: string): Promise<void> {
    let folders: string[];
    try {
      folders = await trackedFolders(worktree);
    } catch (e) {
      this.log(`watching edits in ${worktree}: ${(e as Error).message}`);
      folders = [];
    }
    for (const w of this.watched.get(worktree) ?? []) w.close();
    const ws: FSWatcher[] = [];
    if (folders.length <= MAX_WATCHED_FOLDERS) {
      for (const f of folders) {
        try {
          const w = watch(join(worktree, f), { persistent: false }, () => this.onEdit(worktree));
          w.on('error', () => {});
          ws.push(w);
        } catch (e) {
          // A folder deleted since ls-files: its parent's watch sees that. Out of inotify watches
          // (ENOSPC, EMFILE): a half-watched worktree would miss edits, so it is polled instead.
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
            this.log(`watching edits in ${worktree}: ${(e as Error).message}; looking every few seconds instead`);
            for (const w of ws) w.close();
            ws.length = 0;
            break;
          }
        }
      }
    }
    this.watched.set(worktree, ws);
  }

  close(): void {
    for (const ws of this.watched.values()) for (const w of ws) w.close();
    this.watched.clear();
  }
}

/** The folders (relative, '.' for the top) that hold tracked files, from the index. */
async function trackedFolders(worktree: string): Promise<string[]> {
  const files = (await gitRaw(worktree, ['ls-files', '-z'], { timeoutMs: 60_000 })).split('\0').filter(Boolean);
  const folders = new Set<string>(['.']);
  for (const f of files) {
    for (let d = dirname(f); d !== '.' && !folders.has(d); d = dirname(d)) folders.add(d);
  }
  return [...folders];
}
