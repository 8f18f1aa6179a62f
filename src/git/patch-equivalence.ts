// Cherry-pick detection for many branches at once: a branch counts as picked into a target when
// every commit it has that the target lacks has a patch-equivalent commit in the target (what
// `git cherry` answers). Patch ids never change for a commit, so they are cached by commit id.
import type { GenerationCache } from './generation-cache.js';
import { gitRaw } from './worktree.js';

export interface Tip { name: string; oid: string }

/** Patch ids (git patch-id --stable) of commits, computing only those not yet in the cache. */
async function patchIdsOf(repo: string, commits: readonly string[], cache: GenerationCache<string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const missing: string[] = [];
  for (const c of commits) {
    const known = cache.get(c);
    if (known !== undefined) ids.set(c, known);
    else missing.push(c);
  }
  if (missing.length) {
    // --no-color, --no-ext-diff: a repository's color.ui=always (or an external diff) would make
    // every patch id differ, and no cherry-pick would ever be seen.
    const diff = await gitRaw(repo, ['log', '--no-walk=unsorted', '--stdin', '-p', '--no-color', '--no-ext-diff', '--format=commit %H'], { input: missing.join('\n') + '\n', timeoutMs: 120_000 });
    const found = new Map<string, string>();
    if (diff.trim()) {
      for (const line of (await gitRaw(repo, ['patch-id', '--stable'], { input: diff, timeoutMs: 120_000 })).split('\n')) {
        const [id, commit] = line.split(' ');
        if (id && commit) found.set(commit, id);
      }
    }
    // An empty commit has no patch id: remember that too ('' never equals a real id).
    for (const c of missing) {
      const id = found.get(c) ?? '';
      cache.set(c, id);
      ids.set(c, id);
    }
  }
  return ids;
}

/** The common ancestor of the target and all tips, or null when some tip shares no history with it. */
async function octopusBase(repo: string, targetOid: string, tips: readonly string[]): Promise<string | null> {
  const out = await gitRaw(repo, ['merge-base', '--octopus', targetOid, ...tips], { okExitCodes: [1] });
  return out.trim() || null;
}

/** The names of the candidates whose work is all in the target as equivalent patches. */
export async function cherryPicked(repo: string, targetOid: string, candidates: readonly Tip[], cache: GenerationCache<string>): Promise<Set<string>> {
  if (!candidates.length) return new Set();
  let related = [...candidates];
  let base = await octopusBase(repo, targetOid, related.map((c) => c.oid));
  if (!base) {
    // Some branch shares no history with the target (an orphan): it cannot have been picked whole.
    const kept: Tip[] = [];
    for (const c of candidates) if (await octopusBase(repo, targetOid, [c.oid])) kept.push(c);
    related = kept;
    base = related.length ? await octopusBase(repo, targetOid, related.map((c) => c.oid)) : null;
  }
  if (!base) return new Set();
  const tips = related.map((c) => c.oid);
  // Two graphs since the common base: the target's, and the branches' (which share the part of the
  // target they were forked from or merged). git cherry compares a branch's commits that the target
  // lacks with the target's commits that the branch lacks, so each branch gets its own two sets.
  const [branchGraph, targetGraph] = await Promise.all([
    gitRaw(repo, ['rev-list', '--parents', ...tips, `^${base}`]).then(parseGraph),
    gitRaw(repo, ['rev-list', '--parents', targetOid, `^${base}`]).then(parseGraph),
  ]);
  const sides = related.map((tip) => {
    const reach = reachable(branchGraph, tip.oid);
    const own = [...reach].filter((c) => !targetGraph.has(c) && branchGraph.get(c)!.length <= 1); // merges carry no patch (as git cherry)
    const theirs = [...targetGraph].filter(([c, ps]) => !reach.has(c) && ps.length <= 1).map(([c]) => c);
    return { tip, own, theirs };
  });
  // Only a branch with work of its own and a target that moved on since can have been picked.
  const worth = sides.filter((s) => s.own.length && s.theirs.length);
  if (!worth.length) return new Set();
  const ids = await patchIdsOf(repo, [...new Set(worth.flatMap((s) => [...s.own, ...s.theirs]))], cache);
  return new Set(worth.filter((s) => {
    const inTarget = new Set(s.theirs.map((c) => ids.get(c)).filter(Boolean));
    return s.own.every((c) => inTarget.has(ids.get(c) ?? ''));
  }).map((s) => s.tip.name));
}

/** `rev-list --parents` output as commit -> parents. */
function parseGraph(out: string): Map<string, string[]> {
  return new Map(out.split('\n').filter(Boolean).map((l) => { const [c, ...p] = l.split(' '); return [c!, p]; }));
}

/** The commits of graph reachable from tip (the graph stops at the base). */
function reachable(graph: ReadonlyMap<string, readonly string[]>, tip: string): Set<string> {
  const seen = new Set<string>();
  for (const stack = [tip]; stack.length;) {
    const c = stack.pop()!;
    if (seen.has(c) || !graph.has(c)) continue;
    seen.add(c);
    stack.push(...graph.get(c)!);
  }
  return seen;
}
