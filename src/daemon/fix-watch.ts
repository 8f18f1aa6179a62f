// Brings a fix agent's commits into the agent whose bug it fixes (and, if asked, every worktree
// that lacks them) as they land. Watches the repository's refs with chokidar and treats an event
// only as "something changed": the branch tips are then read again with git (no state from events).
import chokidar, { type FSWatcher } from 'chokidar';
import { join } from 'node:path';
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
      // Loose refs and packed-refs: a commit on any branch changes one of them.
      const w = chokidar.watch([join(dir, 'refs', 'heads'), join(dir, 'packed-refs')], { ignoreInitial: true, ignored: (p) => p.endsWith('.lock') });
      w.on('all', () => this.schedule());
      this.watchers.set(dir, w);
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
      const all = this.agents().filter((a) => a.state !== 'gone' && a.worktree && a.id !== f.id);
      const wanted = all.filter((a) => a.id === f.fix!.forAgent || f.fix!.toAll);
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
      this.recordTip(f.id, tip);
      for (const r of results) this.log(`fix ${f.name}: ${r.agent}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
    }
  }
}
