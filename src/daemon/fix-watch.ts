// Brings a fix agent's commits into the agent whose bug it fixes (and, if asked, every worktree
// that lacks them) as they land. Watches the repository's refs with chokidar and treats an event
// only as "something changed": the branch tips are then read again with git (no state from events).
import type { FSWatcher } from 'chokidar';
import { watchGitDir } from './git-dir-watch.js';
import type { AgentRecord } from '../core/agent.js';
import { commonGitDir, gitRaw } from '../git/worktree.js';
import { propagateInto, type PropagateResult } from '../git/propagate.js';

export class FixWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly agents: () => AgentRecord[],
    private readonly recordTip: (agentId: string, tip: string) => void,
    private readonly log: (m: string) => void,
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

  /** For each fix agent whose branch moved, cherry-picks the new commits where they are wanted. */
  private async check(): Promise<void> {
    for (const f of this.fixers()) {
      const tip = (await gitRaw(f.worktree!.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${f.branch}`]).catch(() => '')).trim();
      const from = f.fix!.propagatedTip ?? f.base;
      if (!tip || !from || tip === from) continue;
      const commits = (await gitRaw(f.worktree!.path, ['rev-list', '--reverse', '--no-merges', `${from}..${tip}`])).split('\n').filter(Boolean);
      // The agent it fixes, and with --all every other agent of the same repository that has a
      // worktree of its own (never a shared or existing one, which may be the user's checkout).
      const repo = await commonGitDir(f.worktree!.path);
      const wanted: AgentRecord[] = [];
      for (const a of this.agents()) {
        if (a.state === 'gone' || !a.worktree || a.id === f.id) continue;
        if (a.id !== f.fix!.forAgent && !(f.fix!.toAll && a.worktree.mode === 'new')) continue;
        if ((await commonGitDir(a.worktree.path)) === repo) wanted.push(a);
      }
      const seen = new Set<string>();
      const results: PropagateResult[] = [];
      for (const a of wanted) {
        if (seen.has(a.worktree!.path)) continue;
        seen.add(a.worktree!.path);
        for (const c of commits) {
          const r = await propagateInto(a.worktree!.path, a.name, c);
          results.push(r);
          if (r.outcome !== 'applied' && r.outcome !== 'already') break; // the rest would not apply either
        }
      }
      for (const r of results) this.log(`fix ${f.name}: ${r.agent}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
      // A worktree that was dirty or busy gets the fix once it is ready (its index or HEAD
      // changes and this runs again): the tip only moves on when nothing is waiting. Conflicts and
      // errors would repeat, so they are final (and logged).
      if (!results.some((r) => r.outcome === 'skipped-dirty' || r.outcome === 'skipped-busy')) this.recordTip(f.id, tip);
    }
  }
}
