// `wait AGENT --idle|--waiting|--exit`: block until the agent finished its turn, waits for the
// person, or exits; the exit code says which.
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { escapeControl, printJson } from '../output.js';
import { daemonForAgent } from '../read-only.js';
import { agentArg } from '../agent-arg.js';
import { stateText } from '../agent-text.js';

export const wait: Command = {
  name: 'wait',
  usage: 'wait AGENT --idle|--waiting|--exit [--any-status] [--timeout SEC]',
  summary: 'wait until the agent has finished what it was last sent, waits for you, or exits; exit 0 when it did, 1 on timeout, 3 when it ended first, 4 when --exit saw a non-zero exit status',
  options: {
    exit: { type: 'boolean', help: 'wait for the agent\'s process to exit' },
    idle: { type: 'boolean', help: 'wait until the agent has finished its turn (idle, or waiting for you): Codex and Claude agents' },
    waiting: { type: 'boolean', help: 'wait until the agent waits for you (a permission prompt; see hooks install)' },
    timeout: { type: 'number', arg: 'SEC', help: 'give up after SEC seconds' },
    'any-status': { type: 'boolean', help: 'with --exit: exit 0 whatever the agent\'s exit status (else a non-zero status is exit code 4)' },
  },
  async run(ctx) {
    const agent = agentArg(ctx);
    if (flag(ctx, 'any-status') && !flag(ctx, 'exit')) throw usageError('ANY_STATUS_WITHOUT_EXIT', '--any-status goes with --exit only.', 'Example: tmuxcodex wait a1 --exit --any-status');
    const chosen = (['idle', 'waiting', 'exit'] as const).filter((c) => flag(ctx, c));
    if (chosen.length !== 1) throw usageError('MISSING_CONDITION', 'wait needs one condition: --idle, --waiting or --exit.', 'Example: tmuxcodex wait a1 --idle --timeout 600');
    const timeout = ctx.options.timeout as number | undefined;
    // Node timers hold at most 2^31-1 ms (about 24 days); a longer one would fire at once.
    if (timeout !== undefined && !(timeout > 0 && timeout * 1000 <= 2 ** 31 - 1)) throw usageError('BAD_NUMBER', `--timeout needs a number of seconds from 0 to 2147483 (about 24 days), not ${timeout}.`);
    const client = await daemonForAgent(ctx, agent);
    const res = await client.request('wait', { agent, until: chosen[0]!, timeoutMs: timeout === undefined ? null : Math.round(timeout * 1000) });
    client.close();
    // The agent's own exit status, when it exited: a script waiting with --exit must tell success from failure.
    const exitCode = res.agent.state === 'exited' ? res.agent.exitCode : null;
    if (ctx.json) printJson({ ...res, exitCode });
    else process.stdout.write(escapeControl(res.timedOut ? `timed out; ${res.agent.name} is ${res.agent.state}\n` : `${res.agent.name} ${stateText(res.agent)}\n`, true));
    if (res.timedOut) return 1;
    if (!res.reached) return 3;
    return chosen[0] === 'exit' && !flag(ctx, 'any-status') && exitCode !== null && exitCode !== 0 ? 4 : 0;
  },
};
