// Coming back: the daemon's start (registry rebuilt from tmux, interrupted work settled) and
// resurrect (every journaled agent given a pane again after the tmux server died).
import { existsSync } from 'node:fs';
import { reviveAgent } from '../../agents/spawn.js';
import { launchArgv } from '../../agents/profiles.js';
import { adapterFor } from '../../transcripts/adapters.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { settleIntents, type FreshIntent, type KillIntent } from '../store/intents.js';
import { panePid } from '../store/pane-pid.js';
import { sessionExists } from '../../tmux/link.js';
import { recordFresh } from './fresh.js';
import { removeAgent } from './kill.js';
import { ensureSession } from './session.js';

/** Attaches to the session if it exists already (daemon start); rebuilds the registry from tmux; settles intents. */
export async function startDaemon(ctx: DaemonContext): Promise<void> {
  const { o, registry, log } = ctx;
  if (await sessionExists(o.server, o.session, o.env)) {
    await ctx.link.connect();
    // Answer nothing before the registry matches tmux: a journal lost or torn is rebuilt first.
    await ctx.watch.session.ready;
  } else registry.reconcile([]);
  // Kills a killed daemon left half done (pane gone, work not yet archived) are finished.
  await settleIntents<KillIntent>(o.stateDir, 'kills', log, 'finishing an interrupted kill failed (the agent stays, as gone; kill it again)', async (k) => {
    const agent = registry.get(k.agent);
    if (!agent) return;
    // The agent runs in another pane than the one the kill was for: it was brought back since.
    if (k.paneId !== undefined && agent.state !== 'gone' && agent.paneId !== k.paneId) return log(`left ${agent.name} running: the interrupted kill was for pane ${k.paneId ?? '(none)'}, it runs in ${agent.paneId ?? '(none)'} now`);
    await removeAgent(ctx, agent, { keepWorktree: k.keepWorktree, force: k.force });
    log(`finished the interrupted kill of ${agent.name}`);
  });
  // Fresh sessions it left half recorded: finished when the pane runs a new process, else forgotten.
  await settleIntents<FreshIntent>(o.stateDir, 'fresh', log, 'finishing an interrupted fresh session failed', async (f) => {
    const agent = registry.get(f.agent);
    if (!agent?.paneId || agent.state === 'gone') return;
    const pid = await panePid(ctx.link, agent, log);
    if (pid !== null && pid !== f.panePid) {
      await recordFresh(ctx, agent, f.after);
      log(`finished the interrupted fresh session of ${agent.name}`);
    } else log(`the interrupted fresh session of ${agent.name} had not started; it runs its session as before`);
  });
  // Spawns a killed daemon left half done: their worktrees, which no record knows, are undone.
  const known = new Set(registry.all().flatMap((a) => (a.worktree ? [a.worktree.path] : [])));
  for (const line of await ctx.intents.recover(known).catch((e) => [`undoing interrupted spawns failed: ${(e as Error).message}`])) log(line);
}

/**
 * After the tmux server died (or the machine rebooted): every agent the journal still has, whose
 * folder exists, gets a pane again, resuming its CLI's session by id where there is one. The
 * notices say why the journal may not hold every agent.
 */
export async function resurrect(ctx: DaemonContext, p: Params<'resurrect'>): Promise<Result<'resurrect'>> {
  await ensureSession(ctx, { session: null, cwd: p.cwd, width: null, height: null });
  const { results } = await ctx.mutex.run(async () => {
    const { o } = ctx;
    const results: Result<'resurrect'>['results'] = [];
    for (const agent of ctx.registry.all().filter((a) => a.state === 'gone')) {
      const cwd = agent.worktree?.path ?? agent.cwd;
      if (!existsSync(cwd)) {
        results.push({ agent: agent.name, resumed: null, paneId: null, skipped: `its folder ${cwd} no longer exists` });
        continue;
      }
      const adapter = adapterFor(agent.transcriptFormat ?? agent.profile);
      const resumeArgs = agent.sessionId && adapter ? adapter.resumeArgs(agent.sessionId, agent.model, agent.launch?.argv ?? []) : [];
      const program = agent.launch ? { kind: 'argv' as const, argv: launchArgv(agent.launch, resumeArgs, null) } : null;
      const revived = await reviveAgent({ runner: ctx.link, session: o.session, layout: o.layout, sidebar: o.sidebar, log: ctx.log, hookDir: o.hookDir ?? null }, agent, program);
      ctx.registry.put(revived);
      results.push({ agent: agent.name, resumed: resumeArgs.length ? agent.sessionId : null, paneId: revived.paneId, skipped: null });
    }
    return { results };
  });
  // Said with the results: a journal that was unreadable or cannot be written leaves agents out.
  return { results, notices: ctx.daemon.notices() };
}
