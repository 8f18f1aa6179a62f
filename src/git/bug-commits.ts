// The commits a fix repairs: the ones its removed or changed lines were written in (git blame on
// the fix's parent). A worktree that lacks them never had the bug, so the fix is not needed there;
// picking it would only conflict or drag in unrelated context.
import { gitRaw } from './worktree.js';

/** Line ranges of the parent that a diff removes or changes, per file: from `diff -U0` hunk headers. */
export function removedRanges(diff: string): Map<string, Array<[number, number]>> {
  const ranges = new Map<string, Array<[number, number]>>();
  let file: string | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('--- ')) file = line === '--- /dev/null' ? null : line.slice(6); // '--- a/PATH'
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+/.exec(line);
    if (!hunk || !file) continue;
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    if (count > 0) ranges.set(file, [...(ranges.get(file) ?? []), [Number(hunk[1]), count]]);
  }
  return ranges;
}

/** The commits (full ids) the lines a fix removes or changes come from; empty for a fix that only adds. */
export async function bugCommitsOf(repo: string, fix: string): Promise<string[]> {
  const parent = (await gitRaw(repo, ['rev-parse', '--verify', '--quiet', `${fix}^`], { okExitCodes: [1] })).trim();
  if (!parent) return [];
  // Fixed colours, prefixes and path quoting: the repository's config must not change what is parsed.
  const diff = await gitRaw(repo, ['-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/', parent, fix]);
  const found = new Set<string>();
  for (const [file, ranges] of removedRanges(diff)) {
    const out = await gitRaw(repo, ['blame', '--porcelain', ...ranges.flatMap(([start, n]) => ['-L', `${start},+${n}`]), parent, '--', file]);
    for (const line of out.split('\n')) {
      const id = /^([0-9a-f]{40}|[0-9a-f]{64}) \d+ \d+/.exec(line)?.[1];
      if (id) found.add(id);
    }
  }
  return [...found];
}
