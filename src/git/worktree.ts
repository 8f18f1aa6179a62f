// Worktrees and branches: typed records from porcelain output, and the few writes spawn needs.
import { existsSync, statSync } from 'node:fs';
import { readRegularFile } from '../fs/read-regular.js';
import { dirname, join, resolve } from 'node:path';
import { run, ProcessError } from '../proc/run.js';
import { failure, usageError } from '../errors.js';
import { diskFull, formatBytes } from '../fs/free-space.js';

export interface Worktree {
  path: string;
  head: string | null;
  /** Short branch name, or null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  prunable: boolean;
}

/** Runs git in dir and returns stdout untouched (NUL-separated output must keep its NULs). */
export async function gitRaw(dir: string, args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; okExitCodes?: number[]; input?: string | Buffer } = {}): Promise<string> {
  // GIT_OPTIONAL_LOCKS=0: reads such as `git status` must not rewrite the index. The daemon watches
  // index files for changes, and a read that wrote one would wake it again, in a loop.
  const env = { ...(opts.env ?? process.env), GIT_OPTIONAL_LOCKS: '0' };
  return (await run('git', ['-C', dir, ...args], { timeoutMs: opts.timeoutMs ?? 30_000, env, okExitCodes: opts.okExitCodes, input: opts.input })).stdout;
}

/** Like gitRaw, but stdout as bytes: file names that are not valid UTF-8 must not be decoded. */
export async function gitBytes(dir: string, args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Buffer> {
  const env = { ...(opts.env ?? process.env), GIT_OPTIONAL_LOCKS: '0' };
  return (await run('git', ['-C', dir, ...args], { timeoutMs: opts.timeoutMs ?? 30_000, env })).stdoutBytes;
}

/** Parses `git worktree list --porcelain -z`: records separated by an empty field. */
export function parseWorktreeList(out: string): Worktree[] {
  const result: Worktree[] = [];
  let cur: Worktree | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (cur) result.push(cur);
      cur = null;
      continue;
    }
    const sp = field.indexOf(' ');
    const key = sp === -1 ? field : field.slice(0, sp);
    const value = sp === -1 ? '' : field.slice(sp + 1);
    if (key === 'worktree') {
      if (cur) result.push(cur);
      cur = { path: value, head: null, branch: null, bare: false, detached: false, locked: false, prunable: false };
    } else if (cur) {
      if (key === 'HEAD') cur.head = value;
      else if (key === 'branch') cur.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') cur.bare = true;
      else if (key === 'detached') cur.detached = true;
      else if (key === 'locked') cur.locked = true;
      else if (key === 'prunable') cur.prunable = true;
    }
  }
  if (cur) result.push(cur);
  return result;
}

export async function listWorktrees(dir: string): Promise<Worktree[]> {
  return parseWorktreeList(await gitRaw(dir, ['worktree', 'list', '--porcelain', '-z']));
}

/** The main worktree (the first listed, where .git lives), or null for a bare repository. */
export async function mainWorktree(dir: string): Promise<Worktree | null> {
  const first = (await listWorktrees(dir))[0];
  return first && !first.bare ? first : null;
}

/** True if git accepts name as a branch name (`git check-ref-format --branch`). */
export async function isValidBranchName(dir: string, name: string): Promise<boolean> {
  // check-ref-format --branch expands @{-N} (the N-th branch checked out before): "@{-1}x" would
  // come back as another branch's name. A name must be taken as written, and refs may not hold "@{".
  if (name.startsWith('-') || name.includes('@{')) return false;
  try {
    await gitRaw(dir, ['check-ref-format', '--branch', name]);
    return true;
  } catch (e) {
    if (e instanceof ProcessError && e.exitCode !== null) return false;
    throw e;
  }
}

/** The commit a revision names, or null if it does not resolve to one. */
export async function resolveCommit(dir: string, rev: string): Promise<string | null> {
  if (rev.startsWith('-')) return null;
  try {
    return (await gitRaw(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

export async function branchExists(dir: string, branch: string): Promise<boolean> {
  return (await resolveCommit(dir, `refs/heads/${branch}`)) !== null;
}

/**
 * The repository's default branch: origin's HEAD when there is a remote, else the main worktree's
 * branch, else init.defaultBranch, else the first of main/master that exists.
 */
export async function defaultBranch(dir: string, knownMain?: Worktree | null): Promise<string | null> {
  try {
    const remoteHead = (await gitRaw(dir, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'])).trim();
    if (remoteHead) return remoteHead.replace(/^origin\//, '');
  } catch { /* no remote HEAD */ }
  // knownMain: the caller listed the worktrees already (a spawn's repoFacts); no second list.
  const main = knownMain === undefined ? await mainWorktree(dir) : knownMain;
  if (main?.branch) return main.branch;
  for (const b of ['main', 'master']) if (await branchExists(dir, b)) return b;
  return null;
}

/** Creates a worktree at path: on a new branch from base, or on an existing branch. */
export async function addWorktree(dir: string, o: { path: string; branch: string; create: boolean; base: string | null; lockReason?: string; startCommit?: string }): Promise<void> {
  const args = ['worktree', 'add', '--quiet'];
  // Locked with a reason from the first moment git creates it: who made it can be told even from a half-made one.
  if (o.lockReason) args.push('--lock', '--reason', o.lockReason);
  if (o.create) args.push('-b', o.branch, '--', o.path, o.base ?? 'HEAD');
  else args.push('--', o.path, o.branch);
  // The commit a new branch starts at: only a branch still there, at that commit, is ours to take back.
  // startCommit: the caller resolved base already (a spawn's plan); no second rev-parse.
  const start = o.create ? o.startCommit ?? await resolveCommit(dir, o.base ?? 'HEAD') : null;
  try {
    await gitRaw(dir, args, { timeoutMs: 300_000 });
  } catch (e) {
    const detail = e instanceof ProcessError ? e.stderr.trim() : (e as Error).message;
    // git makes the branch before the checkout and keeps it when the checkout fails: it is ours, new
    // and empty of work, so it goes too. Never when git refused because the branch was there already;
    // and update-ref deletes it only if it still points where git made it.
    if (start && !/already exists/.test(detail)) {
      await gitRaw(dir, ['update-ref', '-d', `refs/heads/${o.branch}`, start]).catch(() => {});
    }
    const full = diskFull(o.path, detail);
    if (full) throw failure('DISK_FULL', `No space left on device: git could not check out the worktree ${o.path} (${formatBytes(full.free)} free there); nothing was created.`, 'Free some space on that disk, then spawn again.', e);
    throw usageError('WORKTREE_ADD_FAILED', `git could not create the worktree ${o.path}: ${detail}`, 'Check the branch, base and path, then try again.');
  }
}

/** Removes a worktree (its files; the branch stays). force also drops uncommitted changes. */
export async function removeWorktree(dir: string, path: string, force: boolean): Promise<void> {
  await gitRaw(dir, ['worktree', 'remove', ...(force ? ['--force'] : []), '--', path], { timeoutMs: 300_000 });
}

/** Deletes a branch (whatever it holds: callers decide whether that is safe). */
export async function deleteBranch(dir: string, branch: string): Promise<void> {
  await gitRaw(dir, ['branch', '-D', '--', branch]);
}

const commonDirs = new Map<string, string>();

/** The repository's common git folder for a worktree (cached: it never changes for a worktree). */
export async function commonGitDir(worktree: string): Promise<string | null> {
  const known = commonDirs.get(worktree);
  if (known) return known;
  try {
    const dir = (await gitRaw(worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
    commonDirs.set(worktree, dir);
    return dir;
  } catch {
    return null;
  }
}

/** The main checkout of the repository a worktree belongs to (from its common git dir). */
export async function mainCheckoutOf(worktree: string): Promise<string> {
  const common = await commonGitDir(worktree);
  return common?.endsWith('/.git') ? dirname(common) : worktree;
}

/**
 * A worktree's own git folder, read from the filesystem rather than asked of git (one process
 * fewer per worktree): `.git` is that folder in the main checkout, a "gitdir: PATH" file elsewhere.
 */
export function worktreeGitDir(worktree: string): string | null {
  const dotGit = join(worktree, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    // Only a file is read: a FIFO put there by the agent's code would block the daemon's open().
    const m = /^gitdir: (.+)$/m.exec(readRegularFile(dotGit)?.toString('utf8') ?? '');
    return m ? resolve(worktree, m[1]!.trim()) : null;
  } catch {
    return null;
  }
}

export type Operation = 'rebase' | 'merge' | 'cherry-pick' | 'revert' | 'sequence';

/** The operation a worktree is in the middle of (a sequence: a multi-commit cherry-pick or revert), or null. */
export function operationInProgress(worktree: string): Operation | null {
  const gitDir = worktreeGitDir(worktree);
  if (!gitDir) return null;
  const has = (name: string) => existsSync(join(gitDir, name));
  if (has('rebase-merge') || has('rebase-apply')) return 'rebase';
  if (has('MERGE_HEAD')) return 'merge';
  if (has('CHERRY_PICK_HEAD')) return 'cherry-pick';
  if (has('REVERT_HEAD')) return 'revert';
  if (has('sequencer')) return 'sequence';
  return null;
}
