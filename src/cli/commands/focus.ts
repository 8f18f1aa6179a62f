// `focus AGENT | --index N | --waiting`: select an agent's window and pane, and switch to it.
import type { Command, CommandContext } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import type { AgentRecord } from '../../core/agent.js';
import { printJson } from '../output.js';
import { switchToPane } from '../session-attach.js';
import { agentArg } from '../agent-arg.js';

/** Live agents in the sidebar's order (oldest first), as the keys 1-9 count them. */
function inOrder(agents: readonly AgentRecord[]): AgentRecord[] {
  return agents.filter((a) => a.state !== 'gone' && a.paneId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The agent focus means: named, the N-th, or the next one waiting for the person after the current pane's. */
async function focusTarget(ctx: CommandContext, client: Awaited<ReturnType<CommandContext['daemon']>>): Promise<string> {
  const index = ctx.options.index as number | undefined;
  if (!flag(ctx, 'waiting') && index === undefined) return agentArg(ctx);
  if (ctx.positionals.length) throw usageError('TOO_MANY_ARGS', 'Give an AGENT, --index N or --waiting, not more than one.');
  const agents = inOrder((await client.request('list', {})).agents);
  if (index !== undefined) {
    const a = agents[index - 1];
    if (!Number.isInteger(index) || index < 1 || !a) throw usageError('NO_SUCH_AGENT_INDEX', `There is no agent number ${index} (there are ${agents.length}).`, 'tmuxcodex list shows them, oldest first.');
    return a.id;
  }
  const waiting = agents.filter((a) => a.state === 'waiting');
  if (!waiting.length) throw usageError('NONE_WAITING', 'No agent is waiting for you.', 'Agents show as waiting once `tmuxcodex hooks install` lets them say so.');
  // The next one after the agent in this pane, round the list: pressing again visits each in turn.
  const here = agents.findIndex((a) => a.paneId === ctx.env.TMUX_PANE);
  return (waiting.find((a) => agents.indexOf(a) > here) ?? waiting[0]!).id;
}

export const focus: Command = {
  name: 'focus',
  usage: 'focus AGENT | --index N | --waiting',
  summary: 'select the agent\'s window and pane (and switch to it when run inside tmux)',
  options: {
    index: { type: 'number', arg: 'N', help: 'the N-th agent, oldest first (the keys 1-9)' },
    waiting: { type: 'boolean', help: 'the next agent waiting for you' },
  },
  async run(ctx) {
    const client = await ctx.daemon();
    const res = await client.request('focus', { agent: await focusTarget(ctx, client) });
    client.close();
    if (res.agent.paneId) await switchToPane(ctx.target.server, res.agent.paneId, ctx.env);
    if (ctx.json) printJson(res);
  },
};
