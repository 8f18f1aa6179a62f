// A propagate cut short (Ctrl-C, SIGKILL, a crash) must not leave a fix half applied in an agent's
// worktree: git cherry-pick killed part way leaves files written, an index.lock, or a pick stopped
// in the middle. Before each pick a marker in the worktree's git folder says what was being picked
// onto what, by which process; the next propagate into that worktree finishes the pick (the commit
// was made) or rolls it back to exactly what it was, touching only the fix's own files.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from '../proc/run.js';
import { gitRaw, worktreeGitDir } from './worktree.js';

const MARKER = 'tmuxcodex-propagate.json';

interface PickMarker { pid: number; before: string; commit: string }

export type Recovery =
  | { kind: 'none' | 'finished' | 'rolled-back' }
  | { kind: 'running'; pid: number }
  | { kind: 'left'; reason: string };

const markerPath = (worktree: string) => {
  const gitDir = worktreeGitDir(worktree);
  return gitDir ? join(gitDir, MARKER) : null;
};

/** Writes down, before the pick, that this process picks commit onto before in worktree. */
export function markPick(worktree: string, before: string, commit: string): void {
  const path = markerPath(worktree);
  if (path) writeFileSync(path, JSON.stringify({ pid: process.pid, before, commit } satisfies PickMarker), { mode: 0o600 });
}

/** The pick is over (made, or aborted and checked): the marker goes. */
export function clearPick(worktree: string): void {
  const path = markerPath(worktree);
  if (path) rmSync(path, { force: true });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Whether some process has path open (a git still writing its lock), from /proc; false elsewhere. */
function heldOpen(path: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === path) return true;
      } catch { /* closed meanwhile */ }
    }
  }
  return false;
}

/**
 * The lock files a git killed during the pick left (the index's, HEAD's, the branch's, packed-refs):
 * only those made since the marker, and that no process holds open, so no live git loses its lock.
 */
async function removeStaleLocks(worktree: string, gitDir: string, since: number): Promise<void> {
  const commonDir = resolve(worktree, (await gitRaw(worktree, ['rev-parse', '--git-common-dir'])).trim());
  const branch = (await gitRaw(worktree, ['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })).trim();
  const candidates = [
    ...readdirSync(gitDir).filter((f) => f.endsWith('.lock')).map((f) => join(gitDir, f)),
    ...(branch ? [join(commonDir, `${branch}.lock`)] : []),
    join(commonDir, 'packed-refs.lock'),
  ];
  for (const lock of candidates) {
    try {
      if (statSync(lock).mtimeMs >= since - 1000 && !heldOpen(lock)) unlinkSync(lock);
    } catch { /* not there */ }
  }
}

/** Paths `git status` reports as changed (tracked or untracked), without rename pairing. */
async function changedPaths(worktree: string): Promise<string[]> {
  const out = await gitRaw(worktree, ['status', '--porcelain', '-z', '--no-renames', '--untracked-files=all']);
  return out.split('\0').filter(Boolean).map((entry) => entry.slice(3));
}

/**
 * Finishes or rolls back a pick a dead propagate left in worktree; says what it did, or why it
 * left the worktree alone (changes outside the fix's files are someone's work, never touched).
 */
export async function recoverPick(worktree: string): Promise<Recovery> {
  const path = markerPath(worktree);
  if (!path || !existsSync(path)) return { kind: 'none' };
  let m: PickMarker;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as PickMarker;
  } catch {
    rmSync(path, { force: true }); // torn as it was written: nothing was picked yet
    return { kind: 'none' };
  }
  if (m.pid !== process.pid && alive(m.pid)) return { kind: 'running', pid: m.pid };
  const gitDir = worktreeGitDir(worktree)!;
  await removeStaleLocks(worktree, gitDir, statSync(path).mtimeMs);
  if (existsSync(join(gitDir, 'CHERRY_PICK_HEAD'))) await gitRaw(worktree, ['cherry-pick', '--abort']);
  const head = (await gitRaw(worktree, ['rev-parse', 'HEAD'])).trim();
  if (head !== m.before) {
    const parent = (await gitRaw(worktree, ['rev-parse', '--verify', '--quiet', `${head}^`], { okExitCodes: [1] })).trim();
    const message = await gitRaw(worktree, ['log', '-1', '--format=%B', head]);
    rmSync(path, { force: true });
    // The pick made its commit; or HEAD moved on by other hands, and there is nothing of ours to undo.
    return { kind: parent === m.before && message.includes(`(cherry picked from commit ${m.commit})`) ? 'finished' : 'none' };
  }
  const touched = new Set((await gitRaw(worktree, ['diff-tree', '-r', '--root', '--name-only', '--no-renames', '-z', m.commit])).split('\0').filter(Boolean));
  const changed = await changedPaths(worktree);
  const foreign = changed.filter((p) => !touched.has(p));
  if (foreign.length) {
    return { kind: 'left', reason: `an interrupted propagate of ${m.commit.slice(0, 12)} left files half picked, and ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ' and more' : ''} changed besides; nothing was undone (look at \`git status\` there; \`git checkout HEAD -- FILE\` restores a fix file)` };
  }
  // Back to HEAD, file by file: the fix's files that HEAD has are restored; those it added go, but
  // only when they hold exactly what the fix put there.
  const inHead = new Set((await gitRaw(worktree, ['ls-tree', '-r', '--name-only', '-z', 'HEAD', '--', ...changed])).split('\0').filter(Boolean));
  const restore = changed.filter((p) => inHead.has(p));
  if (restore.length) await gitRaw(worktree, ['checkout', '-q', 'HEAD', '--', ...restore]);
  for (const p of changed.filter((x) => !inHead.has(x))) {
    await gitRaw(worktree, ['rm', '-q', '--cached', '--ignore-unmatch', '--', p]);
    const file = join(worktree, p);
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    // What the fix puts there, or the start of it (git was killed writing the file).
    const fromFix = await run('git', ['-C', worktree, 'cat-file', 'blob', `${m.commit}:${p}`], { timeoutMs: 30_000 }).then((r) => r.stdoutBytes, () => null);
    const onDisk = readFileSync(file);
    if (fromFix && fromFix.subarray(0, onDisk.length).equals(onDisk)) unlinkSync(file);
  }
  const left = await changedPaths(worktree);
  if (left.length) return { kind: 'left', reason: `an interrupted propagate could not be fully rolled back: ${left.slice(0, 3).join(', ')} still differ from HEAD` };
  rmSync(path, { force: true });
  return { kind: 'rolled-back' };
}
