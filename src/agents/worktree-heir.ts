// A worktree whose owner is killed while other live agents still work in it (a child spawned with
// --parent into its parent's worktree, kept with --children keep) passes to one of them: otherwise
// it is owned by nobody, and no later kill saves its work or removes it.
import type { AgentRecord } from '../core/agent.js';
import { PANE_META, encodeOptionValue } from '../tmux/agent-options.js';

export interface Inheritance {
  heir: AgentRecord;
  /** What changes on the heir's record. */
  patch: Pick<AgentRecord, 'worktree' | 'branchCreated' | 'source'>;
  /** The same, as pane options to set (tmux is the source of truth for live agents). */
  options: Array<[string, string]>;
}

/** Who takes over owner's worktree (the oldest live agent sharing it, children first), or null. */
export function worktreeInheritance(owner: AgentRecord, all: readonly AgentRecord[]): Inheritance | null {
  const wt = owner.worktree;
  if (!wt || wt.mode !== 'new') return null;
  const sharers = all.filter((a) => a.id !== owner.id && a.state !== 'gone' && a.worktree?.path === wt.path && a.worktree.mode === 'shared');
  const rank = (a: AgentRecord) => (a.parentId === owner.id ? 0 : 1);
  const heir = [...sharers].sort((a, b) => rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt))[0];
  if (!heir) return null;
  const patch = { worktree: { path: wt.path, mode: 'new' as const }, branchCreated: owner.branchCreated && heir.branch === owner.branch, source: owner.source };
  const options: Array<[string, string]> = [[PANE_META.worktreeMode, 'new']];
  if (patch.branchCreated) options.push([PANE_META.branchCreated, '1']);
  if (patch.source) options.push([PANE_META.source, encodeOptionValue(patch.source)]);
  return { heir, patch, options };
}
