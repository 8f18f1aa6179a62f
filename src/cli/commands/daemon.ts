import type { Command } from '../command.js';
import { TmuxcodexError, usageError } from '../../errors.js';
import { daemonPaths, isOurDaemon, readLockPid } from '../../daemon/protocol.js';
import { runInteractive } from '../../proc/run.js';
import { VERSION } from '../../version.js';
import { daemonArgv } from '../client.js';
import { escapeControl, printJson } from '../output.js';

/** Connection errors that mean "not running"; an unsafe runtime folder is the person's to hear about. */
function notRunning(e: unknown): null {
  if (e instanceof TmuxcodexError && /RUNTIME_DIR$/.test(e.code)) throw e;
  return null;
}

export const daemon: Command = {
  name: 'daemon',
  usage: 'daemon start|stop|status|run',
  summary: 'manage the background daemon of this tmux server (run = in the foreground)',
  options: { session: { type: 'string', arg: 'NAME', help: 'agents session name' } },
  async run(ctx) {
    const action = ctx.positionals[0];
    const paths = daemonPaths(ctx.target.server.socketPath, ctx.env);
    switch (action) {
      case 'start': {
        const client = await ctx.daemon();
        const status = await client.request('status', {});
        client.close();
        if (ctx.json) printJson(status);
        else process.stdout.write(`daemon running, pid ${status.pid}, socket ${status.socket}\n`);
        return 0;
      }
      case 'status': {
        const client = await ctx.daemon({ autostart: false, anyVersion: true }).catch(notRunning);
        if (!client) {
          if (ctx.json) printJson({ running: false, pid: null, socket: paths.socket, version: VERSION, tmux: { socket: ctx.target.server.socketPath, version: null } });
          else process.stdout.write(`daemon not running (socket ${paths.socket})\n`);
          return 1;
        }
        const status = await client.request('status', {});
        client.close();
        if (ctx.json) printJson(status);
        else process.stdout.write(`daemon running, pid ${status.pid}, version ${status.version}${status.version !== VERSION ? ` (this CLI is ${VERSION}; restart it with \`tmuxcodex daemon stop\`)` : ''}\n  socket ${status.socket}\n  tmux ${status.tmux.socket} (${status.tmux.version}, ${status.tmux.connected ? 'attached' : 'not attached'}), session ${status.session}, ${status.agents} agents\n  log ${paths.log}\n${(status.notices ?? []).map((n) => `  notice: ${escapeControl(n)}\n`).join('')}`);
        return 0;
      }
      case 'stop': {
        const client = await ctx.daemon({ autostart: false, anyVersion: true }).catch(notRunning);
        if (!client) {
          if (!ctx.json) process.stdout.write('daemon not running\n');
          else printJson({ stopped: false });
          return 0;
        }
        const pid = client.daemonPid ?? readLockPid(paths.lock);
        await client.request('stop', {});
        await client.closed;
        const deadline = Date.now() + 5000;
        while (pid !== null && isOurDaemon(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        if (ctx.json) printJson({ stopped: true, pid });
        else process.stdout.write(`daemon stopped (pid ${pid ?? '?'}); agents keep running\n`);
        return 0;
      }
      case 'run': {
        // The daemon program itself, in the foreground; the CLI never loads the daemon's code.
        return runInteractive(process.execPath, daemonArgv(ctx.target), { env: ctx.env, forwardSignals: true });
      }
      default:
        throw usageError('BAD_DAEMON_ACTION', action ? `Unknown daemon action "${action}".` : 'daemon needs an action.', 'Use one of: start, stop, status, run.');
    }
  },
};
