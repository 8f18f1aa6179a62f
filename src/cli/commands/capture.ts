// `capture AGENT`: print an agent's screen and the last lines of its history.
import type { Command } from '../command.js';
import { usageError } from '../../errors.js';
import { printJson } from '../output.js';
import { daemonForAgent } from '../read-only.js';
import { agentArg } from '../agent-arg.js';

export const capture: Command = {
  name: 'capture',
  usage: 'capture AGENT [--lines N]',
  summary: 'print the agent\'s screen and the last N lines of its history',
  options: { lines: { type: 'number', arg: 'N', help: 'lines of history above the screen (default 0)' } },
  async run(ctx) {
    const lines = (ctx.options.lines as number | undefined) ?? 0;
    if (!Number.isInteger(lines) || lines < 0) throw usageError('BAD_NUMBER', `--lines needs a whole number of 0 or more, not ${lines}.`);
    const agent = agentArg(ctx);
    const client = await daemonForAgent(ctx, agent);
    const res = await client.request('capture', { agent, lines });
    client.close();
    if (ctx.json) printJson(res);
    else process.stdout.write(res.text + '\n');
  },
};
