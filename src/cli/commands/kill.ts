// `kill AGENT`: stop an agent and close its pane, never losing its work (the daemon archives it).
import type { Command } from '../command.js';
import { flag, str } from '../command.js';
import { TmuxcodexError, usageError } from '../../errors.js';
import { escapeControl, printJson } from '../output.js';
import { daemonForAgent } from '../read-only.js';
import { agentArg } from '../agent-arg.js';
import { teardownLines } from '../agent-text.js';

/** Asks on the terminal what to do with an agent's children: kill, keep, or nothing. */
async function askChildren(message: string): Promise<'kill' | 'keep' | null> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${message}\nStop them too (k), keep them running (p), or cancel (Enter)? `)).trim().toLowerCase();
    return answer === 'k' ? 'kill' : answer === 'p' ? 'keep' : null;
  } finally {
    rl.close();
  }
}

export const kill: Command = {
  name: 'kill',
  usage: 'kill AGENT [--keep-worktree] [--force] [--children kill|keep]',
  summary: 'stop an agent and close its pane',
  options: {
    'keep-worktree': { type: 'boolean', help: 'leave the agent\'s worktree in place' },
    force: { type: 'boolean', help: 'also when its branch is not merged' },
    children: { type: 'string', arg: 'kill|keep', help: 'its live child agents: stop them too, or keep them running (asked on a terminal)' },
  },
  async run(ctx) {
    const agent = agentArg(ctx);
    let children = str(ctx, 'children');
    if (children !== null && children !== 'kill' && children !== 'keep') throw usageError('BAD_CHILDREN', `--children takes kill or keep, not "${children}".`);
    const client = await daemonForAgent(ctx, agent);
    const request = () => client.request('kill', { agent, force: flag(ctx, 'force'), keepWorktree: flag(ctx, 'keep-worktree'), children: children as 'kill' | 'keep' | null });
    let res;
    try {
      res = await request();
    } catch (e) {
      // A person at a terminal is asked; a script (--json, no terminal) gets the refusal.
      if (!(e instanceof TmuxcodexError && e.code === 'CHILDREN_RUNNING') || ctx.json || !process.stdin.isTTY) throw e;
      children = await askChildren(e.message);
      if (!children) return 1;
      res = await request();
    }
    client.close();
    if (ctx.json) return printJson(res);
    const lines: string[] = [];
    for (const c of res.children ?? []) lines.push(`killed ${c.agent.name} (${c.agent.id}), a child of ${res.agent.name}`, ...teardownLines(c, flag(ctx, 'force')));
    lines.push(`killed ${res.agent.name} (${res.agent.id})`, ...teardownLines(res, flag(ctx, 'force')));
    process.stdout.write(escapeControl(lines.join('\n') + '\n', true));
  },
};
