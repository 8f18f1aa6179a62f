// `sidebar`: the view in pane 0 of each agents window: the blessed sidebar on a terminal, the plain
// list with --plain (or when not on a terminal). Both reconnect when the daemon restarts.
import { fileURLToPath } from 'node:url';
import type { Command, CommandContext } from '../command.js';
import { flag } from '../command.js';
import type { AgentRecord } from '../../core/agent.js';
import { renderSidebar } from '../../ui/plain-sidebar.js';
import { SidebarApp } from '../../ui/sidebar/app.js';
import { loadConfig } from '../../config/load.js';
import { run, ProcessError } from '../../proc/run.js';
import { TmuxcodexError } from '../../errors.js';

const CLI = fileURLToPath(new URL('../../bin/tmuxcodex.js', import.meta.url));

/** The sidebar's status line when it cannot connect: a daemon of another version says so, anything else waits. */
function whyNotConnected(e: unknown): string {
  return e instanceof TmuxcodexError && e.code === 'DAEMON_VERSION_MISMATCH' ? 'daemon of another version; run tmuxcodex daemon stop' : 'daemon stopped; waiting…';
}

/** The sidebar's short line for a journal that cannot be written (the whole story is in `list` and the log). */
function journalWarning(problem: string | null): string | null {
  return problem ? '! journal cannot be written (tmuxcodex list)' : null;
}

/** Keeps the app fed from the daemon: snapshot, then events; waits and tries again when it is gone. */
async function feed(ctx: CommandContext, app: SidebarApp): Promise<never> {
  for (let delay = 250; ; delay = Math.min(delay * 2, 4000)) {
    const client = await ctx.daemon({ autostart: false }).catch((e: unknown) => {
      app.setClient(null, whyNotConnected(e));
      return null;
    });
    if (client) {
      delay = 250;
      client.onEvent((e) => {
        if (e.event === 'agent-removed') app.remove(e.agent.id);
        else if (e.event === 'agent-added' || e.event === 'agent-updated') app.upsert(e.agent);
        else if (e.event === 'journal') app.setWarning(journalWarning(e.problem));
      });
      const snap = await client.request('subscribe', {}).catch(() => null);
      app.setAgents(snap?.agents ?? []);
      app.setWarning(journalWarning(snap?.journal ?? null));
      app.setClient({ request: (method, params) => client.request(method as never, params as never) }, null);
      await client.closed;
      app.setClient(null, 'daemon stopped; waiting…');
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

export const sidebar: Command = {
  name: 'sidebar',
  usage: 'sidebar [--plain | --toggle]',
  summary: 'the sidebar view (runs in pane 0 of each agents window)',
  options: {
    plain: { type: 'boolean', help: 'a plain list without keys (also when not on a terminal)' },
    toggle: { type: 'boolean', help: 'fold the sidebars away to one column, or back (the s key)' },
  },
  async run(ctx) {
    if (flag(ctx, 'toggle')) {
      const client = await ctx.daemon();
      const res = await client.request('toggleSidebar', {});
      client.close();
      if (ctx.json) return void process.stdout.write(JSON.stringify(res) + '\n');
      return;
    }
    if (!flag(ctx, 'plain') && process.stdout.isTTY) {
      const { config } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: null, env: ctx.env }).catch(() => ({ config: null }));
      const thresholds = config?.thresholds ?? { contextWarn: 60, contextCritical: 80 };
      const app = new SidebarApp({
        thresholds, env: ctx.env,
        cli: async (args, cwd) => {
          try {
            const r = await run(process.execPath, [CLI, '-S', ctx.target.server.socketPath, ...args], { cwd, timeoutMs: 300_000, env: ctx.env });
            return { code: 0, output: r.stdout + r.stderr };
          } catch (e) {
            return { code: e instanceof ProcessError ? (e.exitCode ?? 1) : 1, output: e instanceof ProcessError ? e.stderr : (e as Error).message };
          }
        },
      });
      return feed(ctx, app);
    }
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
      const client = await ctx.daemon({ autostart: false }).catch((e: unknown) => {
        status = whyNotConnected(e);
        return null;
      });
      if (client) {
        delay = 250;
        client.onEvent((e) => {
          if (e.event === 'agent-removed') agents.delete(e.agent.id);
          else if (e.event === 'agent-added' || e.event === 'agent-updated') agents.set(e.agent.id, e.agent);
          else if (e.event === 'journal') status = journalWarning(e.problem);
          draw();
        });
        const snap = await client.request('subscribe', {}).catch(() => null);
        agents.clear();
        for (const a of snap?.agents ?? []) agents.set(a.id, a);
        status = journalWarning(snap?.journal ?? null);
        draw();
        await client.closed;
        status = 'daemon stopped; waiting…';
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  },
};
