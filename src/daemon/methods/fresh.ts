// fresh: a new session of an agent's CLI in the same pane and worktree, with a handoff brief.
import type { AgentRecord } from '../../core/agent.js';
import { PANE_META } from '../../tmux/agent-options.js';
import { tmux } from '../../tmux/command.js';
import { TmuxCommandError } from '../../tmux/control/connection.js';
import { failure, TmuxcodexError, usageError } from '../../errors.js';
import { fullAgentEnv } from '../../agents/agent-env.js';
import { launchArgv } from '../../agents/profiles.js';
import { handoffBrief, saveBrief } from '../../agents/handoff.js';
import { adapterFor } from '../../transcripts/adapters.js';
import type { FreshDue } from '../watch/attention.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { dropIntent, writeIntent, type FreshSession } from '../store/intents.js';
import { panePid } from '../store/pane-pid.js';
import { publishAgentChange } from '../store/publish.js';

/**
 * A fresh session in the same pane and worktree: a handoff brief (task, git state, the last of the
 * conversation) is written, the agent's process is replaced by a new session of its CLI with the
 * brief as its first prompt, and the old session id joins the lineage.
 */
export function fresh(ctx: DaemonContext, p: Params<'fresh'>): Promise<Result<'fresh'>> {
  return ctx.mutex.run(async () => {
    const agent = ctx.registry.resolve(p.agent);
    if (!agent.paneId || agent.state === 'gone') throw usageError('AGENT_GONE', `Agent "${agent.name}" has no pane any more.`, 'Bring it back with `tmuxcodex resurrect`, or spawn a new one.');
    if (!agent.launch) throw usageError('NOT_AN_AGENT_CLI', `Agent "${agent.name}" runs ${agent.profile === 'cmd' ? 'a --cmd command' : 'a shell'}, not an agent CLI that takes a first prompt.`, 'fresh restarts agents started from a profile (codex, claude, ...).');
    // A policy's fresh session never cuts into a turn (a manual one is the person's call).
    if (p.reason && p.reason.kind !== 'manual' && agent.state !== 'idle') throw failure('FRESH_NOT_IDLE', `Agent "${agent.name}" is ${agent.state}; its fresh session waits for the end of its turn.`);
    if (!agent.launch.taskPrefix) throw usageError('NO_FIRST_PROMPT', `The ${agent.profile} profile does not pass a first prompt on the command line, so the brief could not be given.`, 'Set taskArgs for the profile in the config.');
    const now = ctx.now();
    const text = await handoffBrief(agent, ctx.watch.transcripts.factsFor(agent.id), now, p.reason ?? { kind: 'manual' });
    const brief = saveBrief(ctx.o.stateDir, agent, text, now);
    const adapter = adapterFor(agent.transcriptFormat ?? agent.profile);
    const chosen = adapter?.chooseSession() ?? null;
    const cwd = agent.worktree?.path ?? agent.cwd;
    const env = fullAgentEnv(agent, cwd, ctx.o.hookDir ?? null);
    const lineage = [...(agent.conversation?.lineage ?? []), ...(agent.sessionId ? [agent.sessionId] : [])];
    const after: FreshSession = { sessionId: chosen?.sessionId ?? null, lineage, startedAt: now.toISOString() };
    // Written down first, with the pid the pane runs now: a daemon killed half way tells from the
    // pane's pid whether the new session started, and finishes (or forgets) the rest.
    const pid = await panePid(ctx.link, agent, ctx.log);
    if (pid === null) throw failure('TMUX_DISCONNECTED', `Could not read which process ${agent.name}'s pane runs, so a fresh session could not be started safely.`, 'Check that the tmux server runs (`tmuxcodex daemon status`), then try again.');
    const intent = writeIntent(ctx.o.stateDir, 'fresh', agent.id, { agent: agent.id, panePid: pid, after });
    try {
      await ctx.link.run(tmux.respawnPane(agent.paneId, cwd, { kind: 'argv', argv: launchArgv(agent.launch, chosen?.args ?? [], text) }, env));
    } catch (e) {
      // tmux said no: nothing started. (A lost connection leaves the intent for the next daemon to settle.)
      if (e instanceof TmuxCommandError) dropIntent(intent);
      throw e;
    }
    await recordFresh(ctx, agent, after);
    dropIntent(intent);
    return { agent: ctx.registry.get(agent.id)!, brief, previousSessionId: agent.sessionId };
  });
}

/** What fresh records once the new session runs: on the pane first (as everywhere), then in the registry. */
export async function recordFresh(ctx: DaemonContext, agent: AgentRecord, after: FreshSession): Promise<void> {
  await publishAgentChange(ctx, agent.id, {
    pane: [[PANE_META.sessionId, after.sessionId], [PANE_META.transcript, null], [PANE_META.lineage, after.lineage.join(',')]],
    patch: {
      sessionId: after.sessionId, transcriptPath: null, context: null, state: 'starting', exitCode: null,
      conversation: { startedAt: null, lastActivityAt: null, turns: 0, compactions: 0, freshStartedAt: after.startedAt, lineage: after.lineage },
    },
  });
  ctx.watch.transcripts.reset(agent.id);
  ctx.queuedAtTurns.delete(agent.id); // the new session counts its turns from 0
}

/** thresholds.autoFresh: the fresh session the policy asks for; a turn begun since idle postpones it. */
export function freshWhenDue(ctx: DaemonContext, { agent, reason }: FreshDue): void {
  void fresh(ctx, { agent: agent.id, reason }).then(
    (r) => ctx.log(`started a fresh session of ${agent.name} (${reason.kind}); brief ${r.brief}`),
    (e) => {
      // A turn began between idle and now (someone sent a prompt): the fresh session waits for its end.
      if (e instanceof TmuxcodexError && e.code === 'FRESH_NOT_IDLE') return ctx.watch.attention.postponeFresh(agent, reason);
      ctx.log(`the fresh session of ${agent.name} that the autoFresh policy asked for failed: ${(e as Error).message}`);
    });
}
