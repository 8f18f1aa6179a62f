// `status-segment`: the status-bar text, for status bars other than tmux's own.
import type { Command } from '../command.js';
import { statusSegment } from '../../core/status.js';

export const statusSegmentCommand: Command = {
  name: 'status-segment',
  usage: 'status-segment',
  summary: 'print the status-bar text (agents by state, who is waiting, the fullest context) for other status bars',
  options: {},
  async run(ctx) {
    // No daemon running: a status bar asking every few seconds must not start one, and shows nothing.
    const client = await ctx.daemon({ autostart: false }).catch(() => null);
    if (!client) return;
    const { agents } = await client.request('list', {});
    client.close();
    process.stdout.write(statusSegment(agents) + '\n');
  },
};
