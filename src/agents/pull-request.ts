// `pr AGENT`: push the agent's branch and open a pull request against its target with the GitHub
// CLI. Runs in the CLI process, not the daemon: pushing needs the user's current credentials
// (ssh-agent, gh login), which a daemon started hours ago may not have.
import type { AgentRecord } from '../core/agent.js';
import { failure, usageError } from '../errors.js';
import { commitsAheadOfRemote, hasTrackingRef, pushBranch, remoteHasBranch, remoteUrl, subjectsAheadOfRemote } from '../git/remote.js';
import { ProcessError, run } from '../proc/run.js';
import { landingFacts } from './landing.js';

/** git's or gh's own words on why it failed. */
function toolSays(e: unknown): string {
  return e instanceof ProcessError ? (e.stderr.trim() || e.message) : (e as Error).message;
}

/** https://github.com/OWNER/REPO for a GitHub remote URL (ssh or https), else null. */
export function githubWebUrl(url: string): string | null {
  const m = /^(?:https?:\/\/(?:[^@/]+@)?github\.com\/|(?:ssh:\/\/)?git@github\.com[:/])([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

/** The pull request's title and body: from the agent's task and the branch's commits. */
async function titleAndBody(dir: string, agent: AgentRecord, branch: string, base: string, remote: string, title: string | null): Promise<{ title: string; body: string }> {
  const commits = await subjectsAheadOfRemote(dir, remote, base, branch);
  const task = agent.task?.trim() ?? '';
  const chosen = title ?? (task.split('\n')[0]?.slice(0, 72) || (commits.length === 1 ? commits[0]! : branch));
  const body = [task, commits.length ? `Commits:\n${commits.map((c) => `- ${c}`).join('\n')}` : '', `Opened by tmuxcodex for agent ${agent.name}.`].filter(Boolean).join('\n\n');
  return { title: chosen, body };
}

/** Checks the base exists on the remote (a pull request needs it there), asking the remote if the tracking ref is missing. */
async function requireRemoteBase(dir: string, remote: string, base: string): Promise<void> {
  if (await hasTrackingRef(dir, remote, base)) return;
  const there = await remoteHasBranch(dir, remote, base).catch((e) => {
    throw failure('REMOTE_UNREACHABLE', `Could not reach the remote "${remote}": ${toolSays(e)}`, 'Check the network and your access to it (git fetch), then try again.');
  });
  if (!there) throw usageError('BASE_NOT_ON_REMOTE', `The base branch "${base}" does not exist on ${remote}, so a pull request cannot target it.`, `Push it first (git push ${remote} ${base}), or give --base with a branch that is there.`);
}

export interface PullRequestAsk { base: string | null; remote: string; title: string | null; draft: boolean }

/** What pr did: the pull request's URL (a new one, or the one already open), or, without gh, how to finish by hand. */
export interface PullRequestOutcome {
  branch: string; base: string; remote: string; compareUrl: string | null;
  opened: { url: string; existing: boolean } | { url: null; finishWith: string[] };
}

/** Pushes agent's branch to the remote, then opens (or finds) its pull request with gh. */
export async function pushAndOpenPullRequest(agent: AgentRecord, ask: PullRequestAsk): Promise<PullRequestOutcome> {
  const { remote } = ask;
  const { repo, branch, target: base } = await landingFacts(agent, ask.base);
  const url = await remoteUrl(repo, remote);
  if (url === null) throw usageError('NO_REMOTE', `The repository has no remote called "${remote}".`, `Add one (git remote add ${remote} URL) or give --remote NAME.`);
  await requireRemoteBase(repo, remote, base);
  // A count git cannot make is no reason to stop: the push says what is wrong, if anything.
  if ((await commitsAheadOfRemote(repo, remote, base, branch)) === 0) throw usageError('NOTHING_TO_PR', `${branch} has no commits that ${remote}/${base} lacks.`, 'Commit the work first (uncommitted changes are not pushed).');
  try {
    await pushBranch(repo, remote, branch);
  } catch (e) {
    throw failure('PUSH_REFUSED', `${remote} refused the push of ${branch}: ${toolSays(e)}`, 'Fix what git names (access rights, a branch protection, a diverged remote branch), then run pr again.');
  }
  const { title, body } = await titleAndBody(repo, agent, branch, base, remote, ask.title);
  const ghArgs = ['pr', 'create', '--base', base, '--head', branch, '--title', title, '--body', body, ...(ask.draft ? ['--draft'] : [])];
  const web = githubWebUrl(url);
  const compareUrl = web ? `${web}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1` : null;
  const facts = { branch, base, remote, compareUrl };
  let out: string;
  try {
    out = (await run('gh', ghArgs, { cwd: repo, timeoutMs: 120_000 })).stdout;
  } catch (e) {
    // gh refuses a second pull request for the same branch and names the first: that one counts.
    const already = /already exists[\s\S]*?(https?:\/\/\S+)/.exec(toolSays(e)); // gh prints the URL on the next line
    if (already) return { ...facts, opened: { url: already[1]!, existing: true } };
    // gh not installed: the branch is pushed, and the person finishes by hand.
    if (e instanceof ProcessError && e.exitCode === null && !e.timedOut) return { ...facts, opened: { url: null, finishWith: ['gh', ...ghArgs] } };
    throw failure('GH_FAILED', `${branch} was pushed to ${remote}, but gh could not open the pull request: ${toolSays(e)}`, `Log in with \`gh auth login\`, then run \`tmuxcodex pr ${agent.name}\` again${compareUrl ? `, or open ${compareUrl}` : ''}.`);
  }
  const opened = /https?:\/\/\S+/.exec(out.trim().split('\n').pop() ?? '')?.[0] ?? null;
  if (!opened) throw failure('GH_NO_URL', 'gh finished but printed no pull request address.', `Check with \`gh pr view ${branch}\`.`);
  return { ...facts, opened: { url: opened, existing: false } };
}
