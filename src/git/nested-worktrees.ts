// Worktrees nested inside another checkout: Claude Code puts its own under `.claude/worktrees/` of
// the checkout it ran in. `git status` of the outer checkout lists each as an untracked folder, yet
// it is a checkout of its own with its own changes: every check of the outer one's uncommitted work
// leaves it out, by pathspec, so a person's settings file beside it still counts.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { listWorktrees, type Worktree } from './worktree.js';

/** The real path of dir (symlinks resolved), or dir itself when it cannot be resolved. */
function real(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Paths, relative to outer, of the worktrees strictly inside it (git's own list). */
export function nestedIn(outer: string, worktrees: readonly Worktree[]): string[] {
  const top = real(outer);
  const out: string[] = [];
  for (const w of worktrees) {
    // A prunable entry's checkout is gone: whatever is at its path now (a folder a person made
    // again) is the outer worktree's own files, never to be left out of its archive or status.
    if (w.bare || w.prunable) continue;
    const rel = relative(top, real(w.path));
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) out.push(rel.split(sep).join('/'));
  }
  return out;
}

/** Pathspecs that leave each nested path out of a git command run anywhere in the outer checkout. */
export function excludePathspecs(rel: readonly string[]): string[] {
  // literal: a folder named with * or [ is itself; top: relative to the checkout's top, not the cwd.
  return rel.map((r) => `:(top,literal,exclude)${r}`);
}

/** The exclusions for outer, from the given worktree list or from git's own. */
export async function nestedExcludes(outer: string, worktrees?: readonly Worktree[]): Promise<string[]> {
  return excludePathspecs(nestedIn(outer, worktrees ?? (await listWorktrees(outer))));
}

/** The whole argument tail a status-like command needs: `--` and the exclusions, or nothing. */
export async function excludingNested(outer: string, worktrees?: readonly Worktree[]): Promise<string[]> {
  const specs = await nestedExcludes(outer, worktrees);
  return specs.length ? ['--', ...specs] : [];
}
