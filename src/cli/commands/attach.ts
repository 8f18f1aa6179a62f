import type { Command } from '../command.js';
import { flag } from '../command.js';
import { attachSession, requireTerminalToAttach } from '../session-attach.js';

export const attach: Command = {
  name: 'attach',
  usage: 'attach [--readonly]',
  summary: 'attach this terminal (e.g. an SSH login) to the agents session; switch-client inside tmux',
  options: { readonly: { type: 'boolean', short: 'r', help: 'attach read-only (keys other than detach are ignored)' } },
  async run(ctx) {
    requireTerminalToAttach(ctx.target.server, ctx.env);
    const client = await ctx.daemon();
    const status = await client.request('status', {});
    const res = await client.request('ensureSession', { session: null, cwd: ctx.cwd, width: null, height: null });
    client.close();
    return attachSession(ctx.target.server, res.session ?? status.session, flag(ctx, 'readonly'), ctx.env);
  },
};
