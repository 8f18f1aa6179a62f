// The map's cells for a worktree on a detached HEAD (what `codex --worktree` makes): no branch to
// ask for-each-ref or the cache about, so its commit is checked against each target directly:
// ahead/behind by rev-list, "in the target" by ancestry, conflicts and squash by one merge-tree.
import type { MapCell, Merged } from './map-cell.js';
import { mergeTrees } from './merge-tree.js';
import { gitRaw } from './worktree.js';

interface TargetTip { name: string; oid: string; tree: string }

/** Per detached HEAD commit, per target name: the cell the map shows. */
export async function detachedCells(repo: string, targets: readonly TargetTip[], heads: readonly string[]): Promise<Map<string, Map<string, MapCell>>> {
  const out = new Map<string, Map<string, MapCell>>();
  if (!heads.length || !targets.length) return out;
  const pairs = heads.flatMap((h) => targets.map((t) => [t.oid, h] as const));
  const [merges, counts] = await Promise.all([
    mergeTrees(repo, pairs),
    Promise.all(pairs.map(async ([t, h]) => (await gitRaw(repo, ['rev-list', '--left-right', '--count', `${t}...${h}`, '--'])).trim().split(/\s+/).map(Number))),
  ]);
  pairs.forEach(([, h], i) => {
    const t = targets[i % targets.length]!;
    const [behind = 0, ahead = 0] = counts[i]!;
    const m = merges[i]!;
    // Nothing of its own beyond the target: its commit is in the target's history.
    let merged: Merged = ahead === 0 ? 'ancestor' : 'no';
    if (merged === 'no' && m.clean && m.tree === t.tree) merged = 'squash';
    const cell: MapCell = { ahead, behind, merged, mergedOn: merged === 'no' ? null : t.name, conflicts: m.clean ? [] : m.conflicts };
    if (!out.has(h)) out.set(h, new Map());
    out.get(h)!.set(t.name, cell);
  });
  return out;
}
