// Keeps each agent's git fields (ahead, behind, dirty, merged, conflicts against its target) up to
// date: chokidar on the repositories' git folders (refs, packed-refs, HEADs, indexes) says that
// something changed; the map is then computed again for that repository with its cache, so git is
// asked only about the branches that moved and the worktrees whose HEAD or index changed. Edits
// not yet staged change no git file: inotify on each worktree's tracked folders catches those
// (worktree-edit-watch.ts) and only that worktree's `git status` runs; nothing runs on a timer
// except for a worktree too big to watch, which is polled.
import type { FSWatcher } from 'chokidar';
import { dirname, join, sep } from 'node:path';
import { watchGitDir } from './git-dir-watch.js';
import type { AgentRecord } from '../../core/agent.js';
import { commonGitDir, defaultBranch, worktreeGitDir } from '../../git/worktree.js';
import { computeMergeMap, dirtyCount, newMapCache, type MapCache } from '../../git/mergemap.js';
import { WorktreeEditWatch } from './worktree-edit-watch.js';
import { readRefs, targetRef } from '../../git/refs-snapshot.js';

/** Long enough for one git command's burst of writes (index, ref, reflog) to end. */
const DEBOUNCE_MS = 20;
/** How often a worktree too big to watch is looked at for unstaged edits (one `git status` each). */
export const DIRTY_POLL_MS = 10_000;
/** An editor's save is a burst of events (temp file, rename, chmod): one status after it. */
const EDIT_DEBOUNCE_MS = 150;

interface RepoWatch {
  watcher: FSWatcher;
  cache: MapCache;
  timer?: NodeJS.Timeout;
  busy: Promise<void>;
  /** Worktrees whose dirty count must be read again at the next refresh; 'all' after a poll tick. */
  dirty: Set<string> | 'all';
}

export class GitWatcher {
  private readonly repos = new Map<string, RepoWatch>();
  private readonly poll: NodeJS.Timeout;
  private readonly gitDirs = new Map<string, string | null>();
  private readonly edits: WorktreeEditWatch;
  private readonly editTimers = new Map<string, NodeJS.Timeout>();
  /** What was last published per agent: an edit only changes its dirty count. */
  private readonly last = new Map<string, NonNullable<AgentRecord['git']>>();

  constructor(
    private readonly agents: () => AgentRecord[],
    private readonly publish: (agentId: string, git: NonNullable<AgentRecord['git']>) => void,
    private readonly log: (m: string) => void,
    pollMs = DIRTY_POLL_MS,
  ) {
    this.edits = new WorktreeEditWatch((wt) => this.edited(wt), log);
    // Only worktrees that could not be watched are polled.
    this.poll = setInterval(() => {
      const unwatched = new Set(this.agents().filter((a) => a.worktree && a.state !== 'gone' && !this.edits.isWatched(a.worktree.path)).map((a) => a.worktree!.path));
      if (unwatched.size) for (const dir of this.repos.keys()) this.schedule(dir, unwatched);
    }, pollMs);
    this.poll.unref();
  }

  /** The cached map answers for a repository, shared with `map` requests; null if not watched. */
  cacheFor(commonDir: string): MapCache | null {
    return this.repos.get(commonDir)?.cache ?? null;
  }

  /** Watches the git folder of every repository that has live agents with a branch, and refreshes each. */
  async sync(): Promise<void> {
    const dirs = new Set<string>();
    for (const a of this.agents()) {
      if (a.state === 'gone' || !a.worktree || !a.branch) continue;
      const common = await commonGitDir(a.worktree.path);
      if (common) dirs.add(common);
    }
    for (const [dir, r] of this.repos) if (!dirs.has(dir)) { clearTimeout(r.timer); void r.watcher.close(); this.repos.delete(dir); }
    await this.edits.sync(new Set(this.agents().filter((a) => a.state !== 'gone' && a.worktree && a.branch).map((a) => a.worktree!.path)));
    for (const dir of dirs) {
      if (!this.repos.has(dir)) {
        const watcher = watchGitDir(dir, (path) => this.changed(dir, path));
        this.repos.set(dir, { watcher, cache: newMapCache(), busy: Promise.resolve(), dirty: new Set() });
      }
      // An agent just added (or removed) changes the rows: cheap with the cache, so always refresh.
      this.schedule(dir, 'all');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    this.edits.close();
    for (const t of this.editTimers.values()) clearTimeout(t);
    for (const r of this.repos.values()) clearTimeout(r.timer);
    await Promise.all([...this.repos.values()].map((r) => r.watcher.close()));
    this.repos.clear();
  }

  /** A file in the git folder changed: which worktree's dirty count it may have moved, then refresh. */
  private changed(commonDir: string, path: string): void {
    const touched = new Set<string>();
    const heads = join(commonDir, 'refs', 'heads') + sep;
    for (const a of this.agents()) {
      if (!a.worktree) continue;
      // A worktree's HEAD or index lives in its own git folder; a commit moves its branch's ref.
      if (!this.gitDirs.has(a.worktree.path)) this.gitDirs.set(a.worktree.path, worktreeGitDir(a.worktree.path));
      if (dirname(path) === this.gitDirs.get(a.worktree.path) || (a.branch && path === heads + a.branch)) touched.add(a.worktree.path);
      // A new index may track a new folder: watch it too.
      if (path === join(this.gitDirs.get(a.worktree.path) ?? '\0', 'index') && this.edits.isWatched(a.worktree.path)) void this.edits.rewatch(a.worktree.path);
    }
    this.schedule(commonDir, touched);
  }

  /** A file in a worktree's tracked folders changed: its dirty count alone is read again, debounced. */
  private edited(worktree: string): void {
    clearTimeout(this.editTimers.get(worktree));
    this.editTimers.set(worktree, setTimeout(() => {
      this.editTimers.delete(worktree);
      void this.recountDirty(worktree).catch((e) => this.log(`dirty count for ${worktree}: ${(e as Error).message}`));
    }, EDIT_DEBOUNCE_MS));
  }

  /** One `git status` in worktree; republishes its agents' fields if the count moved (no ref query). */
  private async recountDirty(worktree: string): Promise<void> {
    const mine = this.agents().filter((a) => a.state !== 'gone' && a.worktree?.path === worktree && this.last.has(a.id));
    if (!mine.length) return;
    // The worktree list the last map read: an edit moves no worktree, so git need not be asked again.
    const holder = [...this.repos.values()].find((r) => r.cache.dirty.has(worktree));
    const n = await dirtyCount(worktree, holder?.cache.worktrees ?? undefined);
    for (const r of this.repos.values()) if (r.cache.dirty.has(worktree)) r.cache.dirty.set(worktree, n);
    for (const a of mine) {
      const before = this.last.get(a.id)!;
      if (before.dirty !== n) this.remember(a.id, { ...before, dirty: n });
    }
  }

  /** Publishes an agent's fields and keeps them for the next edit. */
  private remember(agentId: string, git: NonNullable<AgentRecord['git']>): void {
    this.last.set(agentId, git);
    this.publish(agentId, git);
  }

  /** Debounced per repository: a commit or checkout touches several files at once. */
  private schedule(dir: string, dirty: Set<string> | 'all'): void {
    const r = this.repos.get(dir);
    if (!r) return;
    if (dirty === 'all' || r.dirty === 'all') r.dirty = 'all';
    else for (const p of dirty) r.dirty.add(p);
    clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      r.timer = undefined;
      r.busy = r.busy.then(() => this.refresh(dir, r)).catch((e) => this.log(`git fields for ${dir}: ${(e as Error).message}`));
    }, DEBOUNCE_MS);
  }

  /** Computes the map of one repository for its agents, each against its own target. */
  private async refresh(commonDir: string, r: RepoWatch): Promise<void> {
    const dirty = r.dirty;
    r.dirty = new Set();
    const agents: AgentRecord[] = [];
    for (const a of this.agents()) {
      if (a.state === 'gone' || !a.worktree || !a.branch) continue;
      if ((await commonGitDir(a.worktree.path)) === commonDir) agents.push(a);
    }
    if (!agents.length) return;
    const repo = agents[0]!.worktree!.path;
    const refs = await readRefs(repo);
    const fallback = agents.some((a) => !a.target) ? await defaultBranch(repo) : null;
    // A target that does not resolve (deleted) only blanks its own agents, not the repository's.
    const targets = [...new Set(agents.map((a) => a.target ?? fallback).filter((t): t is string => !!t && !!targetRef(refs, t)))];
    if (!targets.length) return;
    // Each agent against its own target only: a branch that moved is asked about once.
    await Promise.all(targets.map(async (target) => {
      const mine = agents.filter((a) => (a.target ?? fallback) === target);
      // Pairs too (cached by commit ids): the sidebar shows two agents' branches that conflict.
      const map = await computeMergeMap(repo, [target], mine.map((a) => ({ branch: a.branch, worktree: a.worktree!.path, agent: a.id, base: a.base })), {
        cache: r.cache, worktreeRows: false, pairs: true, dirtyFor: dirty === 'all' ? undefined : dirty,
      });
      const names = new Map<string, string[]>();
      for (const a of mine) if (a.branch) names.set(a.branch, [...(names.get(a.branch) ?? []), a.name]);
      const conflictsWith = (branch: string | null) => map.pairs.flatMap((p) => {
        const other = p.a === branch ? p.b : p.b === branch ? p.a : null;
        return other ? [{ agent: (names.get(other) ?? [other]).join(', '), files: p.files }] : [];
      });
      for (const row of map.rows) {
        const cell = row.targets[target];
        if (!row.agent || !cell) continue;
        this.remember(row.agent, { ahead: cell.ahead, behind: cell.behind, dirty: row.dirty ?? 0, merged: cell.merged !== 'no', mergedHow: cell.merged, mergedOn: cell.mergedOn, conflicts: cell.conflicts, noCommitsYet: row.noCommitsYet, conflictsWith: conflictsWith(row.branch) });
      }
    }));
  }
}
