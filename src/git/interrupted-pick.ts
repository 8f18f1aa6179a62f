// A propagate cut short (Ctrl-C, SIGKILL, a crash) must not leave a fix half applied in an agent's
// worktree: git cherry-pick killed part way leaves files written, lock files, or a pick stopped in
// the middle. Before each pick a marker in the worktree's git folder says what was being picked onto
// what, by which process; the next propagate into that worktree finishes the pick (the commit was
// made) or rolls it back. Agents work in these worktrees meanwhile, so nothing is undone that the
// pick cannot have written: a file is restored only when its bytes are what the pick would write (or
// the start of them, cut off by the kill), and nothing at all when another change is there.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { run } from '../proc/run.js';
import { gitRaw, worktreeGitDir } from './worktree.js';
import { excludingNested } from './nested-worktrees.js';

const MARKER = 'tmuxcodex-propagate.json';
/** How long a pick can write: propagate's own 120 s limit, and a margin. Later changes are someone else's. */
const PICK_LIFETIME_MS = 130_000;
/** A marker this old names a pid that can only be another process by now. */
const STALE_MARKER_MS = 10 * 60_000;
/** Paths given to git are names, never patterns ("n[12].txt" is one file). */
const literal = () => ({ ...process.env, GIT_LITERAL_PATHSPECS: '1' });

interface PickMarker { pid: number; before: string; commit: string }

export type Recovery =
  | { kind: 'none' | 'finished' | 'rolled-back' }
  | { kind: 'running'; pid: number | null }
  | { kind: 'left'; reason: string };

const markerPath = (worktree: string) => {
  const gitDir = worktreeGitDir(worktree);
  return gitDir ? join(gitDir, MARKER) : null;
};

/** Writes down, before the pick, that this process picks commit onto before; false when another propagate's marker is there. */
export function markPick(worktree: string, before: string, commit: string): boolean {
  const path = markerPath(worktree);
  if (!path) return true;
  try {
    writeFileSync(path, JSON.stringify({ pid: process.pid, before, commit } satisfies PickMarker), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The pick is over (this process saw git end): the marker goes. */
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

/** The pid of a git process working in worktree (its cwd there), from /proc; null when none (or not Linux). */
function gitRunningIn(worktree: string): number | null {
  let root: string;
  let pids: string[];
  try {
    root = realpathSync(worktree);
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'git') continue;
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === root || cwd.startsWith(root + sep)) return Number(pid);
    } catch { /* gone meanwhile */ }
  }
  return null;
}

/** The lock files a git killed during the pick left in this worktree's folder and on its branch: made while the pick could run. */
async function removeDeadLocks(worktree: string, gitDir: string, markedAt: number): Promise<void> {
  const commonDir = resolve(worktree, (await gitRaw(worktree, ['rev-parse', '--git-common-dir'])).trim());
  const branch = (await gitRaw(worktree, ['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })).trim();
  const candidates = [...readdirSync(gitDir).filter((f) => f.endsWith('.lock')).map((f) => join(gitDir, f)), ...(branch ? [join(commonDir, `${branch}.lock`)] : [])];
  for (const lock of candidates) {
    try {
      const t = statSync(lock).mtimeMs;
      if (t >= markedAt - 1000 && t <= markedAt + PICK_LIFETIME_MS) unlinkSync(lock);
    } catch { /* not there */ }
  }
}

/** Paths `git status` reports as changed (tracked or untracked), without rename pairing. */
async function changedPaths(worktree: string): Promise<string[]> {
  const out = await gitRaw(worktree, ['status', '--porcelain', '-z', '--no-renames', '--untracked-files=all', ...(await excludingNested(worktree))]);
  return out.split('\0').filter(Boolean).map((entry) => entry.slice(3));
}

/** A blob's bytes, or null when rev has no such path. */
async function blob(worktree: string, rev: string, path: string): Promise<Buffer | null> {
  return run('git', ['-C', worktree, 'cat-file', 'blob', `${rev}:${path}`], { timeoutMs: 30_000 }).then((r) => r.stdoutBytes, () => null);
}

/** What the pick writes at path: git's three-way merge of HEAD's version with the fix's change. */
async function pickedContent(worktree: string, m: PickMarker, path: string): Promise<Buffer | null> {
  const [ours, base, theirs] = await Promise.all([blob(worktree, 'HEAD', path), blob(worktree, `${m.commit}^`, path), blob(worktree, m.commit, path)]);
  if (!ours || !base || !theirs) return theirs;
  const dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-pick-'));
  try {
    const files = ['ours', 'base', 'theirs'].map((n) => join(dir, n));
    [ours, base, theirs].forEach((b, i) => writeFileSync(files[i]!, b));
    return (await run('git', ['merge-file', '-p', ...files], { timeoutMs: 30_000, okExitCodes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] })).stdoutBytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * True if a folder on the way to path (relative to worktree) is a symlink: git sees no file there,
 * and reading or removing join(worktree, path) would reach wherever the link leads, outside.
 */
function behindLink(worktree: string, path: string): boolean {
  for (let d = dirname(path); d !== '.' && d !== '/'; d = dirname(d)) {
    try {
      if (lstatSync(join(worktree, d)).isSymbolicLink()) return true;
    } catch { /* missing: nothing behind it either */ }
  }
  return false;
}

/** Whether path holds what the pick would have left there, or HEAD's version: nothing anyone else wrote. */
async function ownedByPick(worktree: string, m: PickMarker, path: string, markedAt: number): Promise<boolean> {
  if (behindLink(worktree, path)) return false; // a folder made a link after the pick: not ours to judge
  const file = join(worktree, path);
  if (!existsSync(file)) return true; // deleted: by the pick, or the file restores to HEAD's anyway
  const st = statSync(file);
  if (!st.isFile() || st.mtimeMs > markedAt + PICK_LIFETIME_MS) return false;
  const onDisk = readFileSync(file);
  const head = await blob(worktree, 'HEAD', path);
  if (head?.equals(onDisk)) return true;
  const picked = await pickedContent(worktree, m, path);
  // All of it, or its start: git was killed while writing the file. An empty one (killed right after
  // creating it) counts only when it was made while the pick ran.
  const emptyFromPick = onDisk.length > 0 || picked?.length === 0 || st.mtimeMs >= markedAt - 1000;
  return !!picked && emptyFromPick && picked.subarray(0, onDisk.length).equals(onDisk);
}

/**
 * Finishes or rolls back a pick a dead propagate left in worktree; says what it did, or why it
 * left the worktree alone.
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
  const markedAt = statSync(path).mtimeMs;
  if (m.pid !== process.pid && alive(m.pid) && Date.now() - markedAt < STALE_MARKER_MS) return { kind: 'running', pid: m.pid };
  // A git at work there (the agent's) holds its locks and files as it likes: come back later.
  const git = gitRunningIn(worktree);
  if (git !== null) return { kind: 'running', pid: git };
  const gitDir = worktreeGitDir(worktree)!;
  await removeDeadLocks(worktree, gitDir, markedAt);
  const short = m.commit.slice(0, 12);
  const pickHead = join(gitDir, 'CHERRY_PICK_HEAD');
  if (existsSync(pickHead)) {
    const ours = readFileSync(pickHead, 'utf8').trim() === m.commit;
    const touchedSince = (await changedPaths(worktree)).some((p) => { try { return statSync(join(worktree, p)).mtimeMs > markedAt + PICK_LIFETIME_MS; } catch { return false; } });
    if (!ours || touchedSince) return { kind: 'left', reason: `a cherry-pick is in progress there that ${ours ? 'was worked on after an interrupted propagate' : 'is not the interrupted propagate\'s'}; it was left as it is (finish it, or \`git cherry-pick --abort\`)` };
    await gitRaw(worktree, ['cherry-pick', '--abort']);
  }
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
  const foreign: string[] = [];
  for (const p of changed) if (!touched.has(p) || !(await ownedByPick(worktree, m, p, markedAt))) foreign.push(p);
  if (foreign.length) {
    return { kind: 'left', reason: `an interrupted propagate of ${short} left its files half picked, and ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ' and more' : ''} hold other changes; nothing was undone (see \`git status\` there)` };
  }
  // Back to HEAD: the fix's files HEAD has are restored; those it added go.
  const inHead = new Set((await gitRaw(worktree, ['ls-tree', '-r', '--name-only', '-z', 'HEAD', '--', ...changed], { env: literal() })).split('\0').filter(Boolean));
  const restore = changed.filter((p) => inHead.has(p));
  if (restore.length) await gitRaw(worktree, ['checkout', '-q', 'HEAD', '--', ...restore], { env: literal() });
  for (const p of changed.filter((x) => !inHead.has(x))) {
    await gitRaw(worktree, ['rm', '-q', '--cached', '--ignore-unmatch', '--', p], { env: literal() });
    if (!behindLink(worktree, p)) rmSync(join(worktree, p), { force: true });
  }
  const left = await changedPaths(worktree);
  if (left.length) return { kind: 'left', reason: `an interrupted propagate of ${short} could not be fully rolled back: ${left.slice(0, 3).join(', ')} still differ from HEAD` };
  rmSync(path, { force: true });
  return { kind: 'rolled-back' };
}
