// Command-line parsing: global flags anywhere (before or after the command, as with tmux),
// command options declared as data, `--` ends options.
import { usageError } from '../errors.js';

export type OptionType = 'string' | 'boolean' | 'number' | 'list';

export interface OptionSpec {
  type: OptionType;
  short?: string;
  /** One line for --help. */
  help: string;
  arg?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;
export type OptionValues = Record<string, string | boolean | number | string[] | undefined>;

export const GLOBAL_OPTIONS = {
  'socket-name': { type: 'string', short: 'L', arg: 'NAME', help: 'tmux server socket name, as tmux -L' },
  'socket-path': { type: 'string', short: 'S', arg: 'PATH', help: 'tmux server socket path, as tmux -S' },
  config: { type: 'string', arg: 'FILE', help: 'config file instead of ~/.config/tmuxcodex/config.yaml' },
  json: { type: 'boolean', help: 'print machine-readable JSON' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
} as const satisfies OptionSpecs;

export interface Parsed {
  command: string | null;
  positionals: string[];
  options: OptionValues;
}

/** Parses argv against the global options plus the options of the command found in it. */
export function parseArgv(argv: readonly string[], commandOptions: (command: string) => OptionSpecs | null): Parsed {
  let command: string | null = null;
  let specs: OptionSpecs = GLOBAL_OPTIONS;
  const positionals: string[] = [];
  const options: OptionValues = {};
  const byShort = () => new Map(Object.entries(specs).filter(([, s]) => s.short).map(([n, s]) => [s.short!, n]));
  let i = 0;
  const takeValue = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const v = argv[++i];
    if (v === undefined) throw usageError('MISSING_VALUE', `Option --${name} needs a value.`, `Give it as --${name} ${specs[name]?.arg ?? 'VALUE'}.`);
    return v;
  };
  const set = (name: string, inline: string | undefined) => {
    const spec = specs[name]!;
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw usageError('UNEXPECTED_VALUE', `Option --${name} takes no value.`);
      options[name] = true;
    } else if (spec.type === 'number') {
      const raw = takeValue(name, inline);
      const n = Number(raw);
      if (!Number.isFinite(n) || raw.trim() === '') throw usageError('BAD_NUMBER', `Option --${name} needs a number, not "${raw}".`);
      options[name] = n;
    } else if (spec.type === 'list') {
      options[name] = [...((options[name] as string[] | undefined) ?? []), takeValue(name, inline)];
    } else options[name] = takeValue(name, inline);
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      const rest = argv.slice(i + 1);
      if (command === null && rest.length > 0) {
        command = rest.shift()!;
        const extra = commandOptions(command);
        if (extra) specs = { ...GLOBAL_OPTIONS, ...extra };
      }
      positionals.push(...rest);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (!Object.hasOwn(specs, name)) throw usageError('UNKNOWN_OPTION', `Unknown option --${name}${command ? ` for \`${command}\`` : ''}.`, `Run \`tmuxcodex ${command ?? ''} --help\`.`.replace('  ', ' '));
      set(name, eq === -1 ? undefined : a.slice(eq + 1));
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      const name = byShort().get(a[1]!);
      if (!name) throw usageError('UNKNOWN_OPTION', `Unknown option ${a}${command ? ` for \`${command}\`` : ''}.`, `Run \`tmuxcodex ${command ?? ''} --help\`.`.replace('  ', ' '));
      set(name, a.length > 2 ? a.slice(2) : undefined);
    } else if (command === null) {
      command = a;
      const extra = commandOptions(a);
      if (extra) specs = { ...GLOBAL_OPTIONS, ...extra };
    } else positionals.push(a);
  }
  return { command, positionals, options };
}

/**
 * Whether argv asks for --json as an option, read as parseArgv would but without failing: errors
 * must come out as JSON for `spawn --bogus --json`, yet not for `spawn --target --json` (a value).
 */
export function asksForJson(argv: readonly string[], commandOptions: (command: string) => OptionSpecs | null): boolean {
  let specs: OptionSpecs = GLOBAL_OPTIONS;
  let command: string | null = null;
  const takesValue = (name: string | undefined) => name !== undefined && Object.hasOwn(specs, name) && specs[name]!.type !== 'boolean';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (a === '--json') return true;
    if (a.startsWith('--')) {
      if (!a.includes('=') && takesValue(a.slice(2))) i++;
    } else if (a.startsWith('-') && a.length === 2 && !/^-\d/.test(a)) {
      if (takesValue(Object.entries(specs).find(([, s]) => s.short === a[1])?.[0])) i++;
    } else if (command === null && !a.startsWith('-')) {
      command = a;
      specs = { ...GLOBAL_OPTIONS, ...(commandOptions(a) ?? {}) };
    }
  }
  return false;
}

/** The command word in argv: the first word that is neither a global option nor its value. */
export function findCommandWord(argv: readonly string[]): string | null {
  const valued = new Set(Object.entries(GLOBAL_OPTIONS as OptionSpecs).filter(([, s]) => s.type !== 'boolean').flatMap(([n, s]) => [`--${n}`, ...(s.short ? [`-${s.short}`] : [])]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1] ?? null;
    if (valued.has(a)) { i++; continue; }
    if (!a.startsWith('-') || a === '-') return a;
  }
  return null;
}
