// Read-only commands (list, map, events, status-segment) ask the daemon that runs; with none running
// they start one only when there is something for it to find (an agent pane or sidebar in the tmux
// server, agents in the journal). Otherwise they answer "no agents" and say which server they asked,
// since a user outside tmux easily asks tmux's default server instead of the one their agents run on.
import { readFileSync } from 'node:fs';
import { TmuxcodexError, usageError } from '../errors.js';
import { daemonPaths, ensurePrivateDir } from '../daemon/protocol.js';
import { checkTmux, tmuxOnce } from '../tmux/binary.js';
import { tmux } from '../tmux/command.js';
import { AGENT_MARKS } from '../tmux/formats.js';
import type { DaemonClient } from './client.js';
import type { CommandContext } from './command.js';

/** Whether the journal of this server's daemon holds agents (an unreadable one counts: the daemon explains it). */
function journalHasAgents(ctx: CommandContext): boolean {
  let text: string;
  try {
    text = readFileSync(daemonPaths(ctx.target.server.socketPath, ctx.env).journal, 'utf8');
  } catch {
    return false;
  }
  try {
    const agents = (JSON.parse(text) as { agents?: unknown }).agents;
    return !Array.isArray(agents) || agents.length > 0;
  } catch {
    return true;
  }
}

/** Whether the tmux server runs and has a pane tmuxcodex made (an agent or a sidebar). */
async function serverHasAgentPanes(ctx: CommandContext): Promise<boolean> {
  let out: string;
  try {
    out = await tmuxOnce(ctx.target.server, tmux.listAllPanes(AGENT_MARKS.template), ctx.env, 5000);
  } catch {
    return false; // no server there (or none we may talk to): nothing to find
  }
  return AGENT_MARKS.all(out.split('\n')).some((p) => p.id !== '' || p.role !== '');
}

/** The daemon for a read-only command, or null when none runs and it would find no agents. */
export async function daemonIfAgents(ctx: CommandContext): Promise<DaemonClient | null> {
  try {
    return await ctx.daemon({ autostart: false });
  } catch (e) {
    if (!(e instanceof TmuxcodexError && e.code === 'DAEMON_NOT_RUNNING')) throw e;
  }
  // A missing or old tmux, or a runtime folder no daemon could use, is still the first thing to say.
  await checkTmux(ctx.env);
  ensurePrivateDir(daemonPaths(ctx.target.server.socketPath, ctx.env).runtimeDir);
  if (journalHasAgents(ctx) || (await serverHasAgentPanes(ctx))) return ctx.daemon();
  return null;
}

/** Which tmux server a command asked, and why that one, in words. */
export function describeServer(ctx: CommandContext): string {
  const s = ctx.target.server;
  if (ctx.options['socket-path']) return `the tmux server at ${s.socketPath} (-S)`;
  if (ctx.options['socket-name']) return `the tmux server -L ${s.socketName} (${s.socketPath})`;
  if (ctx.env.TMUX) return `this tmux server (${s.socketPath}, from $TMUX)`;
  return `tmux's default server (${s.socketPath}; not inside tmux, no -L or -S given)`;
}

/** Tells stderr that no agents were found, where, and how to look elsewhere or start. */
export function sayNoAgents(ctx: CommandContext): void {
  process.stderr.write(`tmuxcodex: no agents: asked ${describeServer(ctx)}, which has no tmuxcodex daemon and no agents session.\n` +
    '  Agents on another tmux server: add -L NAME or -S PATH (as with tmux). To start here: tmuxcodex up\n');
}

/**
 * The daemon for a command on one agent; with no daemon and no agents there is no such agent, so
 * that is said (naming the server asked) without starting a daemon to find out.
 */
export async function daemonForAgent(ctx: CommandContext, agent: string): Promise<DaemonClient> {
  const client = await daemonIfAgents(ctx);
  if (client) return client;
  throw usageError('AGENT_NOT_FOUND', `No agent is called "${agent}": asked ${describeServer(ctx)}, which has no tmuxcodex daemon and no agents session.`,
    'Agents on another tmux server: add -L NAME or -S PATH (as with tmux). To start here: tmuxcodex up');
}
