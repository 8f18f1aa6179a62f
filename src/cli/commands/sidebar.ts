import type { Command } from '../command.js';
import type { AgentRecord } from '../../core/agent.js';
import { renderSidebar } from '../../ui/plain-sidebar.js';

export const sidebar: Command = {
  name: 'sidebar',
  usage: 'sidebar',
  summary: 'the sidebar view (runs in pane 0 of each agents window)',
  options: {},
  async run(ctx) {
    const agents = new Map<string, AgentRecord>();
    let status: string | null = 'connecting…';
    const draw = () => {
      const width = process.stdout.columns || 30;
      const sorted = [...agents.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      process.stdout.write('\x1b[H\x1b[2J' + renderSidebar(sorted, width, status).replaceAll('\n', '\r\n'));
    };
    process.stdout.on('resize', draw);
    process.stdout.write('\x1b[?25l'); // no cursor in a view
    for (let delay = 250; ; delay = Math.min(delay * 2, 4000)) {
      draw();
      const client = await ctx.daemon({ autostart: false }).catch(() => null);
      if (client) {
        delay = 250;
        client.onEvent((e) => {
          if (e.event === 'agent-removed') agents.delete(e.agent.id);
          else if (e.event === 'agent-added' || e.event === 'agent-updated') agents.set(e.agent.id, e.agent);
          draw();
        });
        const snap = await client.request('subscribe', {}).catch(() => null);
        agents.clear();
        for (const a of snap?.agents ?? []) agents.set(a.id, a);
        status = null;
        draw();
        await client.closed;
        status = 'daemon stopped; waiting…';
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  },
};
