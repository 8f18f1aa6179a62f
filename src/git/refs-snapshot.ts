// Every branch and remote-tracking branch of a repository with its commit, tree, date and
// upstream, from one for-each-ref: the map keys its cached answers by these commit ids.
import { gitRaw } from './worktree.js';

export interface RefFacts {
  oid: string;
  tree: string;
  committedAt: string;
  /** Full name of the configured upstream (refs/remotes/origin/main), or null. */
  upstream: string | null;
}

export type RefsSnapshot = Map<string, RefFacts>;

export async function readRefs(repo: string): Promise<RefsSnapshot> {
  const out = await gitRaw(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(tree)%00%(committerdate:iso-strict)%00%(upstream)', 'refs/heads/', 'refs/remotes/']);
  const refs: RefsSnapshot = new Map();
  for (const line of out.split('\n')) {
    const [name, oid, tree, committedAt, upstream] = line.split('\0');
    // A remote's symbolic HEAD has no tree of its own to compare; it names a branch listed anyway.
    if (!name || !oid || !tree || (name.startsWith('refs/remotes/') && name.endsWith('/HEAD'))) continue;
    refs.set(name, { oid, tree, committedAt: committedAt ?? '', upstream: upstream || null });
  }
  return refs;
}

/** The full ref a target names in the snapshot: a local branch, else a remote-tracking one. */
export function targetRef(refs: RefsSnapshot, target: string): string | null {
  for (const ref of [`refs/heads/${target}`, `refs/remotes/${target}`]) if (refs.has(ref)) return ref;
  return null;
}
