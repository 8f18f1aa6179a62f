// The daemon and its agents session: hello, status, stop, ensureSession, list, subscribe.
import { sessionNameProblem } from '../../core/naming.js';
import { tmux } from '../../tmux/command.js';
import { NEW_WINDOW } from '../../tmux/formats.js';
import { usageError } from '../../errors.js';
import { listSessionPanes } from '../../agents/pane-query.js';
import { managedWindows, markManagedWindow } from '../../agents/windows.js';
import { sessionExists, tmuxOnce } from '../../tmux/link.js';
import type { DaemonContext } from '../context.js';
import { listExtras } from './list-extras.js';
import type { ClientConn } from '../server.js';
import type { Params, Result } from '../protocol.js';

/** The first request of every connection (the server has checked its token by now). */
export function hello(ctx: DaemonContext): Result<'hello'> {
  return { version: ctx.daemon.version, pid: process.pid };
}

/** daemon status: the process, its tmux server and connection, how many agents, and its notices. */
export function status(ctx: DaemonContext): Result<'status'> {
  const d = ctx.daemon;
  return {
    running: true, pid: process.pid, socket: d.socket, version: d.version, session: ctx.o.session,
    tmux: { socket: d.tmuxSocket, version: d.tmuxVersion, connected: ctx.link.connected },
    agents: ctx.registry.all().length, notices: d.notices(),
  };
}

/** Stops the daemon after this reply. */
export function stop(ctx: DaemonContext): Result<'stop'> {
  ctx.daemon.requestStop();
  return { stopping: true };
}

/** Every agent (each saying what its pane runs when not its CLI), the CLIs' own sessions beside them, and the start's notices when there are any. */
export async function list(ctx: DaemonContext): Promise<Result<'list'>> {
  const notices = ctx.daemon.notices();
  const { agents, unmanaged } = await listExtras(ctx, ctx.registry.all());
  return notices.length ? { agents, notices, unmanaged } : { agents, unmanaged };
}

/** Turns the connection into an event stream; answers with the agents as they are now. */
export function subscribe(ctx: DaemonContext, _p: Params<'subscribe'>, client: ClientConn): Result<'subscribe'> {
  client.subscribed = true;
  return { agents: ctx.registry.all(), notices: ctx.daemon.notices(), journal: ctx.registry.journalWriteProblem };
}

/** Creates the agents session with its sidebar window when missing, then attaches. */
export function ensureSession(ctx: DaemonContext, p: Params<'ensureSession'>): Promise<Result<'ensureSession'>> {
  return ctx.mutex.run(() => ensureSessionHeld(ctx, p));
}

/** ensureSession's work, for callers that hold the mutex already (spawn). */
export async function ensureSessionHeld(ctx: DaemonContext, p: Params<'ensureSession'>): Promise<Result<'ensureSession'>> {
  const { o } = ctx;
  if (p.session !== null && p.session !== o.session) {
    const problem = sessionNameProblem(p.session);
    if (problem) throw usageError('BAD_SESSION_NAME', `Session name "${p.session}" is not allowed: ${problem}.`);
    throw usageError('OTHER_SESSION', `This tmux server's daemon manages the session "${o.session}", not "${p.session}".`, `Use --session ${o.session}, or stop the daemon (tmuxcodex daemon stop) and start again with the new session.`);
  }
  if (!(await sessionExists(o.server, o.session, o.env))) {
    const out = await tmuxOnce(o.server, tmux.newSession({
      session: o.session, windowName: o.session, cwd: p.cwd, width: p.width ?? 200, height: p.height ?? 50,
      program: o.sidebar, format: NEW_WINDOW.template,
    }), o.env);
    const { windowId, paneId } = NEW_WINDOW.parse(out.trim()) ?? {};
    await ctx.link.connect();
    await markManagedWindow(ctx.link, windowId!, paneId!);
    return { session: o.session, windowId: windowId! };
  }
  await ctx.link.connect();
  const panes = await listSessionPanes(ctx.link, o.session);
  const first = [...managedWindows(panes).keys()][0] ?? panes[0]?.windowId ?? '';
  return { session: o.session, windowId: first };
}
