// spawn: a new agent in the agents session (its worktree, pane and record).
import type { AgentRecord } from '../../core/agent.js';
import { spawnAgent } from '../../agents/spawn.js';
import type { DaemonContext } from '../context.js';
import type { Params } from '../protocol.js';
import { ensureSessionHeld } from './session.js';

/**
 * Makes sure the session runs, then spawns, both under one hold of the mutex: two spawns must not
 * pick one window slot, and nothing may close the session between the check and the spawn.
 */
export async function spawn(ctx: DaemonContext, p: Params<'spawn'>): Promise<AgentRecord> {
  return ctx.mutex.run(async () => {
    await ensureSessionHeld(ctx, { session: p.session, cwd: p.cwd, width: null, height: null });
    const { registry, o } = ctx;
    const live = registry.all().filter((a) => a.state !== 'gone');
    const record = await spawnAgent({
      runner: ctx.link, session: o.session, layout: o.layout, sidebar: o.sidebar,
      takenNames: registry.names(), takenIds: registry.ids(), now: ctx.now,
      heldPorts: new Set(live.flatMap((a) => a.ports)), parent: (ref) => registry.resolve(ref), log: ctx.log, intents: ctx.intents, hookDir: o.hookDir ?? null,
    }, p);
    registry.dropGoneNamed(record.name);
    registry.put(record);
    return record;
  });
}
