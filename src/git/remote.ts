// A branch and its remote: the remote's URL, whether a branch is there, how far ahead a local
// branch is, and pushing it. Pushing runs where the user's credentials are (the CLI process).
import { run } from '../proc/run.js';
import { gitRaw } from './worktree.js';

const git = async (dir: string, args: readonly string[], timeoutMs = 30_000) => (await gitRaw(dir, args, { timeoutMs })).trim();

/** The URL of remote, or null when the repository has no such remote (or git cannot say). */
export async function remoteUrl(dir: string, remote: string): Promise<string | null> {
  // Any failure means the same to the caller: no usable remote of that name.
  return git(dir, ['remote', 'get-url', remote]).catch(() => null);
}

/** Whether the remote-tracking ref of branch on remote exists here (fetched before); false when git cannot say. */
export async function hasTrackingRef(dir: string, remote: string, branch: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${branch}`]).catch(() => '')) !== '';
}

/** Whether remote has branch, asking the remote itself (network); throws git's ProcessError when it cannot be reached. */
export async function remoteHasBranch(dir: string, remote: string, branch: string): Promise<boolean> {
  return (await git(dir, ['ls-remote', '--heads', remote, `refs/heads/${branch}`], 60_000)) !== '';
}

/** Commits of local branch that remote's base lacks, by the tracking ref; null when git cannot count them. */
export async function commitsAheadOfRemote(dir: string, remote: string, base: string, branch: string): Promise<number | null> {
  const out = await git(dir, ['rev-list', '--count', `refs/remotes/${remote}/${base}..refs/heads/${branch}`]).catch(() => null);
  return out === null ? null : Number(out);
}

/** The subjects of the commits of branch that remote's base lacks, oldest first; empty when git cannot list them. */
export async function subjectsAheadOfRemote(dir: string, remote: string, base: string, branch: string): Promise<string[]> {
  const log = await git(dir, ['log', '--reverse', '--format=%s', `refs/remotes/${remote}/${base}..refs/heads/${branch}`]).catch(() => '');
  return log.split('\n').filter(Boolean);
}

/** Pushes local branch to the same name on remote and sets it as the upstream; throws git's ProcessError when refused. */
export async function pushBranch(dir: string, remote: string, branch: string): Promise<void> {
  await run('git', ['-C', dir, 'push', '--quiet', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`], { timeoutMs: 300_000 });
}
