// The merge map counts a branch as cherry-picked by `git patch-id --stable`, which ignores
// whitespace: good enough to show, not to delete by. Before a branch judged picked is deleted, its
// commits are compared again with `git patch-id --verbatim`, where a whitespace change counts.
import { gitRaw } from './worktree.js';

/** Verbatim patch ids of commits (an empty commit has none and is left out). */
async function verbatimPatchIds(repo: string, commits: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (!commits.length) return ids;
  const diff = await gitRaw(repo, ['log', '--no-walk=unsorted', '--stdin', '-p', '--no-color', '--no-ext-diff', '--format=commit %H'], { input: commits.join('\n') + '\n', timeoutMs: 120_000 });
  if (!diff.trim()) return ids;
  for (const line of (await gitRaw(repo, ['patch-id', '--verbatim'], { input: diff, timeoutMs: 120_000 })).split('\n')) {
    const [id, commit] = line.split(' ');
    if (id && commit) ids.set(commit, id);
  }
  return ids;
}

/** True when every non-merge commit branch has that target lacks is in target byte for byte (as a verbatim-equal patch). */
export async function pickedVerbatim(repo: string, branch: string, target: string): Promise<boolean> {
  const list = async (range: string) => (await gitRaw(repo, ['rev-list', '--no-merges', range])).split('\n').filter(Boolean);
  const own = await list(`refs/heads/${target}..refs/heads/${branch}`);
  if (!own.length) return true;
  const theirs = await list(`refs/heads/${branch}..refs/heads/${target}`);
  const ids = await verbatimPatchIds(repo, [...own, ...theirs]);
  const inTarget = new Set(theirs.map((c) => ids.get(c)).filter(Boolean));
  // An own commit without a patch (empty) carries no work of its own.
  return own.every((c) => !ids.has(c) || inTarget.has(ids.get(c)!));
}
