// setPr: the pull request opened for an agent (the CLI pushes and opens it; the daemon records it).
import { PANE_META, encodeOptionValue } from '../../tmux/agent-options.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { publishAgentChange } from '../store/publish.js';

/** Records the pull request opened for an agent, on its pane and in the registry. */
export async function setPr(ctx: DaemonContext, p: Params<'setPr'>): Promise<Result<'setPr'>> {
  const agent = ctx.registry.resolve(p.agent);
  await publishAgentChange(ctx, agent.id, {
    pane: [[PANE_META.prUrl, encodeOptionValue(p.pr.url)], [PANE_META.prBase, encodeOptionValue(p.pr.base)]],
    patch: { pr: p.pr },
  });
  return { agent: ctx.registry.get(agent.id)! };
}
