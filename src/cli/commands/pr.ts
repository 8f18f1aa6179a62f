// `pr AGENT`: push the agent's branch and open a pull request against its target with the GitHub
// CLI. Runs in the CLI, not the daemon: pushing needs the user's current credentials (ssh-agent,
// gh login), which a daemon started hours ago may not have.
import type { Command, CommandContext } from '../command.js';
import { flag, str } from '../command.js';
import { failure, usageError } from '../../errors.js';
import { run, ProcessError } from '../../proc/run.js';
import { gitRaw } from '../../git/worktree.js';
import { landingFacts } from '../../agents/landing.js';
import type { AgentRecord } from '../../core/agent.js';
import { printJson } from '../output.js';
import { agentArg } from '../agent-arg.js';

const git = async (dir: string, args: readonly string[], timeoutMs = 30_000) => (await gitRaw(dir, args, { timeoutMs })).trim();

/** git's or gh's own words on why it failed. */
function toolSays(e: unknown): string {
  return e instanceof ProcessError ? (e.stderr.trim() || e.message) : (e as Error).message;
}

/** https://github.com/OWNER/REPO for a GitHub remote URL (ssh or https), else null. */
export function githubWebUrl(remoteUrl: string): string | null {
  const m = /^(?:https?:\/\/(?:[^@/]+@)?github\.com\/|(?:ssh:\/\/)?git@github\.com[:/])([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(remoteUrl.trim());
  return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

/** The pull request's title and body: from the agent's task and the branch's commits. */
async function titleAndBody(dir: string, agent: AgentRecord, branch: string, base: string, remote: string, title: string | null): Promise<{ title: string; body: string }> {
  const log = await git(dir, ['log', '--reverse', '--format=%s', `refs/remotes/${remote}/${base}..refs/heads/${branch}`]).catch(() => '');
  const commits = log.split('\n').filter(Boolean);
  const task = agent.task?.trim() ?? '';
  const chosen = title ?? (task.split('\n')[0]?.slice(0, 72) || (commits.length === 1 ? commits[0]! : branch));
  const body = [task, commits.length ? `Commits:\n${commits.map((c) => `- ${c}`).join('\n')}` : '', `Opened by tmuxcodex for agent ${agent.name}.`].filter(Boolean).join('\n\n');
  return { title: chosen, body };
}

/** Checks the base exists on the remote (a pull request needs it there), asking the remote if the tracking ref is missing. */
async function requireRemoteBase(dir: string, remote: string, base: string): Promise<void> {
  if (await git(dir, ['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${base}`]).catch(() => '')) return;
  const heads = await git(dir, ['ls-remote', '--heads', remote, `refs/heads/${base}`], 60_000).catch((e) => {
    throw failure('REMOTE_UNREACHABLE', `Could not reach the remote "${remote}": ${toolSays(e)}`, 'Check the network and your access to it (git fetch), then try again.');
  });
  if (!heads) throw usageError('BASE_NOT_ON_REMOTE', `The base branch "${base}" does not exist on ${remote}, so a pull request cannot target it.`, `Push it first (git push ${remote} ${base}), or give --base with a branch that is there.`);
}

export const pr: Command = {
  name: 'pr',
  usage: 'pr AGENT [--base BRANCH] [--draft] [--title T] [--remote R]',
  summary: 'push the agent\'s branch and open a pull request against its target (GitHub CLI); records the URL on the agent',
  options: {
    base: { type: 'string', arg: 'BRANCH', help: 'the branch to merge into (default: the agent\'s target)' },
    draft: { type: 'boolean', help: 'open it as a draft' },
    title: { type: 'string', arg: 'T', help: 'title (default: the agent\'s task, else its one commit, else the branch)' },
    remote: { type: 'string', arg: 'R', help: 'the remote to push to (default origin)' },
  },
  async run(ctx: CommandContext) {
    const ref = agentArg(ctx);
    const remote = str(ctx, 'remote') ?? 'origin';
    const client = await ctx.daemon();
    const agent = (await client.request('list', {})).agents.find((a) => a.id === ref || a.name === ref || (a.paneId === ref && a.state !== 'gone'));
    if (!agent) throw usageError('AGENT_NOT_FOUND', `No agent is called "${ref}".`, 'Run `tmuxcodex list` to see the agents and their ids.');
    const { repo, branch, target: base } = await landingFacts(agent, str(ctx, 'base'));
    const remoteUrl = await git(repo, ['remote', 'get-url', remote]).catch(() => {
      throw usageError('NO_REMOTE', `The repository has no remote called "${remote}".`, `Add one (git remote add ${remote} URL) or give --remote NAME.`);
    });
    await requireRemoteBase(repo, remote, base);
    const ahead = Number(await git(repo, ['rev-list', '--count', `refs/remotes/${remote}/${base}..refs/heads/${branch}`]).catch(() => '1'));
    if (ahead === 0) throw usageError('NOTHING_TO_PR', `${branch} has no commits that ${remote}/${base} lacks.`, 'Commit the work first (uncommitted changes are not pushed).');
    try {
      await run('git', ['-C', repo, 'push', '--quiet', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`], { timeoutMs: 300_000 });
    } catch (e) {
      throw failure('PUSH_REFUSED', `${remote} refused the push of ${branch}: ${toolSays(e)}`, 'Fix what git names (access rights, a branch protection, a diverged remote branch), then run pr again.');
    }
    const { title, body } = await titleAndBody(repo, agent, branch, base, remote, str(ctx, 'title'));
    const ghArgs = ['pr', 'create', '--base', base, '--head', branch, '--title', title, '--body', body, ...(flag(ctx, 'draft') ? ['--draft'] : [])];
    const web = githubWebUrl(remoteUrl);
    const compareUrl = web ? `${web}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1` : null;
    let url: string | null = null;
    let existing = false;
    try {
      const out = await run('gh', ghArgs, { cwd: repo, timeoutMs: 120_000 });
      url = /https?:\/\/\S+/.exec(out.stdout.trim().split('\n').pop() ?? '')?.[0] ?? null;
    } catch (e) {
      const missing = e instanceof ProcessError && e.exitCode === null && !e.timedOut;
      // gh refuses a second pull request for the same branch and names the first: record that one.
      const already = /already exists[\s\S]*?(https?:\/\/\S+)/.exec(toolSays(e)); // gh prints the URL on the next line
      if (already) {
        url = already[1]!;
        existing = true;
      } else if (missing) {
        if (ctx.json) return printJson({ agent: agent.name, branch, base, pushed: true, url: null, existing: false, finishWith: ['gh', ...ghArgs], compareUrl });
        process.stdout.write(`pushed ${branch} to ${remote}; the GitHub CLI (gh) is not installed, so open the pull request by hand:\n`
          + (compareUrl ? `  ${compareUrl}\n` : '') + `  or install gh and run: gh pr create --base ${base} --head ${branch}\n`);
        return;
      } else {
        throw failure('GH_FAILED', `${branch} was pushed to ${remote}, but gh could not open the pull request: ${toolSays(e)}`, `Log in with \`gh auth login\`, then run \`tmuxcodex pr ${agent.name}\` again${compareUrl ? `, or open ${compareUrl}` : ''}.`);
      }
    }
    if (!url) throw failure('GH_NO_URL', 'gh finished but printed no pull request address.', `Check with \`gh pr view ${branch}\`.`);
    const recorded = await client.request('setPr', { agent: agent.id, pr: { url, base } });
    client.close();
    if (ctx.json) return printJson({ agent: recorded.agent.name, branch, base, pushed: true, url, existing, finishWith: null, compareUrl });
    process.stdout.write(`${existing ? 'a pull request was already open' : 'opened a pull request'} for ${branch} against ${base}: ${url}\n`);
  },
};
