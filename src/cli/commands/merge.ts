// `merge AGENT` lands an agent's branch on its target locally (through the daemon), then tidies the
// agent away.
import type { Command } from '../command.js';
import { flag, str } from '../command.js';
import { usageError } from '../../errors.js';
import type { Params } from '../../daemon/protocol.js';
import { printJson } from '../output.js';
import { agentArg } from '../agent-arg.js';
import { teardownLines } from '../agent-text.js';

type LandMethod = Params<'merge'>['method'];

/** The one merge method the flags ask for (default: a merge commit). */
function methodOf(ctx: Parameters<Command['run']>[0]): LandMethod {
  const chosen = (['squash', 'rebase', 'ff-only'] as const).filter((m) => flag(ctx, m));
  if (chosen.length > 1) throw usageError('MERGE_METHODS', `Choose one of --squash, --rebase and --ff-only (got ${chosen.map((m) => `--${m}`).join(' and ')}).`);
  return chosen[0] ?? 'merge';
}

export const merge: Command = {
  name: 'merge',
  usage: 'merge AGENT [--into BRANCH] [--squash | --rebase | --ff-only] [--keep]',
  summary: 'land an agent\'s branch on its target locally (conflicts refused before anything changes), then tidy the agent away',
  options: {
    into: { type: 'string', arg: 'BRANCH', help: 'merge into this branch instead of the agent\'s target' },
    squash: { type: 'boolean', help: 'one commit on the target with all the work' },
    rebase: { type: 'boolean', help: 'the agent\'s commits replayed on the target\'s tip (linear history)' },
    'ff-only': { type: 'boolean', help: 'only if the target can simply move forward to the branch' },
    keep: { type: 'boolean', help: 'leave the agent running with its worktree and branch' },
  },
  async run(ctx) {
    const agent = agentArg(ctx);
    const method = methodOf(ctx);
    const client = await ctx.daemon();
    const res = await client.request('merge', { agent, into: str(ctx, 'into'), method, keep: flag(ctx, 'keep') });
    client.close();
    if (ctx.json) return printJson(res);
    const how = { merge: 'merged', squash: 'squash-merged', rebase: 'rebased and fast-forwarded', 'ff-only': 'fast-forwarded' }[method];
    const lines = [`${how} ${res.agent.branch ?? res.agent.name} into ${res.landed.target}: ${res.landed.before.slice(0, 8)} → ${res.landed.after.slice(0, 8)}${res.landed.checkout ? ` (in ${res.landed.checkout})` : ''}`];
    if (res.teardown) lines.push(`stopped ${res.teardown.agent.name}`, ...teardownLines(res.teardown));
    else lines.push(`kept ${res.agent.name} running (--keep)`);
    process.stdout.write(lines.join('\n') + '\n');
  },
};
