// Command-line parsing: global flags before or after the command, command options from the command's
// own table, attached and `=` values, `--`, and usage errors (exit code 2) for everything else.
import { describe, expect, it } from 'vitest';
import { asksForJson, findCommandWord, parseArgv, type OptionSpecs } from '../../../src/cli/args.js';
import { TmuxcodexError } from '../../../src/errors.js';

/** Command option tables shaped like the real commands' (spawn, capture, attach, list). */
const COMMANDS: Record<string, OptionSpecs> = {
  list: {},
  spawn: {
    env: { type: 'list', short: 'e', arg: 'K=V', help: 'extra environment' },
    name: { type: 'string', short: 'n', arg: 'NAME', help: 'agent name' },
  },
  capture: { lines: { type: 'number', arg: 'N', help: 'lines of history' } },
  attach: { readonly: { type: 'boolean', short: 'r', help: 'read-only' } },
};
const lookup = (command: string): OptionSpecs | null => COMMANDS[command] ?? null;
const parse = (...argv: string[]) => parseArgv(argv, lookup);

/** Runs fn, expecting a usage error; returns it for further checks. */
function usageErrorOf(fn: () => unknown): TmuxcodexError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxcodexError);
    const err = e as TmuxcodexError;
    expect(err.kind).toBe('usage');
    expect(err.exitCode).toBe(2);
    return err;
  }
  throw new Error('expected a usage error, but parsing succeeded');
}

describe('parseArgv: global flags', () => {
  it('reads them before the command', () => {
    expect(parse('-L', 'work', 'list', '--json')).toEqual({ command: 'list', positionals: [], options: { 'socket-name': 'work', json: true } });
  });

  it('reads them after the command, with the same result', () => {
    expect(parse('list', '-L', 'work', '--json')).toEqual(parse('-L', 'work', 'list', '--json'));
    expect(parse('list', '--json', '-L', 'work')).toEqual(parse('-L', 'work', 'list', '--json'));
  });

  it('takes --opt=value and --opt value alike', () => {
    expect(parse('--socket-name=work', 'list').options).toEqual({ 'socket-name': 'work' });
    expect(parse('--socket-name', 'work', 'list').options).toEqual({ 'socket-name': 'work' });
    expect(parse('list', '--config=/tmp/a=b.yaml').options).toEqual({ config: '/tmp/a=b.yaml' }); // only the first '=' splits
    expect(parse('list', '--config=').options).toEqual({ config: '' });
  });

  it('takes a short option value attached (-Lname) or separate', () => {
    expect(parse('-Lwork', 'list').options).toEqual({ 'socket-name': 'work' });
    expect(parse('list', '-S/tmp/sock').options).toEqual({ 'socket-path': '/tmp/sock' });
    expect(parse('-S', '/tmp/sock', 'list').options).toEqual({ 'socket-path': '/tmp/sock' });
  });

  it('takes the next word as a value even when it looks like an option (as tmux does)', () => {
    expect(parse('-L', '--json', 'list').options).toEqual({ 'socket-name': '--json' });
  });

  it('lets a later value replace an earlier one', () => {
    expect(parse('-L', 'a', 'list', '-L', 'b').options).toEqual({ 'socket-name': 'b' });
  });

  it('reads -h and --help', () => {
    expect(parse('-h').options).toEqual({ help: true });
    expect(parse('list', '--help')).toEqual({ command: 'list', positionals: [], options: { help: true } });
  });

  it('has no command when argv holds only options', () => {
    expect(parse('--json')).toEqual({ command: null, positionals: [], options: { json: true } });
    expect(parse()).toEqual({ command: null, positionals: [], options: {} });
  });
});

describe('parseArgv: command options and positionals', () => {
  it('uses the options of the command it found', () => {
    expect(parse('capture', 'a1', '--lines', '20')).toEqual({ command: 'capture', positionals: ['a1'], options: { lines: 20 } });
    expect(parse('attach', '-r', 'a1')).toEqual({ command: 'attach', positionals: ['a1'], options: { readonly: true } });
  });

  it('rejects a command option given before its command, and another command\'s option', () => {
    expect(usageErrorOf(() => parse('--lines', '5', 'capture')).code).toBe('UNKNOWN_OPTION');
    const e = usageErrorOf(() => parse('list', '--lines', '5'));
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.message).toBe('Unknown option --lines for `list`.');
    expect(e.hint).toBe('Run `tmuxcodex list --help`.');
  });

  it('collects a repeated list option in order, in all spellings', () => {
    expect(parse('spawn', '-e', 'A=1', '--env', 'B=2', '--env=C=3', '-eD=4', 'task').options).toEqual({ env: ['A=1', 'B=2', 'C=3', 'D=4'] });
    expect(parse('spawn', '-e', 'A=1').options.env).toEqual(['A=1']);
  });

  it('keeps positionals in order around options', () => {
    expect(parse('spawn', 'one', '-n', 'x', 'two', '--json', 'three').positionals).toEqual(['one', 'two', 'three']);
  });

  it('treats a lone "-" and negative numbers as words', () => {
    expect(parse('spawn', '-', '-5', '-1.5').positionals).toEqual(['-', '-5', '-1.5']);
  });

  it('ends options at --: everything after is a positional, however it looks', () => {
    expect(parse('spawn', 'a1', '--', '--json', '-L', 'x', '--')).toEqual({ command: 'spawn', positionals: ['a1', '--json', '-L', 'x', '--'], options: {} });
    expect(parse('spawn', '--json', '--').options).toEqual({ json: true });
  });
});

describe('parseArgv: numbers', () => {
  it.each([['20', 20], ['0', 0], ['-3', -3], ['1.5', 1.5], ['1e3', 1000], [' 7 ', 7]])('reads %j as %d', (raw, n) => {
    expect(parse('capture', '--lines', raw).options.lines).toBe(n);
    expect(parse('capture', `--lines=${raw}`).options.lines).toBe(n);
  });

  it.each(['abc', '', '  ', '12abc', 'Infinity', 'NaN', '--json'])('rejects %j', (raw) => {
    const e = usageErrorOf(() => parse('capture', '--lines', raw));
    expect(e.code).toBe('BAD_NUMBER');
    expect(e.message).toBe(`Option --lines needs a number, not "${raw}".`);
  });
});

describe('parseArgv: usage errors', () => {
  it('rejects unknown long and short options, before or after the command', () => {
    const before = usageErrorOf(() => parse('--bogus', 'list'));
    expect(before.code).toBe('UNKNOWN_OPTION');
    expect(before.message).toBe('Unknown option --bogus.');
    expect(before.hint).toBe('Run `tmuxcodex --help`.');
    const short = usageErrorOf(() => parse('list', '-x'));
    expect(short.code).toBe('UNKNOWN_OPTION');
    expect(short.message).toBe('Unknown option -x for `list`.');
    expect(usageErrorOf(() => parse('list', '--bogus=1')).message).toBe('Unknown option --bogus for `list`.');
  });

  // `name in specs` also sees Object.prototype, so these are taken as string options today.
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('rejects --%s, a name only Object.prototype has', (name) => {
    expect(usageErrorOf(() => parse('list', `--${name}`, 'x')).code).toBe('UNKNOWN_OPTION');
  });

  it('reports a missing value, naming the option and its argument', () => {
    const long = usageErrorOf(() => parse('list', '--socket-name'));
    expect(long.code).toBe('MISSING_VALUE');
    expect(long.message).toBe('Option --socket-name needs a value.');
    expect(long.hint).toBe('Give it as --socket-name NAME.');
    expect(usageErrorOf(() => parse('list', '-L')).code).toBe('MISSING_VALUE');
    expect(usageErrorOf(() => parse('capture', '--lines')).hint).toBe('Give it as --lines N.');
    expect(usageErrorOf(() => parse('spawn', '-e')).code).toBe('MISSING_VALUE');
  });

  it('rejects a value given to a boolean option', () => {
    const e = usageErrorOf(() => parse('list', '--json=yes'));
    expect(e.code).toBe('UNEXPECTED_VALUE');
    expect(e.message).toBe('Option --json takes no value.');
    expect(usageErrorOf(() => parse('attach', '-rx')).code).toBe('UNEXPECTED_VALUE');
  });

  it('serialises the error for --json output', () => {
    expect(usageErrorOf(() => parse('--nope')).toJSON()).toEqual({ code: 'UNKNOWN_OPTION', message: 'Unknown option --nope.', hint: 'Run `tmuxcodex --help`.', kind: 'usage' });
  });
});

describe('asksForJson (the error format, even when parsing fails)', () => {
  const asks = (...argv: string[]) => asksForJson(argv, lookup);
  it('sees --json as an option wherever it stands, also after an unknown option', () => {
    expect(asks('--json', 'list')).toBe(true);
    expect(asks('list', '--json')).toBe(true);
    expect(asks('spawn', '--bogus', '--json')).toBe(true);
    expect(asks('-L', 'w', 'spawn', '-n', 'a1', '--json')).toBe(true);
  });
  it('does not take an option value, a word after --, or a missing option for --json', () => {
    expect(asks('spawn', '--name', '--json')).toBe(false);
    expect(asks('spawn', '-n', '--json')).toBe(false);
    expect(asks('spawn', '-e', '--json')).toBe(false);
    expect(asks('-L', '--json', 'list')).toBe(false);
    expect(asks('spawn', '--', '--json')).toBe(false);
    expect(asks('spawn', '--name=--json')).toBe(false);
    expect(asks('list')).toBe(false);
  });
});

describe('findCommandWord', () => {
  it('skips global options and their values wherever they are', () => {
    expect(findCommandWord(['list'])).toBe('list');
    expect(findCommandWord(['-L', 'work', 'list', '--json'])).toBe('list');
    expect(findCommandWord(['--socket-name', 'work', '--config', 'c.yaml', 'spawn', 'x'])).toBe('spawn');
    expect(findCommandWord(['-S', '/tmp/s', '--json', 'kill', 'a1'])).toBe('kill');
    expect(findCommandWord(['--json', '-h', 'list'])).toBe('list');
  });

  it('skips attached and = values as single words', () => {
    expect(findCommandWord(['-Lwork', 'list'])).toBe('list');
    expect(findCommandWord(['--socket-name=work', 'list'])).toBe('list');
  });

  it('does not take a value word for the command', () => {
    expect(findCommandWord(['-L', 'list', 'spawn'])).toBe('spawn');
    expect(findCommandWord(['--config', 'list'])).toBeNull();
  });

  it('is null without a command', () => {
    expect(findCommandWord([])).toBeNull();
    expect(findCommandWord(['--json', '-L', 'w'])).toBeNull();
  });

  it('treats a lone "-" as a word', () => {
    expect(findCommandWord(['-'])).toBe('-');
  });

  it('agrees with parseArgv on the command for every global-flag spelling', () => {
    const argvs = [
      ['-L', 'work', 'list', '--json'], ['list', '-L', 'work', '--json'], ['-Lwork', 'list'], ['--socket-name=work', 'list'],
      ['--json', 'capture', '--lines', '5', 'a'], ['-S', '/tmp/s', 'attach', '-r'], ['--config', 'c.yaml', 'spawn', '-e', 'A=1'],
      ['--json'], [],
    ];
    for (const argv of argvs) expect(findCommandWord(argv), argv.join(' ')).toBe(parseArgv(argv, lookup).command);
  });

  it('agrees with parseArgv when the command comes after --', () => {
    // findCommandWord says `list`; parseArgv makes `list` a positional and finds no command.
    expect(findCommandWord(['--', 'list'])).toBe(parseArgv(['--', 'list'], lookup).command);
  });
});
