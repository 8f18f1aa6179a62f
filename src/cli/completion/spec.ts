// What shell completion knows, derived from the commands' own tables (names, options, usage lines),
// so a new command or option completes without anyone editing the completion scripts.
import { GLOBAL_OPTIONS, type OptionSpec, type OptionSpecs } from '../args.js';
import type { Command } from '../command.js';

/** What a word is completed from: agent names and profiles (asked of tmuxcodex), files, or fixed words. */
export type WordSource = { kind: 'agents' } | { kind: 'profiles' } | { kind: 'files' } | { kind: 'words'; words: string[] } | { kind: 'none' };

export interface OptionEntry { flags: string[]; takesValue: boolean; value: WordSource; help: string }
export interface CommandEntry { names: string[]; summary: string; options: OptionEntry[]; firstArg: WordSource }

/** What an option's value completes from, by the placeholder its table gives (AGENT, FILE, ...). */
function valueSource(name: string, spec: OptionSpec): WordSource {
  if (spec.type === 'boolean') return { kind: 'none' };
  if (spec.arg === 'AGENT') return { kind: 'agents' };
  if (name === 'profile') return { kind: 'profiles' };
  if (['FILE', 'F', 'PATH'].includes(spec.arg ?? '')) return { kind: 'files' };
  // `new|shared|PATH`: the fixed words complete; the placeholder is left to the user.
  const words = spec.arg?.includes('|') ? spec.arg.split('|').filter((w) => /^[a-z][a-z-]*$/.test(w)) : [];
  return words.length ? { kind: 'words', words } : { kind: 'none' };
}

/** The entries of an option table. */
export function optionEntries(specs: OptionSpecs): OptionEntry[] {
  return Object.entries(specs).map(([name, s]) => ({
    flags: [`--${name}`, ...(s.short ? [`-${s.short}`] : [])], takesValue: s.type !== 'boolean', value: valueSource(name, s), help: s.help,
  }));
}

/**
 * What the first argument after the command completes from, read from its usage line: AGENT or
 * [PROFILE], or the sub-actions (`daemon start|stop|status|run`, `archive list | archive restore ID`).
 */
export function firstArgSource(command: Command): WordSource {
  const firsts = command.usage.split(' | ').map((alt) => alt.trim().split(/\s+/)).map((w) => (w[0] === command.name ? w[1] : w[0]) ?? '');
  if (firsts.some((w) => w === 'AGENT')) return { kind: 'agents' };
  if (firsts.some((w) => w === '[PROFILE]' || w === 'PROFILE')) return { kind: 'profiles' };
  const words = firsts.flatMap((w) => (/^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(w) ? w.split('|') : []));
  return words.length ? { kind: 'words', words } : { kind: 'none' };
}

/** Every command with its names (aliases too), options and first argument. */
export function commandEntries(commands: readonly Command[]): CommandEntry[] {
  return commands.map((c) => ({ names: [c.name, ...(c.aliases ?? [])], summary: c.summary, options: optionEntries(c.options), firstArg: firstArgSource(c) }));
}

/** The global options (they go before or after the command). */
export const globalEntries = (): OptionEntry[] => optionEntries(GLOBAL_OPTIONS);
