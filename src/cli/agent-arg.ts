// The AGENT positional that most commands on one agent start with.
import { usageError } from '../errors.js';
import type { CommandContext } from './command.js';

/** The AGENT positional (name or id), with extra more positionals allowed after it. */
export function agentArg(ctx: CommandContext, extra = 0): string {
  const ref = ctx.positionals[0];
  if (!ref) throw usageError('MISSING_AGENT', 'Which agent? Give its name or id.', 'Run `tmuxcodex list` to see them.');
  if (ctx.positionals.length > 1 + extra) throw usageError('TOO_MANY_ARGS', `Unexpected argument "${ctx.positionals[1 + extra]}".`, 'Quote text that contains spaces.');
  return ref;
}
