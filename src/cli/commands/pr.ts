// `pr AGENT`: push the agent's branch and open a pull request against its target with the GitHub
// CLI, in this process (src/agents/pull-request.ts says why); the daemon records the URL.
import type { Command, CommandContext } from '../command.js';
import { flag, str } from '../command.js';
import { usageError } from '../../errors.js';
import { pushAndOpenPullRequest } from '../../agents/pull-request.js';
import { printJson } from '../output.js';
import { agentArg } from '../agent-arg.js';

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
    const { branch, base, compareUrl, opened } = await pushAndOpenPullRequest(agent, { base: str(ctx, 'base'), remote, title: str(ctx, 'title'), draft: flag(ctx, 'draft') });
    if (opened.url === null) {
      if (ctx.json) return printJson({ agent: agent.name, branch, base, pushed: true, url: null, existing: false, finishWith: opened.finishWith, compareUrl });
      process.stdout.write(`pushed ${branch} to ${remote}; the GitHub CLI (gh) is not installed, so open the pull request by hand:\n`
        + (compareUrl ? `  ${compareUrl}\n` : '') + `  or install gh and run: gh pr create --base ${base} --head ${branch}\n`);
      return;
    }
    const recorded = await client.request('setPr', { agent: agent.id, pr: { url: opened.url, base } });
    client.close();
    if (ctx.json) return printJson({ agent: recorded.agent.name, branch, base, pushed: true, url: opened.url, existing: opened.existing, finishWith: null, compareUrl });
    process.stdout.write(`${opened.existing ? 'a pull request was already open' : 'opened a pull request'} for ${branch} against ${base}: ${opened.url}\n`);
  },
};
