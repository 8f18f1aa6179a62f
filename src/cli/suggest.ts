// "Did you mean ...?" for mistyped command words: the nearest known name by edit distance.

/**
 * Edit distance between a and b where inserting, deleting or changing a letter, or swapping two
 * neighbours (`spwan`), costs 1 each (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name nearest to word, or null when none is near enough to be a likely typo (at most a
 * third of the word's letters wrong, rounded up), or when word starts a name (`sp` -> spawn).
 */
export function nearest(word: string, names: readonly string[]): string | null {
  const prefixed = names.filter((n) => n.startsWith(word));
  if (word.length >= 2 && prefixed.length === 1) return prefixed[0]!;
  let best: string | null = null;
  let bestDistance = Math.ceil(word.length / 3);
  for (const n of names) {
    const d = editDistance(word, n);
    if (d <= bestDistance && (best === null || d < bestDistance)) { best = n; bestDistance = d; }
  }
  return best;
}
