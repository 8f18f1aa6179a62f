// In-memory merges, batched: one `merge-tree --stdin` for many pairs, one `diff-tree --stdin` for
// what many merges change. Neither touches a worktree or the index.
import { gitRaw } from './worktree.js';

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

/**
 * The files that differ between each pair of trees [from, to], from one `diff-tree --stdin`; the
 * answer for pair i is at index i.
 */
export async function changedFilesBetween(repo: string, pairs: ReadonlyArray<readonly [string, string]>): Promise<string[][]> {
  // Two branches may make the very same change (same trees): each distinct pair is asked once.
  const unique = [...new Set(pairs.map(([a, b]) => `${a} ${b}`))];
  const files = new Map<string, string[]>(unique.map((k) => [k, []]));
  if (unique.length) {
    const out = await gitRaw(repo, ['diff-tree', '-r', '--name-only', '-z', '--stdin'], { input: unique.map((k) => `${k}\n`).join(''), timeoutMs: 120_000 });
    // Each input line comes back as a "treeA treeB" header line, then its paths, NUL-terminated.
    const header = /^([0-9a-f]{40,64} [0-9a-f]{40,64})\n/;
    let pos = 0;
    let current: string[] = [];
    while (pos < out.length) {
      const m = header.exec(out.slice(pos, pos + 140));
      if (m) {
        current = files.get(m[1]!) ?? [];
        pos += m[0].length;
        continue;
      }
      const end = out.indexOf('\0', pos);
      if (end === -1) break;
      current.push(out.slice(pos, end));
      pos = end + 1;
    }
  }
  return pairs.map(([a, b]) => files.get(`${a} ${b}`)!);
}
