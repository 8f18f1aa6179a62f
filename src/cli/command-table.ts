// The command table: names and aliases -> lazily imported command modules (keeps start-up fast),
// one module per command, named after it (src/cli/commands/NAME.ts). Not the daemon's registry of
// agents (src/daemon/registry.ts): this one lists commands.
import type { Command } from './command.js';
import { usageError, type TmuxcodexError } from '../errors.js';
import { nearest } from './suggest.js';

type Loader = () => Promise<Command>;

const LOADERS: Record<string, Loader> = {
  up: async () => (await import('./commands/up.js')).up,
  attach: async () => (await import('./commands/attach.js')).attach,
  spawn: async () => (await import('./commands/spawn.js')).spawn,
  list: async () => (await import('./commands/list.js')).list,
  kill: async () => (await import('./commands/kill.js')).kill,
  focus: async () => (await import('./commands/focus.js')).focus,
  send: async () => (await import('./commands/send.js')).send,
  capture: async () => (await import('./commands/capture.js')).capture,
  wait: async () => (await import('./commands/wait.js')).wait,
  events: async () => (await import('./commands/events.js')).events,
  sidebar: async () => (await import('./commands/sidebar.js')).sidebar,
  daemon: async () => (await import('./commands/daemon.js')).daemon,
  config: async () => (await import('./commands/config.js')).config,
  map: async () => (await import('./commands/map.js')).map,
  where: async () => (await import('./commands/where.js')).where,
  propagate: async () => (await import('./commands/propagate.js')).propagate,
  fix: async () => (await import('./commands/fix.js')).fix,
  merge: async () => (await import('./commands/merge.js')).merge,
  pr: async () => (await import('./commands/pr.js')).pr,
  clean: async () => (await import('./commands/clean.js')).clean,
  plugin: async () => (await import('./commands/plugin.js')).plugin,
  fresh: async () => (await import('./commands/fresh.js')).fresh,
  resurrect: async () => (await import('./commands/resurrect.js')).resurrect,
  hooks: async () => (await import('./commands/hooks.js')).hooks,
  'status-segment': async () => (await import('./commands/status-segment.js')).statusSegmentCommand,
  hook: async () => (await import('./commands/hook.js')).hook,
  archive: async () => (await import('./commands/archive.js')).archive,
  trust: async () => (await import('./commands/trust.js')).trust,
  'sync-files': async () => (await import('./commands/sync-files.js')).syncFiles,
  completion: async () => (await import('./commands/completion.js')).completion,
  doctor: async () => (await import('./commands/doctor.js')).doctor,
};

const ALIASES: Record<string, string> = { ls: 'list' };

export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** Every word that names a command: names, aliases and `help`. */
export const COMMAND_WORDS: readonly string[] = [...COMMAND_NAMES, ...Object.keys(ALIASES), 'help'];

/** Whether word names a command (or an alias, or help). */
export function isCommandWord(word: string): boolean {
  return COMMAND_WORDS.includes(word);
}

/** The error for a word that names no command, with the nearest command when one is close. */
export function unknownCommand(word: string): TmuxcodexError {
  const near = nearest(word, COMMAND_WORDS);
  return usageError('UNKNOWN_COMMAND', `Unknown command "${word}".${near ? ` Did you mean \`${near}\`?` : ''}`,
    `Commands: ${COMMAND_NAMES.join(', ')}. Run \`tmuxcodex --help\`.`);
}

/** The command called name (or an alias of it), or null. */
export async function loadCommand(name: string): Promise<Command | null> {
  const loader = LOADERS[ALIASES[name] ?? name];
  return loader ? loader() : null;
}

/** Every command, for the help text. */
export async function allCommands(): Promise<Command[]> {
  return Promise.all(Object.values(LOADERS).map((l) => l()));
}
