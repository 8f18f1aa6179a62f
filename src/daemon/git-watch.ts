// Keeps each agent's git fields (ahead, behind, dirty, merged, conflicts against its target) up to
// date: chokidar on the repositories' git folders (refs, packed-refs, HEADs, indexes) says that
// something changed; the map is then computed again for that repository, in the background.
import type { FSWatcher } from 'chokidar';
import { watchGitDir } from './git-dir-watch.js';
import type { AgentRecord } from '../core/agent.js';
import { commonGitDir, defaultBranch } from '../git/worktree.js';
import { computeMergeMap, resolveTarget } from '../git/mergemap.js';

export class GitWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Map<string, Promise<void>>();

  constructor(
    private readonly agents: () => AgentRecord[],
    private readonly publish: (agentId: string, git: NonNullable<AgentRecord['git']>) => void,
    private readonly log: (m: string) => void,
  ) {}

  /** Watches the git folder of every repository that has live agents with a branch. */
  async sync(): Promise<void> {
    const dirs = new Set<string>();
    for (const a of this.agents()) {
      if (a.state === 'gone' || !a.worktree || !a.branch) continue;
      const common = await commonGitDir(a.worktree.path);
      if (common) dirs.add(common);
    }
    for (const [dir, w] of this.watchers) if (!dirs.has(dir)) { void w.close(); this.watchers.delete(dir); }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      this.watchers.set(dir, watchGitDir(dir, () => this.schedule(dir)));
      this.schedule(dir);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
  }

  /** Debounced per repository: a commit or checkout touches several files at once. */
  private schedule(dir: string): void {
    clearTimeout(this.timers.get(dir));
    this.timers.set(dir, setTimeout(() => {
      this.timers.delete(dir);
      const prev = this.busy.get(dir) ?? Promise.resolve();
      this.busy.set(dir, prev.then(() => this.refresh(dir)).catch((e) => this.log(`git fields for ${dir}: ${(e as Error).message}`)));
    }, 150));
  }

  /** Computes the map of one repository for its agents, each against its own target. */
  private async refresh(commonDir: string): Promise<void> {
    const agents: AgentRecord[] = [];
    for (const a of this.agents()) {
      if (a.state === 'gone' || !a.worktree || !a.branch) continue;
      const common = await commonGitDir(a.worktree.path);
      if (common === commonDir) agents.push(a);
    }
    if (!agents.length) return;
    const repo = agents[0]!.worktree!.path;
    const fallback = await defaultBranch(repo);
    // A target that does not resolve (deleted) only blanks its own agents, not the repository's.
    const targets: string[] = [];
    for (const t of new Set(agents.map((a) => a.target ?? fallback).filter((x): x is string => !!x))) {
      if (await resolveTarget(repo, t).then(() => true, () => false)) targets.push(t);
    }
    if (!targets.length) return;
    const map = await computeMergeMap(repo, targets, agents.map((a) => ({ branch: a.branch, worktree: a.worktree!.path, agent: a.id })));
    for (const a of agents) {
      const row = map.rows.find((r) => r.agent === a.id);
      const cell = row?.targets[a.target ?? fallback ?? ''];
      if (!row || !cell) continue;
      this.publish(a.id, { ahead: cell.ahead, behind: cell.behind, dirty: row.dirty ?? 0, merged: cell.merged !== 'no', mergedHow: cell.merged, conflicts: cell.conflicts });
    }
  }
}
