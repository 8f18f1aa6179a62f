// Brings a fix agent's commits into the agent whose bug it fixes (and, if asked, every worktree
// that lacks them) as they land. Watches the repository's refs with chokidar and treats an event
// only as "something changed": the branch tips are then read again with git (no state from events).
import type { FSWatcher } from 'chokidar';
import { watchGitDir } from './git-dir-watch.js';
import type { AgentRecord } from '../../core/agent.js';
import { commonGitDir, gitRaw } from '../../git/worktree.js';
import { propagateInto, SETTLED } from '../../git/propagate.js';
import { bugCommitsOf } from '../../git/bug-commits.js';

export class FixWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  /** Chains stopped by a conflict, by fix agent and worktree: the commit, and the HEAD it conflicted on. */
  private readonly blocked = new Map<string, { head: string; commit: string }>();
  /** The bug commits of each fix commit (bug-commits.ts); they never change for a commit. */
  private readonly bugs = new Map<string, string[]>();

  constructor(
    private readonly agents: () => AgentRecord[],
    private readonly recordTip: (agentId: string, tip: string) => void,
    private readonly log: (m: string) => void,
    /** Marks (or clears, with null) a receiving agent whose fix chain a conflict stopped. */
    private readonly markBlocked: (agentId: string, blocked: NonNullable<AgentRecord['fixBlocked']> | null) => void = () => {},
  ) {}

  /** Watches the git folders of the repositories that have live fix agents; checks them once now. */
  async sync(): Promise<void> {
    const fixers = this.fixers();
    const dirs = new Set<string>();
    for (const f of fixers) {
      const common = await commonGitDir(f.worktree!.path);
      if (common) dirs.add(common);
    }
    for (const [dir, w] of this.watchers) if (!dirs.has(dir)) { void w.close(); this.watchers.delete(dir); }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      // Refs (a new fix commit), and HEADs and indexes (a worktree that was dirty or busy when the
      // fix came may be ready for it now).
      this.watchers.set(dir, watchGitDir(dir, () => this.schedule()));
    }
    if (fixers.length) this.schedule();
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
  }

  private fixers(): AgentRecord[] {
    return this.agents().filter((a) => a.fix && a.state !== 'gone' && a.worktree && a.branch);
  }

  /** Debounced: a commit touches several files; one check after they settle. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(() => this.check()).catch((e) => this.log(`fix propagation: ${(e as Error).message}`));
    }, 100);
  }

  /**
   * Brings each fix agent's commits, in order, into every worktree that wants them. Which commits a
   * worktree has is read from git each time (a commit there, or an equivalent patch, counts), so
   * nothing half-delivered is ever recorded as delivered. A conflict stops that worktree's chain:
   * the receiving agent is marked blocked until its HEAD moves (the person or the agent resolved
   * it, or `propagate` brought the commit), and the chain then resumes where it stopped.
   */
  private async check(): Promise<void> {
    const fixers = this.fixers();
    for (const f of fixers) {
      // A worktree git cannot read now (removed, locked) has no tip to bring: the next check tries again.
      const tip = (await gitRaw(f.worktree!.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${f.branch}`], { okExitCodes: [1] }).catch(() => '')).trim();
      const from = f.fix!.propagatedTip ?? f.base;
      if (!tip || !from) continue;
      const commits = tip === from ? [] : (await gitRaw(f.worktree!.path, ['rev-list', '--reverse', '--no-merges', `${from}..${tip}`])).split('\n').filter(Boolean);
      const repo = await commonGitDir(f.worktree!.path);
      const seen = new Set<string>();
      // The last commit every wanted worktree has (in order); propagatedTip never passes it.
      let settledUpTo = commits.length;
      for (const a of await this.wanted(f, repo)) {
        if (seen.has(a.worktree!.path)) continue;
        seen.add(a.worktree!.path);
        const reached = await this.deliver(f, a, commits);
        settledUpTo = Math.min(settledUpTo, reached);
      }
      const settled = settledUpTo === 0 ? from : commits[settledUpTo - 1]!;
      if (settled !== (f.fix!.propagatedTip ?? f.base)) this.recordTip(f.id, settled);
    }
    // A receiving agent whose fix agent is gone is blocked no longer.
    const live = new Set(fixers.map((f) => f.name));
    for (const a of this.agents()) if (a.fixBlocked && !live.has(a.fixBlocked.fix)) this.markBlocked(a.id, null);
  }

  /** The agent a fix is for, and with --all every other agent of the repository with a worktree of its own. */
  private async wanted(f: AgentRecord, repo: string | null): Promise<AgentRecord[]> {
    const wanted: AgentRecord[] = [];
    for (const a of this.agents()) {
      if (a.state === 'gone' || !a.worktree || a.id === f.id) continue;
      // Never a shared or existing worktree under --all: it may be the user's own checkout.
      if (a.id !== f.fix!.forAgent && !(f.fix!.toAll && a.worktree.mode === 'new')) continue;
      if ((await commonGitDir(a.worktree.path)) === repo) wanted.push(a);
    }
    return wanted;
  }

  /** Picks commits into a's worktree in order; returns how many of them it now has (settled). */
  private async deliver(f: AgentRecord, a: AgentRecord, commits: readonly string[]): Promise<number> {
    const path = a.worktree!.path;
    const key = `${f.id} ${path}`;
    const held = this.blocked.get(key);
    if (held) {
      // Nothing changed there since the conflict: trying again would only conflict again.
      // An unreadable HEAD reads as a change (''): the fix is tried again rather than held for ever.
      const head = (await gitRaw(path, ['rev-parse', '--verify', '--quiet', 'HEAD'], { okExitCodes: [1] }).catch(() => '')).trim();
      const at = commits.indexOf(held.commit);
      if (head === held.head && at >= 0) return at;
      this.blocked.delete(key);
    }
    for (const [i, c] of commits.entries()) {
      const r = await propagateInto(path, a.name, c, await this.bugsOf(path, c));
      if (SETTLED.has(r.outcome)) {
        if (r.outcome === 'applied') this.log(`fix ${f.name}: ${a.name}: applied ${c.slice(0, 7)}`);
        continue;
      }
      this.log(`fix ${f.name}: ${a.name}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
      // Dirty or busy: its index or HEAD changes when it is ready, and this runs again.
      if (r.outcome === 'conflict' || r.outcome === 'error') {
        // An unreadable HEAD is held as '': any HEAD read later counts as a change and tries again.
        const head = (await gitRaw(path, ['rev-parse', '--verify', '--quiet', 'HEAD'], { okExitCodes: [1] }).catch(() => '')).trim();
        this.blocked.set(key, { head, commit: c });
        this.markBlocked(a.id, { fix: f.name, commit: c, files: r.files, reason: r.outcome === 'conflict' ? (r.files.length ? `conflict in ${r.files.join(', ')}` : 'conflict') : (r.reason ?? 'error') });
      }
      return i;
    }
    if (a.fixBlocked?.fix === f.name) this.markBlocked(a.id, null);
    return commits.length;
  }

  /** The commits a fix commit repairs, computed once per commit. */
  private async bugsOf(dir: string, commit: string): Promise<string[]> {
    // Bug commits that cannot be read count as none: no worktree is then ruled out as not needing the fix.
    if (!this.bugs.has(commit)) this.bugs.set(commit, await bugCommitsOf(dir, commit).catch(() => []));
    return this.bugs.get(commit)!;
  }
}
