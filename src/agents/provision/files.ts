// copy and symlink steps: bring files git does not carry (.env, local config) into a new worktree.
import { cp, mkdir, readdir, realpath, rm, symlink, lstat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { gitRaw, listWorktrees } from '../../git/worktree.js';
import { nestedIn } from '../../git/nested-worktrees.js';
import { globToRegExp, matchesAny } from './glob.js';
import { sourceInside, targetInside } from './contain.js';

/**
 * Files and folders in the source worktree that git does not track (ignored or untracked), as
 * relative paths; ignored folders come as one "dir/" entry rather than every file inside.
 */
export async function untrackedEntries(source: string): Promise<string[]> {
  const ignored = await gitRaw(source, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']);
  const untracked = await gitRaw(source, ['ls-files', '-z', '--others', '--exclude-standard', '--directory']);
  return [...new Set([...ignored.split('\0'), ...untracked.split('\0')].filter(Boolean))];
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/**
 * Copies the entries of source matching globs into target, keeping modes and symlinks as they
 * are. Provisioning never overwrites what the target has; sync-files does (overwrite). Returns the
 * relative paths copied.
 */
export async function copyMatching(source: string, target: string, globs: readonly string[], entries?: readonly string[], overwrite = false, refused: string[] = []): Promise<string[]> {
  const res = globs.map(globToRegExp);
  const copied: string[] = [];
  // Worktrees nested in the source (Claude's .claude/worktrees/*) are checkouts of their own: a copy
  // would be a second folder git takes for that worktree. A `.claude` glob copies around them.
  const nested = new Set(nestedIn(source, await listWorktrees(source).catch(() => [])).map((r) => join(source, r)));
  for (const entry of await matchingEntries(source, entries ?? (await untrackedEntries(source)), globs, res)) {
    const rel = entry.replace(/\/$/, '');
    if (nested.has(join(source, rel))) continue;
    const to = join(target, rel);
    if (!overwrite && (await exists(to))) continue;
    // A tracked symlink on the way (apps -> /elsewhere) must not carry the copy out of the
    // worktree, nor mkdir -p make folders out there: checked before anything is made.
    const from = await sourceInside(source, dirname(rel)); // the entry itself may be a symlink: copied as one
    const dest = await targetInside(target, rel);
    if (from.problem !== null || dest.problem !== null) {
      refused.push(`${rel} (${from.problem ?? dest.problem})`);
      continue;
    }
    await mkdir(dirname(to), { recursive: true });
    const realTarget = await realpath(target);
    const realParent = await realpath(dirname(to));
    if (realParent !== realTarget && !realParent.startsWith(realTarget + sep)) continue;
    await cp(join(source, rel), to, {
      recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: !overwrite, force: overwrite,
      // Node's cp refuses to replace a symlink by one with the same absolute target ("subdirectory
      // of self"): an existing symlink is removed first.
      filter: async (src, dest) => {
        if (nested.has(src)) return false;
        if (overwrite && (await lstat(dest).catch(() => null))?.isSymbolicLink()) await rm(dest);
        return true;
      },
    });
    copied.push(rel);
  }
  return copied;
}

/**
 * The entries that match; a folder entry ("dir/") that does not match as a whole is searched for
 * matching paths inside it when some anchored glob names a path below it ("config/local/*.json").
 */
async function matchingEntries(source: string, entries: readonly string[], globs: readonly string[], res: RegExp[]): Promise<string[]> {
  const anchoredBelow = (dir: string) => globs.some((g) => g.trim().replace(/^\//, '').startsWith(dir));
  const out = new Set<string>();
  const visit = async (entry: string): Promise<void> => {
    if (matchesAny(entry, res)) { out.add(entry); return; }
    if (!entry.endsWith('/') || !anchoredBelow(entry)) return;
    for (const e of await readdir(join(source, entry), { withFileTypes: true })) await visit(`${entry}${e.name}${e.isDirectory() ? '/' : ''}`);
  };
  for (const entry of entries) await visit(entry);
  return [...out];
}

/**
 * Symlinks each relative path of target to the same path in source (absolute), when source has it.
 * A path that leads outside the source checkout or the new worktree (.., an absolute path, a
 * symlink on the way) is refused: listed in refused with the reason, nothing made for it.
 */
export async function symlinkPaths(source: string, target: string, paths: readonly string[], refused: string[] = []): Promise<string[]> {
  const linked: string[] = [];
  for (const rel of paths) {
    const to = await targetInside(target, rel);
    if (to.problem === null && !(await exists(join(source, rel)))) continue; // nothing to link to
    const from = to.problem === null ? await sourceInside(source, rel) : to;
    if (from.problem !== null || to.problem !== null) {
      refused.push(`${rel} (${from.problem ?? to.problem})`);
      continue;
    }
    if (await exists(to.path)) continue;
    await mkdir(dirname(to.path), { recursive: true });
    await symlink(from.path, to.path);
    linked.push(rel);
  }
  return linked;
}
