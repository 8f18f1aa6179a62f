// The merge map: every branch against every target, computed with a handful of batched git
// commands (feasibility.md §6): ahead/behind through temporary upstreams given with -c, merged
// through for-each-ref --merged, conflicts and squash merges through one merge-tree --stdin,
// cherry-picks through git cherry. Reads only; never touches a worktree or the config.
import { usageError } from '../errors.js';
import { gitRaw, listWorktrees, operationInProgress, resolveCommit, type Worktree } from './worktree.js';

export type Merged = 'no' | 'ancestor' | 'patch' | 'squash';

export interface MapCell {
  ahead: number;
  behind: number;
  merged: Merged;
  /** Paths that would conflict if the branch were merged into the target now. */
  conflicts: string[];
}

export interface MapRow {
  branch: string | null;
  worktree: string | null;
  agent: string | null;
  dirty: number | null;
  lastCommitAt: string | null;
  /** Why a row is incomplete or special: detached, rebase in progress, locked, prunable, branch deleted. */
  condition: string | null;
  targets: Record<string, MapCell | null>;
}

export interface MergeMap {
  targets: string[];
  rows: MapRow[];
  pairs: Array<{ a: string; b: string; files: string[] }>;
}

export interface RowSource { branch: string | null; worktree: string | null; agent: string | null }

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

/** The full ref a target names (a local branch, else a remote-tracking one), or a usage error. */
export async function resolveTarget(repo: string, target: string): Promise<string> {
  for (const ref of [`refs/heads/${target}`, `refs/remotes/${target}`]) {
    if (await resolveCommit(repo, ref)) return ref;
  }
  throw usageError('UNKNOWN_TARGET', `The target "${target}" is neither a branch nor a remote-tracking branch in ${repo}.`, 'Check `targets` in the config or --targets (git branch -a lists what exists).');
}

/** Parses `%(upstream:track,nobracket)`: "ahead 1, behind 2", "ahead 1", "behind 2", "" (even). */
export function parseTrack(track: string): { ahead: number; behind: number } {
  return {
    ahead: Number(/ahead (\d+)/.exec(track)?.[1] ?? 0),
    behind: Number(/behind (\d+)/.exec(track)?.[1] ?? 0),
  };
}

/** Ahead/behind of every branch against targetRef, in one for-each-ref with temporary upstreams. */
async function aheadBehind(repo: string, branches: string[], targetRef: string): Promise<Map<string, { ahead: number; behind: number }>> {
  const result = new Map<string, { ahead: number; behind: number }>();
  // A '=' in a name would end the -c key early; such rare branches are counted one by one.
  for (const b of branches.filter((x) => x.includes('='))) {
    const [behind, ahead] = (await gitRaw(repo, ['rev-list', '--left-right', '--count', `${targetRef}...refs/heads/${b}`])).trim().split(/\s+/).map(Number);
    result.set(b, { ahead: ahead ?? 0, behind: behind ?? 0 });
  }
  branches = branches.filter((x) => !x.includes('='));
  if (!branches.length) return result;
  const config = branches.flatMap((b) => ['-c', `branch.${b}.remote=.`, '-c', `branch.${b}.merge=${targetRef}`]);
  const out = await gitRaw(repo, [...config, 'for-each-ref', '--format=%(refname:lstrip=2)%00%(upstream:track,nobracket)', ...branches.map((b) => `refs/heads/${b}`)]);
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, track] = line.split('\0');
    result.set(name!, parseTrack(track ?? ''));
  }
  return result;
}

/** Branches whose tip is an ancestor of targetRef (merged normally or fast-forwarded). */
async function mergedInto(repo: string, targetRef: string): Promise<Set<string>> {
  const out = await gitRaw(repo, ['for-each-ref', `--merged=${targetRef}`, '--format=%(refname:lstrip=2)', 'refs/heads/']);
  return new Set(out.split('\n').filter(Boolean));
}

export interface MergeResult { clean: boolean; tree: string; conflicts: string[] }

/** Merges each pair [ours, theirs] in memory (one merge-tree --stdin); touches no worktree. */
export async function mergeTrees(repo: string, pairs: ReadonlyArray<readonly [string, string]>): Promise<MergeResult[]> {
  if (!pairs.length) return [];
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  // Unrelated histories (an orphan branch) would otherwise fail every merge of the batch.
  const out = await gitRaw(repo, ['merge-tree', '--stdin', '--name-only', '--no-messages', '--allow-unrelated-histories'], { input, timeoutMs: 120_000 });
  // Each result: status (1 clean, 0 conflict), tree, conflicted paths..., then an empty field.
  const fields = out.split('\0');
  const results: MergeResult[] = [];
  let i = 0;
  while (results.length < pairs.length && i < fields.length) {
    const status = fields[i++];
    const tree = fields[i++] ?? '';
    const conflicts: string[] = [];
    while (i < fields.length && fields[i] !== '') conflicts.push(fields[i++]!);
    i++; // the empty field
    results.push({ clean: status === '1', tree, conflicts: [...new Set(conflicts)] });
  }
  return results;
}

/** Patch ids (git patch-id --stable) of the non-merge commits that revs select: commit -> id. */
async function patchIds(repo: string, revs: readonly string[]): Promise<Map<string, string>> {
  const diff = await gitRaw(repo, ['log', '--no-merges', '-p', '--format=commit %H', ...revs], { timeoutMs: 120_000 });
  const ids = new Map<string, string>();
  if (!diff.trim()) return ids;
  for (const line of (await gitRaw(repo, ['patch-id', '--stable'], { input: diff, timeoutMs: 120_000 })).split('\n')) {
    const [id, commit] = line.split(' ');
    if (id && commit) ids.set(commit, id);
  }
  return ids;
}

/**
 * The branches whose every commit missing from target has a patch-equivalent commit in target
 * (what `git cherry` answers), for all candidates at once: the patch ids of the target's commits
 * since the branches forked and of the branches' own commits, from two log|patch-id runs.
 */
async function cherryPicked(repo: string, targetRef: string, candidates: readonly string[]): Promise<Set<string>> {
  if (!candidates.length) return new Set();
  const refs = candidates.map((b) => `refs/heads/${b}`);
  const base = (await gitRaw(repo, ['merge-base', '--octopus', targetRef, ...refs])).trim();
  const [inTarget, inBranches] = await Promise.all([patchIds(repo, [targetRef, `^${base}`]), patchIds(repo, [...refs, `^${targetRef}`])]);
  const targetSet = new Set(inTarget.values());
  // Each branch's own commits, from one rev-list of all of them: walk each tip's parents within it.
  const [graphOut, tipsOut] = await Promise.all([
    gitRaw(repo, ['rev-list', '--parents', `^${targetRef}`, ...refs]),
    gitRaw(repo, ['rev-parse', ...refs]),
  ]);
  const parents = new Map(graphOut.split('\n').filter(Boolean).map((l) => { const [c, ...p] = l.split(' '); return [c!, p] as const; }));
  const tips = tipsOut.split('\n').filter(Boolean);
  return new Set(candidates.filter((_b, i) => {
    const own: string[] = [];
    const seen = new Set<string>();
    for (const stack = [tips[i]!]; stack.length;) {
      const c = stack.pop()!;
      if (seen.has(c) || !parents.has(c)) continue;
      seen.add(c);
      const ps = parents.get(c)!;
      if (ps.length <= 1) own.push(c); // merges carry no patch of their own (as git cherry)
      stack.push(...ps);
    }
    return own.length > 0 && own.every((c) => targetSet.has(inBranches.get(c) ?? ''));
  }));
}

/** Uncommitted and untracked paths in a worktree. */
async function dirtyCount(worktree: string): Promise<number> {
  return (await gitRaw(worktree, ['status', '--porcelain', '-z', '--untracked-files=all'])).split('\0').filter((l) => /^[ MADRCTU?!]{2} /.test(l)).length;
}

/** Why a worktree's row is special, or null. */
async function worktreeCondition(w: Worktree): Promise<string | null> {
  if (w.prunable) return 'prunable (its folder is gone)';
  const states: string[] = [];
  if (w.locked) states.push('locked');
  if (w.detached) states.push('detached HEAD');
  const op = operationInProgress(w.path);
  if (op) states.push(`${op === 'sequence' ? 'cherry-pick' : op} in progress`);
  return states.length ? states.join(', ') : null;
}

/**
 * Computes the map for targets over rows (agents' branches and worktrees). A row that cannot be
 * computed (detached, branch deleted) is shown with its condition rather than failing the map.
 */
export async function computeMergeMap(repo: string, targets: readonly string[], agentRows: readonly RowSource[]): Promise<MergeMap> {
  const targetRefs = await Promise.all(targets.map((t) => resolveTarget(repo, t)));
  const worktrees = await listWorktrees(repo);
  // One row per agent, plus one per worktree no agent works in.
  const rows: RowSource[] = [...agentRows];
  const covered = new Set(agentRows.map((r) => r.worktree).filter(Boolean));
  for (const w of worktrees) if (!w.bare && !covered.has(w.path)) rows.push({ branch: w.branch, worktree: w.path, agent: null });
  const existing = new Set((await gitRaw(repo, ['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads/'])).split('\n').filter(Boolean));
  const branches = [...new Set(rows.map((r) => r.branch).filter((b): b is string => b !== null && existing.has(b)))];
  const dates = new Map((await gitRaw(repo, ['for-each-ref', '--format=%(refname:lstrip=2)%00%(committerdate:iso-strict)', 'refs/heads/'])).split('\n').filter(Boolean).map((l) => l.split('\0') as [string, string]));

  const cells = new Map<string, Map<string, MapCell>>(); // target -> branch -> cell
  const mergeJobs: Array<readonly [string, string]> = [];
  for (const ref of targetRefs) for (const b of branches) mergeJobs.push([ref, `refs/heads/${b}`]);
  const [targetTrees, merges] = await Promise.all([
    Promise.all(targetRefs.map(async (ref) => (await gitRaw(repo, ['rev-parse', `${ref}^{tree}`])).trim())),
    mergeTrees(repo, mergeJobs),
  ]);
  // Targets are independent of each other and of the per-worktree facts: all run at once.
  const perTarget = Promise.all(targetRefs.map(async (ref, ti) => {
    const [track, merged] = await Promise.all([aheadBehind(repo, branches, ref), mergedInto(repo, ref)]);
    const byBranch = new Map<string, MapCell>();
    const candidates: string[] = [];
    for (const [bi, b] of branches.entries()) {
      const m = merges[ti * branches.length + bi]!;
      const ab = track.get(b) ?? { ahead: 0, behind: 0 };
      let state: Merged = 'no';
      if (merged.has(b)) state = 'ancestor';
      else {
        // Merging it would change nothing: its work is in the target (squashed, or picked).
        if (m.clean && m.tree === targetTrees[ti]) state = 'squash';
        candidates.push(b);
      }
      byBranch.set(b, { ...ab, merged: state, conflicts: m.clean ? [] : m.conflicts });
    }
    // Patch-equivalent commits mean cherry-picked, even where the target changed those lines later.
    for (const b of await cherryPicked(repo, ref, candidates)) byBranch.get(b)!.merged = 'patch';
    cells.set(targets[ti]!, byBranch);
  }));

  const byPath = new Map(worktrees.map((w) => [w.path, w]));
  const facts = mapBounded(rows, 8, async (r) => {
    const w = r.worktree ? byPath.get(r.worktree) : undefined;
    let condition = w ? await worktreeCondition(w) : null;
    if (r.branch && !existing.has(r.branch)) condition = `branch ${r.branch} was deleted`;
    const dirty = w && !w.prunable ? await dirtyCount(w.path).catch(() => null) : null;
    return { condition, dirty };
  });
  const [, rowFacts] = await Promise.all([perTarget, facts]);
  const computed = rows.map((r, i): MapRow => {
    const row: MapRow = { branch: r.branch, worktree: r.worktree, agent: r.agent, dirty: rowFacts[i]!.dirty, lastCommitAt: r.branch ? (dates.get(r.branch) ?? null) : null, condition: rowFacts[i]!.condition, targets: {} };
    for (const t of targets) row.targets[t] = r.branch ? (cells.get(t)?.get(r.branch) ?? null) : null;
    return row;
  });
  // What each branch changes relative to the first target: its merge result's tree against the target's.
  const firstTargetTrees = new Map(branches.map((b, bi) => [b, merges[bi]?.tree ?? '']));
  return { targets: [...targets], rows: computed, pairs: await conflictingPairs(repo, targetTrees[0] ?? null, firstTargetTrees, computed) };
}

/**
 * The files each branch changes, from one `diff-tree --stdin` over "targetTree mergeTree" lines
 * (the merge of the branch into the target holds exactly the branch's contribution).
 */
async function changedFiles(repo: string, targetTree: string, branchTrees: ReadonlyMap<string, string>): Promise<Map<string, Set<string>>> {
  const branches = [...branchTrees.keys()].filter((b) => branchTrees.get(b));
  const result = new Map<string, Set<string>>(branches.map((b) => [b, new Set<string>()]));
  if (!branches.length) return result;
  const input = branches.map((b) => `${targetTree} ${branchTrees.get(b)}\n`).join('');
  const out = await gitRaw(repo, ['diff-tree', '-r', '--name-only', '-z', '--stdin'], { input, timeoutMs: 120_000 });
  // Each input line comes back as a "treeA treeB" header line, then its paths, NUL-terminated.
  const header = /^([0-9a-f]{40,64}) ([0-9a-f]{40,64})\n/;
  let pos = 0;
  let current: string[] = [];
  // Two branches may make the very same change (same tree): each gets the files.
  const byTree = new Map<string, string[]>();
  for (const b of branches) byTree.set(branchTrees.get(b)!, [...(byTree.get(branchTrees.get(b)!) ?? []), b]);
  while (pos < out.length) {
    const m = header.exec(out.slice(pos, pos + 140));
    if (m) {
      current = byTree.get(m[2]!) ?? [];
      pos += m[0].length;
      continue;
    }
    const end = out.indexOf('\0', pos);
    if (end === -1) break;
    for (const b of current) result.get(b)!.add(out.slice(pos, end));
    pos = end + 1;
  }
  return result;
}

/** Pairs of agent branches that would conflict with each other if both were merged. */
async function conflictingPairs(repo: string, targetTree: string | null, branchTrees: ReadonlyMap<string, string>, rows: readonly MapRow[]): Promise<MergeMap['pairs']> {
  const agentBranches = [...new Set(rows.filter((r) => r.agent && r.branch && branchTrees.has(r.branch)).map((r) => r.branch!))];
  if (agentBranches.length < 2 || !targetTree) return [];
  // Only branches that change a common file can conflict: compare changed-file sets first.
  const changed = await changedFiles(repo, targetTree, new Map(agentBranches.map((b) => [b, branchTrees.get(b)!])));
  const files = agentBranches.map((b) => changed.get(b) ?? new Set<string>());
  const jobs: Array<[string, string]> = [];
  for (let i = 0; i < agentBranches.length; i++) {
    for (let j = i + 1; j < agentBranches.length; j++) {
      if ([...files[i]!].some((f) => files[j]!.has(f))) jobs.push([agentBranches[i]!, agentBranches[j]!]);
    }
  }
  const results = await mergeTrees(repo, jobs.map(([a, b]) => [`refs/heads/${a}`, `refs/heads/${b}`] as const));
  return jobs.flatMap(([a, b], k) => (results[k]!.clean ? [] : [{ a, b, files: results[k]!.conflicts }]));
}
