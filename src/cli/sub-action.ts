// `daemon strat --x`: a mistyped sub-action is the mistake to name (with the nearest one), not the
// option that the right sub-action would have judged; the same rule as for unknown commands.
import { TmuxcodexError, usageError } from '../errors.js';
import type { Command } from './command.js';
import { firstArgSource } from './completion/spec.js';
import { nearest } from './suggest.js';

/**
 * The error to report for a parse error of command's argv: an unknown sub-action when the word after
 * the command is not one of its sub-actions, else the parse error itself.
 */
export function subActionErrorOr(error: unknown, command: Command, argv: readonly string[]): unknown {
  if (!(error instanceof TmuxcodexError) || error.code !== 'UNKNOWN_OPTION') return error;
  const source = firstArgSource(command);
  if (source.kind !== 'words') return error;
  const at = argv.indexOf(command.name);
  const word = at === -1 ? undefined : argv.slice(at + 1).find((w) => !w.startsWith('-'));
  if (word === undefined || source.words.includes(word)) return error;
  const near = nearest(word, source.words);
  return usageError('UNKNOWN_ACTION', `Unknown ${command.name} action "${word}".${near ? ` Did you mean \`${command.name} ${near}\`?` : ''}`,
    `Use one of: ${source.words.join(', ')}.`);
}
