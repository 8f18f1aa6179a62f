// `fresh AGENT` starts a new session of an agent's CLI in the same pane, handing over a brief.
import type { Command } from '../command.js';
import { escapeControl, printJson } from '../output.js';
import { agentArg } from '../agent-arg.js';

export const fresh: Command = {
  name: 'fresh',
  usage: 'fresh AGENT',
  summary: 'a new session of the agent\'s CLI in the same pane and worktree, given a handoff brief (task, git state, last prompts)',
  options: {},
  async run(ctx) {
    const agent = agentArg(ctx);
    const client = await ctx.daemon();
    const res = await client.request('fresh', { agent });
    client.close();
    if (ctx.json) return printJson(res);
    process.stdout.write(escapeControl(`${res.agent.name}: a fresh session started${res.agent.sessionId ? ` (${res.agent.sessionId})` : ''}, after ${res.previousSessionId ?? 'a session tmuxcodex had not seen'}\n  handoff brief: ${res.brief}\n`, true));
  },
};
