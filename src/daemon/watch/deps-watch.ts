// Watches the lock files of worktrees whose dependencies were cloned from a shared snapshot. When
// one changes (the agent installed something), that worktree's cloned folder stops sharing files
// with the snapshot: from then on its dependencies are its own, and nothing it does to them can
// reach another worktree.
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from '../../core/agent.js';
import { LOCKFILES, snapshotKey } from '../../agents/provision/index.js';
import { unshareTree } from '../../agents/provision/clone.js';

const LOCK_NAMES = new Set(LOCKFILES.map((l) => l.file));
export const PRIVATE_KEY = 'private';

export class DepsWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onPrivate: (agentId: string, deps: AgentRecord['deps']) => void, private readonly log: (m: string) => void) {}

  /** Watches exactly the live agents that have shared clones; stops watching the others. */
  sync(agents: readonly AgentRecord[]): void {
    const wanted = new Map(agents.filter((a) => a.state !== 'gone' && a.worktree?.mode === 'new' && a.deps.some((d) => d.key !== PRIVATE_KEY)).map((a) => [a.id, a]));
    for (const [id, w] of this.watchers) {
      if (!wanted.has(id)) {
        w.close();
        this.watchers.delete(id);
        clearTimeout(this.timers.get(id));
        this.timers.delete(id);
      }
    }
    for (const [id, agent] of wanted) {
      if (this.watchers.has(id)) continue;
      try {
        const w = watch(agent.worktree!.path, { persistent: false }, (_event, file) => {
          if (file && LOCK_NAMES.has(String(file))) this.debounce(id, () => void this.check(agent));
        });
        w.on('error', () => { w.close(); this.watchers.delete(id); });
        this.watchers.set(id, w);
      } catch (e) {
        this.log(`cannot watch ${agent.worktree!.path}: ${(e as Error).message}`);
      }
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.watchers.clear();
    this.timers.clear();
  }

  /** Package managers write the lock file more than once; act once it has been quiet for a second. */
  private debounce(id: string, fn: () => void): void {
    clearTimeout(this.timers.get(id));
    this.timers.set(id, setTimeout(() => { this.timers.delete(id); fn(); }, 1000));
  }

  private async check(agent: AgentRecord): Promise<void> {
    const wt = agent.worktree!.path;
    const next: AgentRecord['deps'] = [];
    let changed = false;
    for (const d of agent.deps) {
      if (d.key === PRIVATE_KEY || snapshotKey(wt, d.dir) === d.key) {
        next.push(d);
        continue;
      }
      try {
        const n = await unshareTree(join(wt, d.dir));
        this.log(`${agent.name}: the lock file changed; ${d.dir} no longer shares files with the snapshot (${n} files copied)`);
        next.push({ dir: d.dir, key: PRIVATE_KEY });
        changed = true;
      } catch (e) {
        this.log(`${agent.name}: making ${d.dir} private failed: ${(e as Error).message}`);
        next.push(d);
      }
    }
    if (changed) this.onPrivate(agent.id, next);
  }
}
