// What `list` adds to the registry's records, read at the moment of asking: whether each agent's
// pane still runs its CLI (tmux's pane_current_command), and the CLIs' own sessions beside the
// agents (Claude's --bg sessions from sessions/*.json, `claude -w --tmux` sessions on this server).
import { resolve } from 'node:path';
import type { AgentRecord } from '../../core/agent.js';
import type { UnmanagedSession } from '../../core/unmanaged.js';
import { readClaudeSessions } from '../../agents/claude-registry.js';
import { paneRunsOther } from '../../agents/pane-runs.js';
import { unmanagedSessions } from '../../agents/unmanaged.js';
import { claudeConfigDir } from '../../transcripts/locate.js';
import { tmux } from '../../tmux/command.js';
import { PANE_COMMANDS, SESSION_PATHS } from '../../tmux/formats.js';
import type { DaemonContext } from '../context.js';

/** The agents with `paneRuns` set, and the unmanaged sessions; a tmux that cannot answer leaves both out, logged. */
export async function listExtras(ctx: DaemonContext, agents: readonly AgentRecord[]): Promise<{ agents: AgentRecord[]; unmanaged: UnmanagedSession[] }> {
  const [panes, sessions] = await Promise.all([
    ctx.link.run(tmux.listPanesInSession(ctx.o.session, PANE_COMMANDS.template)).then((l) => PANE_COMMANDS.all(l), (e: Error) => { ctx.log(`list: cannot read the panes' commands: ${e.message}`); return []; }),
    ctx.link.run(tmux.listSessions(SESSION_PATHS.template)).then((l) => SESSION_PATHS.all(l), (e: Error) => { ctx.log(`list: cannot read the sessions: ${e.message}`); return []; }),
  ]);
  const byPane = new Map(panes.map((p) => [p.paneId as string, p]));
  const withRuns = agents.map((a) => (a.state === 'gone' || !a.paneId ? a : { ...a, paneRuns: paneRunsOther(a, byPane.get(a.paneId)) }));
  // Claude's list is per config folder: the daemon's own and every agent's (a profile may set its own).
  const dirs = new Set([claudeConfigDir(ctx.o.env), ...agents.map((a) => a.launch?.env.CLAUDE_CONFIG_DIR).filter((d): d is string => !!d)].map((d) => resolve(d)));
  const claude = [...dirs].flatMap((d) => readClaudeSessions(d, ctx.log));
  return { agents: withRuns, unmanaged: unmanagedSessions({ claude, tmuxSessions: sessions, agents, managedSession: ctx.o.session, socket: ctx.daemon.tmuxSocket }) };
}
