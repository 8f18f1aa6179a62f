// The merge map: every branch against every target, computed with a handful of batched git
// commands (feasibility.md §6): ahead/behind through rev-list --left-right --count, merged
// through for-each-ref --merged, conflicts and squash merges through one merge-tree --stdin,
// cherry-picks through cached patch ids. Reads only; never touches a worktree or the config.
// Every answer about a branch and a target depends only on their two commits, so a MapCache keyed
// by commit ids lets the next computation ask git only about what moved.
import { usageError } from '../errors.js';
import { GenerationCache } from './generation-cache.js';
import { changedFilesBetween, mergeTrees } from './merge-tree.js';
import { cherryPicked, type Tip } from './patch-equivalence.js';
import { readRefs, targetRef, type RefsSnapshot } from './refs-snapshot.js';
import { listKeptBranches } from './kept-branches.js';
import { listArchives } from './archive.js';
import { gitRaw, listWorktrees, operationInProgress, type Worktree } from './worktree.js';
import { excludingNested } from './nested-worktrees.js';
import { branchCreatedAt, worktreeMaker, type MakerFacts } from './worktree-maker.js';
import { detachedCells } from './detached-cells.js';

export { mergeTrees } from './merge-tree.js';

// The cell types live apart so that detached-cells.ts (which makes cells) needs nothing of this file.
import type { MapCell, Merged } from './map-cell.js';
export type { MapCell, Merged };

export interface MapRow {
  branch: string | null;
  worktree: string | null;
  agent: string | null;
  dirty: number | null;
  lastCommitAt: string | null;
  /** Why a row is incomplete or special: detached, rebase in progress, locked, prunable, branch deleted. */
  condition: string | null;
  /** The branch is still at the commit it was created from: nothing of its own, so never "merged". */
  noCommitsYet: boolean;
  /** Every agent that works in this worktree: an integrator and the helpers that share it. */
  agents: string[];
  /** The row's own target (its agent's), whose column is marked; null when it has none. */
  target: string | null;
  /** A branch tmuxcodex created whose agent is gone ("no agent"): who had it, and its archive if any. */
  keptFrom: { agent: string; archive: string | null } | null;
  targets: Record<string, MapCell | null>;
  /** The commit the row's worktree has checked out (a detached one has no branch to name it); null without a worktree. */
  head: string | null;
  /** Who made a worktree no agent works in (Claude's -w, codex --worktree, else git), with the name it gave; null for agents' rows. */
  madeBy: MakerFacts | null;
}

export interface MergeMap {
  targets: string[];
  rows: MapRow[];
  pairs: Array<{ a: string; b: string; files: string[] }>;
}

export interface RowSource {
  branch: string | null; worktree: string | null; agent: string | null;
  /** The commit the branch was created from (an agent's base), when known. */
  base?: string | null;
  keptFrom?: MapRow['keptFrom'];
  /** Every agent that works in the row's worktree (agent is the first of them). */
  agents?: string[];
  /** The row's own target, when it has one. */
  target?: string | null;
}

/** What one branch against one target comes to, with the merge result's tree (for the pairs). */
interface CellFacts {
  ahead: number;
  behind: number;
  merged: Merged;
  conflicts: string[];
  mergeTree: string;
  /** Set (never in the cache) when the work is merged only on the target's upstream. */
  on?: string;
}

/** Answers kept between computations of one repository's map; all keyed by commit or tree ids. */
export interface MapCache {
  cells: GenerationCache<CellFacts>;
  patchIds: GenerationCache<string>;
  pairConflicts: GenerationCache<string[]>;
  changedFiles: GenerationCache<string[]>;
  /** Dirty file count per worktree path: the only fact here that is not a function of commit ids. */
  dirty: Map<string, number>;
  /** git's worktree list as the last map read it (a new worktree moves the git folder, and so the map): what a dirty recount leaves out as nested. */
  worktrees: Worktree[] | null;
}

/** Room for a few thousand branch-target answers and the patch ids of tens of thousands of commits. */
export function newMapCache(): MapCache {
  return { cells: new GenerationCache(4096), patchIds: new GenerationCache(32_768), pairConflicts: new GenerationCache(4096), changedFiles: new GenerationCache(4096), dirty: new Map(), worktrees: null };
}

export interface MapOptions {
  cache?: MapCache;
  /** Add a row for each worktree no agent works in (default true). */
  worktreeRows?: boolean;
  /** Find the agent branches that conflict with each other (default true). */
  pairs?: boolean;
  /** Add a row for each unmerged branch kept when its agent went (kept-branches.ts); default false. */
  keptRows?: boolean;
  /** The worktrees whose dirty count is read again; the others reuse a cached count. Default: all. */
  dirtyFor?: ReadonlySet<string>;
}

/** Runs fn over items, at most limit at once, keeping the order of results. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

function unknownTarget(repo: string, target: string): Error {
  return usageError('UNKNOWN_TARGET', `The target "${target}" is neither a branch nor a remote-tracking branch in ${repo}.`, 'Check `targets` in the config or --targets (git branch -a lists what exists).');
}

/** The full ref a target names (a local branch, else a remote-tracking one), or a usage error. */
export async function resolveTarget(repo: string, target: string): Promise<string> {
  const ref = targetRef(await readRefs(repo), target);
  if (!ref) throw unknownTarget(repo, target);
  return ref;
}

/**
 * Ahead/behind of every branch against targetRef: one `rev-list --left-right --count` per branch,
 * a few at once. Never through upstream config (`%(upstream:track)` with a temporary
 * `-c branch.X.merge`): that key is multi-valued, and a branch's own upstream (any branch `pr`
 * pushed) wins over the temporary one, so every pushed branch read 0/0. Only cells the cache lacks
 * come here, so the count of processes is the count of branches that moved.
 */
async function aheadBehind(repo: string, branches: readonly string[], targetRef: string): Promise<Map<string, { ahead: number; behind: number }>> {
  const counts = await mapBounded(branches, 4, async (b) => {
    const out = await gitRaw(repo, ['rev-list', '--left-right', '--count', `${targetRef}...refs/heads/${b}`, '--']);
    const [behind, ahead] = out.trim().split(/\s+/).map(Number);
    return [b, { ahead: ahead ?? 0, behind: behind ?? 0 }] as const;
  });
  return new Map(counts);
}

/** Which of branches have their tip in targetRef's history (merged normally or fast-forwarded). */
async function mergedInto(repo: string, targetRef: string, branches: readonly string[]): Promise<Set<string>> {
  const out = await gitRaw(repo, ['for-each-ref', `--merged=${targetRef}`, '--format=%(refname:lstrip=2)', ...branches.map((b) => `refs/heads/${b}`)]);
  return new Set(out.split('\n').filter(Boolean));
}

interface Target { name: string; ref: string; oid: string; tree: string }

const cellKey = (target: Target, tip: Tip) => `${target.oid} ${tip.oid}`;

/**
 * The cells of each target for the given branches, asking git only about the (target, branch)
 * commit pairs the cache does not know; new answers are cached once the refs are seen unmoved.
 */
async function computeCells(repo: string, targets: readonly Target[], tips: readonly Tip[], cache: MapCache, keep = true): Promise<Map<string, Map<string, CellFacts>>> {
  const result = new Map(targets.map((t) => [t.ref, new Map<string, CellFacts>()]));
  const stale = targets.map((t) => tips.filter((tip) => {
    const hit = cache.cells.get(cellKey(t, tip));
    if (hit) result.get(t.ref)!.set(tip.name, hit);
    return !hit;
  }));
  if (!stale.some((s) => s.length)) return result;
  const jobs = targets.flatMap((t, ti) => stale[ti]!.map((tip) => [t.oid, tip.oid] as const));
  const allMerges = mergeTrees(repo, jobs);
  let offset = 0;
  const fresh = new Map<string, CellFacts>();
  // Targets are independent of each other: all run at once.
  await Promise.all(targets.map(async (t, ti) => {
    const mine = stale[ti]!;
    const first = offset;
    offset += mine.length;
    if (!mine.length) return;
    const names = mine.map((tip) => tip.name);
    // The cherry-pick check runs alongside rather than after the ancestry check: a branch merged
    // normally has no commit outside the target, so including it costs nothing.
    const [track, merged, picked, merges] = await Promise.all([aheadBehind(repo, names, t.ref), mergedInto(repo, t.ref, names), cherryPicked(repo, t.oid, mine, cache.patchIds), allMerges]);
    mine.forEach((tip, i) => {
      const m = merges[first + i]!;
      let state: Merged = 'no';
      if (merged.has(tip.name)) state = 'ancestor';
      // Patch-equivalent commits mean cherry-picked, even where the target changed those lines later.
      else if (picked.has(tip.name)) state = 'patch';
      // Merging it would change nothing: its work is in the target, squashed.
      else if (m.clean && m.tree === t.tree) state = 'squash';
      const cell: CellFacts = { ...(track.get(tip.name) ?? { ahead: 0, behind: 0 }), merged: state, conflicts: m.clean ? [] : m.conflicts, mergeTree: m.tree };
      result.get(t.ref)!.set(tip.name, cell);
      fresh.set(cellKey(t, tip), cell);
    });
  }));
  // A throwaway cache (one computation) outlives nothing: no need to check what moved.
  if (!keep) return result;
  // The ref names given to git may have moved while it worked: cache only what provably did not.
  const now = await readRefs(repo);
  const moved = (ref: string, oid: string) => now.get(ref)?.oid !== oid;
  for (const t of targets) {
    if (moved(t.ref, t.oid)) continue;
    for (const tip of tips) if (!moved(`refs/heads/${tip.name}`, tip.oid) && fresh.has(cellKey(t, tip))) cache.cells.set(cellKey(t, tip), fresh.get(cellKey(t, tip))!);
  }
  return result;
}

/** Uncommitted and untracked paths in a worktree, leaving out the worktrees nested in it (given, or git's list). */
export async function dirtyCount(worktree: string, worktrees?: readonly Worktree[]): Promise<number> {
  const tail = await excludingNested(worktree, worktrees);
  return (await gitRaw(worktree, ['status', '--porcelain', '-z', '--untracked-files=all', ...tail])).split('\0').filter((l) => /^[ MADRCTU?!]{2} /.test(l)).length;
}

/** Why a worktree's row is special, or null. */
function worktreeCondition(w: Worktree): string | null {
  if (w.prunable) return 'prunable (its folder is gone)';
  const states: string[] = [];
  if (w.locked) states.push('locked');
  if (w.detached) states.push('detached HEAD');
  const op = operationInProgress(w.path);
  if (op) states.push(`${op === 'sequence' ? 'cherry-pick' : op} in progress`);
  return states.length ? states.join(', ') : null;
}

/** Short name of a full ref for people: refs/heads/main -> main, refs/remotes/origin/main -> origin/main. */
const shortRef = (ref: string) => ref.replace(/^refs\/(heads|remotes)\//, '');

/**
 * Computes the map for targets over rows (agents' branches and worktrees). A row that cannot be
 * computed (detached, branch deleted) is shown with its condition rather than failing the map.
 */
export async function computeMergeMap(repo: string, targetNames: readonly string[], agentRows: readonly RowSource[], opts: MapOptions = {}): Promise<MergeMap> {
  const cache = opts.cache ?? newMapCache();
  const keep = opts.cache !== undefined;
  // A map of given branches alone (a landing's check, a merged test) needs no worktree list.
  const needWorktrees = (opts.worktreeRows ?? true) || agentRows.some((r) => r.worktree);
  const [refs, worktrees] = await Promise.all([readRefs(repo), needWorktrees ? listWorktrees(repo) : Promise.resolve([])]);
  if (needWorktrees) cache.worktrees = worktrees;
  const targets: Target[] = targetNames.map((name) => {
    const ref = targetRef(refs, name);
    if (!ref) throw unknownTarget(repo, name);
    return { name, ref, oid: refs.get(ref)!.oid, tree: refs.get(ref)!.tree };
  });
  // One row per agent, plus one per worktree no agent works in.
  const rows: RowSource[] = [...agentRows];
  if (opts.worktreeRows ?? true) {
    const covered = new Set(agentRows.map((r) => r.worktree).filter(Boolean));
    for (const w of worktrees) {
      if (w.bare || covered.has(w.path)) continue;
      // A Claude worktree's branch is made at HEAD: its base tells "nothing of its own yet" from "merged".
      const base = w.branch && worktreeMaker(w.path, w.branch).by === 'claude' ? await branchCreatedAt(repo, w.branch) : null;
      rows.push({ branch: w.branch, worktree: w.path, agent: null, base });
    }
  }
  if (opts.keptRows) rows.push(...(await keptRowSources(repo, rows)));
  const tips: Tip[] = [...new Set(rows.map((r) => r.branch))].flatMap((name) => {
    const oid = name === null ? undefined : refs.get(`refs/heads/${name}`)?.oid;
    return oid ? [{ name: name!, oid }] : [];
  });

  const byPath = new Map(worktrees.map((w) => [w.path, w]));
  // Agents sharing a worktree share its count: one `git status` per worktree.
  const dirtyOf = new Map<string, Promise<number | null>>();
  const readDirty = (path: string): Promise<number | null> => {
    const cached = cache.dirty.get(path);
    if (cached !== undefined && opts.dirtyFor && !opts.dirtyFor.has(path)) return Promise.resolve(cached);
    if (!dirtyOf.has(path)) {
      dirtyOf.set(path, dirtyCount(path, worktrees).then((n) => { cache.dirty.set(path, n); return n; }, () => { cache.dirty.delete(path); return null; }));
    }
    return dirtyOf.get(path)!;
  };
  const rowFacts = mapBounded(rows, 8, async (r) => {
    const w = r.worktree ? byPath.get(r.worktree) : undefined;
    let condition = w ? worktreeCondition(w) : null;
    if (r.branch && !refs.has(`refs/heads/${r.branch}`)) condition = `branch ${r.branch} was deleted`;
    const dirty = w && !w.prunable ? await readDirty(w.path) : null;
    return { condition, dirty };
  });
  // A detached worktree (codex --worktree) has no branch: its HEAD commit is checked against each target.
  const detachedHeads = [...new Set(rows.flatMap((r) => {
    const w = r.branch === null && r.worktree ? byPath.get(r.worktree) : undefined;
    return w?.head && !w.prunable ? [w.head] : [];
  }))];
  const [cells, facts, detached] = await Promise.all([computeCells(repo, targets, tips, cache, keep), rowFacts, detachedCells(repo, targets, detachedHeads)]);
  await creditRemoteMerges(repo, refs, targets, tips, cells, cache, keep);

  const computed = rows.map((r, i): MapRow => {
    const noCommitsYet = hasNoCommitsYet(refs, r);
    const w = r.worktree ? byPath.get(r.worktree) : undefined;
    const head = w?.head ?? null;
    const madeBy = !r.agent && w ? worktreeMaker(w.path, w.branch) : null;
    const row: MapRow = { branch: r.branch, worktree: r.worktree, agent: r.agent, dirty: facts[i]!.dirty, lastCommitAt: r.branch ? (refs.get(`refs/heads/${r.branch}`)?.committedAt ?? null) : null, condition: facts[i]!.condition, noCommitsYet, keptFrom: r.keptFrom ?? null, agents: r.agents ?? (r.agent ? [r.agent] : []), target: r.target ?? null, targets: {}, head, madeBy };
    for (const t of targets) {
      const off = !r.branch && head ? detached.get(head)?.get(t.name) : undefined;
      if (off) { row.targets[t.name] = off; continue; }
      const cell = r.branch ? cells.get(t.ref)?.get(r.branch) : undefined;
      // Its tip is in the target's history only because the target is where it started.
      row.targets[t.name] = cell ? publicCell(noCommitsYet ? { ...cell, merged: 'no' } : cell, t) : null;
    }
    return row;
  });
  const pairs = opts.pairs ?? true;
  // A kept branch leaves the map once it is merged: it is landed work then, not lost work.
  const shown = computed.filter((row) => !row.keptFrom || !Object.values(row.targets).some((c) => c && c.merged !== 'no'));
  return { targets: targets.map((t) => t.name), rows: shown, pairs: pairs && targets[0] ? await conflictingPairs(repo, targets[0], tips, cells.get(targets[0].ref)!, computed, cache) : [] };
}

/**
 * Whether a row's branch is still at the commit it was created from. Ancestry alone cannot tell a
 * branch with no commits of its own from one fast-forwarded into the target: only the base can.
 */
function hasNoCommitsYet(refs: RefsSnapshot, r: RowSource): boolean {
  if (!r.branch || !r.base) return false;
  return refs.get(`refs/heads/${r.branch}`)?.oid === r.base;
}

/** Rows for the kept branches of agents that are gone, with their newest archive; none twice. */
async function keptRowSources(repo: string, rows: readonly RowSource[]): Promise<RowSource[]> {
  const kept = await listKeptBranches(repo);
  if (!kept.length) return [];
  const shown = new Set(rows.map((r) => r.branch));
  const archives = await listArchives(repo);
  const out: RowSource[] = [];
  for (const k of kept) {
    if (shown.has(k.branch)) continue;
    shown.add(k.branch);
    // Newest first: the first of this agent's archives for this branch is the latest.
    const archive = archives.find((a) => a.agent === k.agent && (a.branch === k.branch || a.branch === null))?.id ?? null;
    out.push({ branch: k.branch, worktree: null, agent: null, keptFrom: { agent: k.agent, archive } });
  }
  return out;
}

/** A cell as the map shows it; `on` names where the work was merged when that is not the target. */
function publicCell(c: CellFacts, t: Target): MapCell {
  return { ahead: c.ahead, behind: c.behind, merged: c.merged, mergedOn: c.merged === 'no' ? null : (c.on ?? t.name), conflicts: c.conflicts };
}

/**
 * Work merged on the remote (a pull request merged there, not yet pulled into the local target)
 * counts as merged: a branch not merged into a local target is checked against its upstream too.
 */
async function creditRemoteMerges(repo: string, refs: RefsSnapshot, targets: readonly Target[], tips: readonly Tip[], cells: Map<string, Map<string, CellFacts>>, cache: MapCache, keep: boolean): Promise<void> {
  for (const t of targets) {
    const upstream = refs.get(t.ref)?.upstream;
    const up = upstream ? refs.get(upstream) : undefined;
    if (!upstream || !up || up.oid === t.oid) continue;
    const mine = cells.get(t.ref)!;
    const open = tips.filter((tip) => mine.get(tip.name)?.merged === 'no');
    if (!open.length) continue;
    const remote: Target = { name: shortRef(upstream), ref: upstream, oid: up.oid, tree: up.tree };
    const there = (await computeCells(repo, [remote], open, cache, keep)).get(upstream)!;
    for (const tip of open) {
      const r = there.get(tip.name);
      if (r && r.merged !== 'no') mine.set(tip.name, { ...mine.get(tip.name)!, merged: r.merged, on: remote.name });
    }
  }
}

/** Pairs of agent branches that would conflict with each other if both were merged. */
async function conflictingPairs(repo: string, target: Target, tips: readonly Tip[], cells: ReadonlyMap<string, CellFacts>, rows: readonly MapRow[], cache: MapCache): Promise<MergeMap['pairs']> {
  const agentBranches = new Set(rows.filter((r) => r.agent && r.branch).map((r) => r.branch!));
  const mine = tips.filter((tip) => agentBranches.has(tip.name) && cells.has(tip.name));
  if (mine.length < 2) return [];
  // What each branch changes: its merge into the target against the target (only its contribution).
  // Only branches that change a common file can conflict: compare changed-file sets first.
  const changeKey = (tip: Tip) => `${target.tree} ${cells.get(tip.name)!.mergeTree}`;
  const unknown = mine.filter((tip) => cache.changedFiles.get(changeKey(tip)) === undefined);
  const found = await changedFilesBetween(repo, unknown.map((tip) => [target.tree, cells.get(tip.name)!.mergeTree] as const));
  unknown.forEach((tip, i) => cache.changedFiles.set(changeKey(tip), found[i]!));
  const files = mine.map((tip) => new Set(cache.changedFiles.get(changeKey(tip))));
  const candidates: Array<[Tip, Tip]> = [];
  for (let i = 0; i < mine.length; i++) {
    for (let j = i + 1; j < mine.length; j++) {
      if ([...files[i]!].some((f) => files[j]!.has(f))) candidates.push([mine[i]!, mine[j]!]);
    }
  }
  const pairKey = ([a, b]: [Tip, Tip]) => [a.oid, b.oid].sort().join(' ');
  const ask = candidates.filter((p) => cache.pairConflicts.get(pairKey(p)) === undefined);
  const results = await mergeTrees(repo, ask.map(([a, b]) => [a.oid, b.oid] as const));
  ask.forEach((p, k) => cache.pairConflicts.set(pairKey(p), results[k]!.clean ? [] : results[k]!.conflicts));
  return candidates.flatMap((p) => {
    const conflicts = cache.pairConflicts.get(pairKey(p))!;
    return conflicts.length ? [{ a: p[0].name, b: p[1].name, files: conflicts }] : [];
  });
}

/**
 * How branch is merged into target ('no' when it is not), as the map decides: ancestry, patches or
 * squash. Given the commit the branch was created from, a branch still there is 'no' (nothing to merge).
 */
export async function mergedState(repo: string, branch: string, target: string, base: string | null = null): Promise<Merged> {
  const map = await computeMergeMap(repo, [target], [{ branch, worktree: null, agent: branch, base }], { worktreeRows: false, pairs: false });
  return map.rows[0]?.targets[target]?.merged ?? 'no';
}
