// kill: stop an agent (and its children when asked), save its work, tidy its worktree away.
import type { AgentRecord } from '../../core/agent.js';
import { tmux } from '../../tmux/command.js';
import { TmuxCommandError } from '../../tmux/control/connection.js';
import { usageError } from '../../errors.js';
import { listSessionPanes } from '../../agents/pane-query.js';
import { managedWindows } from '../../agents/windows.js';
import { teardownWorktree, type TeardownOptions } from '../../agents/teardown.js';
import { markIfKept } from '../../agents/kept-branch.js';
import { worktreeInheritance } from '../../agents/worktree-heir.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { dropIntent, writeIntent } from '../store/intents.js';
import { publishAgentChange } from '../store/publish.js';

/**
 * Kills the agent's pane, then tears its worktree down (work archived first), then forgets it;
 * closes an extra window left with only its sidebar. If saving the work fails, the agent is
 * kept in the registry (as gone) so nothing is forgotten, and the error says what to do.
 */
export function kill(ctx: DaemonContext, p: Params<'kill'>): Promise<Result<'kill'>> {
  return ctx.mutex.run(() => killWithChildren(ctx, ctx.registry.resolve(p.agent), p));
}

/** Stops an agent; its live children first when asked to, refusing when it has some and was not told. */
async function killWithChildren(ctx: DaemonContext, agent: AgentRecord, p: Params<'kill'>): Promise<Result<'kill'>> {
  const children = ctx.registry.all().filter((a) => a.parentId === agent.id && a.state !== 'gone').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (children.length && !p.children) {
    throw usageError('CHILDREN_RUNNING', `Agent "${agent.name}" has ${children.length} live child agent(s): ${children.map((c) => c.name).join(', ')}; nothing was stopped.`, `Say what happens to them: --children kill (stop them too) or --children keep (they run on without their parent).`);
  }
  const stopped: Result<'kill'>[] = [];
  if (p.children === 'kill') for (const c of children) stopped.push(await killWithChildren(ctx, c, p));
  // Written down first, so a daemon killed half way through finishes the kill when it starts again.
  // A kill that is refused or fails leaves no intent: the next daemon must not carry out later a
  // kill the person was told did not happen (against an agent resurrected meanwhile, say).
  const intent = writeIntent(ctx.o.stateDir, 'kills', agent.id, { agent: agent.id, paneId: agent.paneId, keepWorktree: p.keepWorktree, force: p.force });
  let res: Result<'kill'>;
  try {
    res = await removeAgent(ctx, agent, { keepWorktree: p.keepWorktree, force: p.force });
  } finally {
    dropIntent(intent);
  }
  return stopped.length ? { ...res, children: stopped } : res;
}

/** kill's work, for callers that hold the mutex already (merge, clean, an interrupted kill). */
export async function removeAgent(ctx: DaemonContext, agent: AgentRecord, o: TeardownOptions): Promise<Result<'kill'>> {
  const { registry } = ctx;
  // A send in progress to this pane finishes first: no text is cut off half way by the kill.
  if (agent.paneId) await ctx.paneLocks.drain(agent.paneId);
  if (agent.paneId && agent.state !== 'gone') {
    // tmux refusing (the pane died meanwhile) is what a kill wants; a lost connection is not.
    await ctx.link.run(tmux.killPane(agent.paneId)).catch((e) => { if (!(e instanceof TmuxCommandError)) throw e; });
    registry.patch(agent.id, { state: 'gone' });
  }
  const teardown = await teardownWorktree(agent, registry.all(), o);
  // An unmerged branch it kept stays in the map (and in clean's list) after the record goes.
  await markIfKept(agent, teardown.removed.branch).catch((e) => ctx.log(`marking ${agent.name}'s kept branch: ${(e as Error).message}`));
  // A worktree kept for agents still working in it passes to one of them (worktree-heir.ts).
  const inherited = teardown.kept && !o.keepWorktree ? worktreeInheritance(agent, registry.all()) : null;
  if (inherited) await publishAgentChange(ctx, inherited.heir.id, { pane: inherited.options, patch: inherited.patch });
  registry.remove(agent.id);
  if (agent.paneId) ctx.paneLocks.forget(agent.paneId);
  await closeEmptyWindows(ctx);
  return { agent: { ...agent, state: 'gone' }, ...teardown, kept: inherited ? `${teardown.kept}; it is ${inherited.heir.name}'s now` : teardown.kept };
}

/** Closes managed windows other than the first once their last agent is gone. */
async function closeEmptyWindows(ctx: DaemonContext): Promise<void> {
  if (!ctx.link.connected) return;
  const windows = [...managedWindows(await listSessionPanes(ctx.link, ctx.o.session))];
  for (const [windowId, panes] of windows.slice(1)) {
    if (panes.every((p) => p.role === 'sidebar')) {
      await ctx.link.run(tmux.killWindow(windowId)).catch((e: Error) => ctx.log(`could not close window ${windowId}, left with only its sidebar: ${e.message}`));
      ctx.watch.session.forgetWindow(windowId);
    }
  }
}
