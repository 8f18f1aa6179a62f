// Proof that the folder an interrupted spawn's intent names is still the worktree that spawn made,
// before recovery removes it: another agent or a person may have made a worktree at that path since.
// The spawn's worktree is locked by git with the spawn's own reason from the moment it exists, and
// once made carries a marker file with the intent's id in its admin folder (.git/worktrees/<name>).
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { gitRaw, resolveCommit } from '../git/worktree.js';

export const SPAWN_MARKER = 'tmuxcodex-spawn';

/** The git lock reason a spawn's new worktree carries until it is claimed. */
export function spawnLockReason(intentId: string): string {
  return `${SPAWN_MARKER}:${intentId}`;
}

/** A file's text, or null when it cannot be read. */
function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The admin folder a worktree's .git file points to, or null when path holds no linked worktree. */
function adminDirOf(path: string): string | null {
  const m = /^gitdir: (.+)$/.exec(read(join(path, '.git')) ?? '');
  if (!m) return null;
  return isAbsolute(m[1]!) ? m[1]! : resolve(path, m[1]!);
}

/**
 * Null when the folder at intent.path is the worktree the spawn with this intent id made (and may
 * go), else why not, for the log.
 */
export async function notTheSpawnsWorktree(id: string, intent: { source: string; path: string; branch: string; baseCommit: string }): Promise<string | null> {
  const { path } = intent;
  const admin = adminDirOf(path);
  if (!admin) return readdirSync(path).length ? 'it holds no worktree of git\'s (no .git file), yet is not empty' : null;
  const common = (await gitRaw(intent.source, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  if (!existsSync(admin) || realpathSync(join(admin, '..')) !== realpathSync(join(common, 'worktrees'))) return `its .git points to ${admin}, not to a worktree of ${intent.source}`;
  const back = read(join(admin, 'gitdir'));
  if (!back || realpathSync(resolve(back, '..')) !== realpathSync(path)) return `git records ${admin} for another folder (${back ?? 'none'})`;
  const ours = read(join(admin, 'locked')) === spawnLockReason(id) || read(join(admin, SPAWN_MARKER)) === id;
  if (!ours) return 'it was not made by this spawn (no lock reason or marker of it): made since by someone else';
  // Half made (git still writing it): no HEAD to check yet, and the lock says whose it is.
  if (read(join(admin, 'locked')) === spawnLockReason(id) && !read(join(admin, 'HEAD'))) return null;
  const head = read(join(admin, 'HEAD'));
  if (head !== `ref: refs/heads/${intent.branch}`) return `its HEAD is ${head ?? 'unreadable'}, not the branch ${intent.branch} the spawn checked out`;
  const at = await resolveCommit(path, 'HEAD');
  if (at !== intent.baseCommit) return `its HEAD moved to ${at ?? '(none)'} from ${intent.baseCommit}: commits were made there`;
  return null;
}
