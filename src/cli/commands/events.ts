import type { Command } from '../command.js';

export const events: Command = {
  name: 'events',
  usage: 'events',
  summary: 'stream agent events as JSON lines until interrupted',
  options: {},
  async run(ctx) {
    const client = await ctx.daemon();
    client.onEvent((e) => process.stdout.write(JSON.stringify(e) + '\n'));
    const snapshot = await client.request('subscribe', {});
    process.stdout.write(JSON.stringify({ event: 'snapshot', agents: snapshot.agents }) + '\n');
    await client.closed;
  },
};
