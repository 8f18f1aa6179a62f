import type { Command } from '../command.js';
import { flag, str } from '../command.js';
import { requireRepository } from '../../agents/git-facts.js';
import { attachSession, requireTerminalToAttach } from '../session-attach.js';
import { printJson } from '../output.js';

export const up: Command = {
  name: 'up',
  usage: 'up [--session NAME] [--detached]',
  summary: 'start the daemon and the agents session with its sidebar, then attach',
  options: {
    session: { type: 'string', arg: 'NAME', help: 'agents session name (default: config session, else "agents")' },
    detached: { type: 'boolean', help: 'create everything but do not attach' },
  },
  async run(ctx) {
    const root = await requireRepository(ctx.cwd, 'tmuxcodex up works on a repository');
    if (!flag(ctx, 'detached')) requireTerminalToAttach(ctx.target.server, ctx.env);
    const client = await ctx.daemon();
    const size = process.stdout.isTTY ? { width: process.stdout.columns, height: process.stdout.rows - 1 } : { width: null, height: null };
    const res = await client.request('ensureSession', { session: str(ctx, 'session'), cwd: root, ...size });
    client.close();
    if (ctx.json) printJson(res);
    if (flag(ctx, 'detached')) {
      if (!ctx.json) process.stdout.write(`agents session "${res.session}" is ready; attach with: tmuxcodex attach\n`);
      return 0;
    }
    return attachSession(ctx.target.server, res.session, false, ctx.env);
  },
};
