// Config loading: YAML files in a temp folder (never the real HOME), merged over the defaults;
// every broken rule and every syntax error names file:line:col of the place to fix.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, readConfigFile, userConfigPath } from '../../../src/config/load.js';
import { DEFAULT_CONFIG, applyConfig, validateConfig } from '../../../src/config/schema.js';
import { TmuxcodexError } from '../../../src/errors.js';
import { trustFile } from '../../../src/agents/trust.js';
import { slack } from '../../helpers/slack.js';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-config-'));
  env = { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

async function errorOf(fn: () => Promise<unknown>): Promise<TmuxcodexError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxcodexError);
    return e as TmuxcodexError;
  }
  throw new Error('expected an error');
}

/** The line numbers named by `path:LINE:COL: ` prefixes in a message, one per problem line. */
function linesNamed(message: string, path: string): number[] {
  return message.split('\n').map((l) => {
    expect(l.startsWith(`${path}:`), l).toBe(true);
    const m = /^:(\d+):(\d+): /.exec(l.slice(path.length));
    expect(m, l).not.toBeNull();
    return Number(m![1]);
  });
}

describe('userConfigPath', () => {
  it('uses $XDG_CONFIG_HOME, else ~/.config', async () => {
    expect(userConfigPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/x/home' })).toBe('/x/cfg/tmuxcodex/config.yaml');
    expect(userConfigPath({ HOME: '/x/home' })).toBe('/x/home/.config/tmuxcodex/config.yaml');
    expect(userConfigPath({ XDG_CONFIG_HOME: '', HOME: '/x/home' })).toBe('/x/home/.config/tmuxcodex/config.yaml');
  });

  it('is never relative (then it would be read from the working folder, a repository\'s own files): no HOME means the account\'s home', () => {
    // env -i, cron, a service: with HOME unset, .config/tmuxcodex/config.yaml in a cloned repository
    // would be taken as the user's own config (trusted: its steps, profiles and notify.command run).
    const home = userInfo().homedir;
    expect(userConfigPath({})).toBe(join(home, '.config', 'tmuxcodex', 'config.yaml'));
    expect(userConfigPath({ HOME: '' })).toBe(join(home, '.config', 'tmuxcodex', 'config.yaml'));
    expect(userConfigPath({ HOME: '/x/home', XDG_CONFIG_HOME: 'cfg' })).toBe('/x/home/.config/tmuxcodex/config.yaml'); // relative XDG values are ignored (XDG spec)
    // The same for the approvals: a repository must never ship its own trust.json.
    expect(trustFile({})).toBe(join(home, '.local', 'state', 'tmuxcodex', 'trust.json'));
    expect(trustFile({ HOME: '/x/home', XDG_STATE_HOME: 'state' })).toBe('/x/home/.local/state/tmuxcodex/trust.json');
    expect(trustFile({ HOME: '/x/home', XDG_STATE_HOME: '/x/state' })).toBe('/x/state/tmuxcodex/trust.json');
  });
});

describe('loadConfig: merging', () => {
  it('gives the defaults when no file exists', async () => {
    expect(await loadConfig({ env })).toEqual({ config: DEFAULT_CONFIG, files: [] });
    expect(await loadConfig({ env, repoRoot: join(dir, 'repo') })).toEqual({ config: DEFAULT_CONFIG, files: [] });
  });

  it('merges a valid user file over the defaults, key by key', async () => {
    const path = write('xdg/tmuxcodex/config.yaml', [
      'session: work',
      'layout:',
      '  sidebarWidth: 40',
      'profiles:',
      '  claude:',
      '    command: [claude, --verbose]',
      '  codex:',
      '    command: [codex]',
      '    taskArgs: ["--"]',
      'targets: [main, release/1.0]',
      'worktrees: {}',
      'setup:',
      '  - copy: .env*',
      '  - run: npm ci',
      'ports: {range: [5000, 5099], count: 2}',
      '',
    ].join('\n'));
    const { config, files } = await loadConfig({ env });
    expect(files).toEqual([path]);
    expect(config).toEqual({
      session: 'work',
      layout: { sidebarWidth: 40, maxAgentsPerWindow: DEFAULT_CONFIG.layout.maxAgentsPerWindow },
      profiles: { claude: { command: ['claude', '--verbose'], taskArgs: null, transcript: null, contextWindow: null, origin: 'user' }, codex: { command: ['codex'], taskArgs: ['--'], transcript: null, contextWindow: null, origin: 'user' } },
      targets: ['main', 'release/1.0'],
      worktrees: { root: null, rootOrigin: null },
      setup: [{ copy: ['.env*'], origin: 'user' }, { run: 'npm ci', origin: 'user' }],
      ports: { range: [5000, 5099], count: 2 },
      thresholds: DEFAULT_CONFIG.thresholds,
      notify: DEFAULT_CONFIG.notify,
    });
    expect(DEFAULT_CONFIG).toEqual({ session: 'agents', layout: { sidebarWidth: 30, maxAgentsPerWindow: 6 }, profiles: {}, targets: [],
      worktrees: { root: null, rootOrigin: null }, setup: null, ports: { range: [4100, 4999], count: 1 },
      thresholds: { contextWarn: 60, contextCritical: 80, ageHours: 8, message: true, autoFresh: 'suggest' }, notify: { command: null, on: ['waiting', 'finished', 'context', 'age', 'fresh', 'fix-blocked'] } });
  });

  it('lets the repository file override the user file, keeping what it does not set', async () => {
    const user = write('xdg/tmuxcodex/config.yaml', [
      'session: mine',
      'layout: {sidebarWidth: 40, maxAgentsPerWindow: 4}',
      'profiles:',
      '  a: {command: [a-user]}',
      '  b: {command: [b-user], taskArgs: [x]}',
      'targets: [main]',
    ].join('\n'));
    const repo = write('repo/.tmuxcodex.yaml', [
      'session: project',
      'layout:',
      '  sidebarWidth: 50',
      'profiles:',
      '  b: {command: [b-repo]}',
      'setup: [{run: make deps}]',
    ].join('\n'));
    const { config, files } = await loadConfig({ env, repoRoot: join(dir, 'repo') });
    expect(files).toEqual([user, repo]);
    expect(config).toEqual({
      session: 'project',
      layout: { sidebarWidth: 50, maxAgentsPerWindow: 4 },
      profiles: { a: { command: ['a-user'], taskArgs: null, transcript: null, contextWindow: null, origin: 'user' }, b: { command: ['b-repo'], taskArgs: null, transcript: null, contextWindow: null, origin: 'repo' } },
      targets: ['main'],
      worktrees: { root: null, rootOrigin: null },
      setup: [{ run: 'make deps', origin: 'repo' }],
      ports: DEFAULT_CONFIG.ports,
      thresholds: DEFAULT_CONFIG.thresholds,
      notify: DEFAULT_CONFIG.notify,
    });
  });

  it('reads --config instead of the user file', async () => {
    write('xdg/tmuxcodex/config.yaml', 'session: [broken\n'); // never read
    const explicit = write('elsewhere/c.yaml', 'session: explicit\n');
    expect(await loadConfig({ env, configFile: explicit })).toEqual({ config: { ...DEFAULT_CONFIG, session: 'explicit' }, files: [explicit] });
  });

  it('fails when the --config file does not exist', async () => {
    const missing = join(dir, 'nope.yaml');
    const e = await errorOf(() => loadConfig({ env, configFile: missing }));
    expect(e.code).toBe('CONFIG_NOT_FOUND');
    expect(e.message).toBe(`The config file ${missing} does not exist.`);
    expect(e.exitCode).toBe(2);
  });

  it('fails on a config path it cannot read', async () => {
    const folder = join(dir, 'a-folder.yaml');
    mkdirSync(folder);
    const e = await errorOf(() => loadConfig({ env, configFile: folder }));
    expect(e.code).toBe('CONFIG_UNREADABLE');
    expect(e.message).toContain(folder);
  });

  it('takes an empty --config file as an empty config, not a missing one', async () => {
    const empty = write('empty.yaml', '');
    expect(await loadConfig({ env, configFile: empty })).toEqual({ config: DEFAULT_CONFIG, files: [empty] });
  });

  it('lists a user file holding only comments among the files read', async () => {
    const path = write('xdg/tmuxcodex/config.yaml', '# nothing set yet\n');
    expect(await loadConfig({ env })).toEqual({ config: DEFAULT_CONFIG, files: [path] });
  });

  it('refuses a repository file that is no regular file (a link to a FIFO, /dev/zero, /dev/null) without reading it', async () => {
    // A hostile repository can track .tmuxcodex.yaml as a symlink: to a FIFO (an open() that waits
    // for a writer forever) or to /dev/zero (a read that never ends). Run in a child, so a hang
    // fails this test instead of freezing the run; the FIFO is tried first, so /dev/zero is never
    // read by code that would hang on the FIFO.
    const repos = ['fifo', 'zero', 'null'].map((name) => join(dir, `repo-${name}`));
    for (const r of repos) mkdirSync(r);
    await execa('mkfifo', [join(dir, 'a-fifo')]);
    symlinkSync(join(dir, 'a-fifo'), join(repos[0]!, '.tmuxcodex.yaml'));
    symlinkSync('/dev/zero', join(repos[1]!, '.tmuxcodex.yaml'));
    symlinkSync('/dev/null', join(repos[2]!, '.tmuxcodex.yaml'));
    const load = fileURLToPath(new URL('../../../dist/config/load.js', import.meta.url));
    const child = `const { loadConfig } = await import(process.argv[1]);
      for (const repoRoot of process.argv.slice(3)) console.log(await loadConfig({ env: JSON.parse(process.argv[2]), repoRoot }).then(() => 'loaded', (e) => e.code + ' ' + e.message));`;
    const res = await execa(process.execPath, ['--input-type=module', '-e', child, load, JSON.stringify(env), ...repos], { timeout: slack(5000), reject: false });
    expect(res.timedOut).toBe(false);
    expect(res.stdout.split('\n')).toEqual(repos.map((r) => `CONFIG_UNREADABLE ${join(r, '.tmuxcodex.yaml')} is not a regular file: a repository's config is read only from a file.`));
  });

  it('names the repository file when that is the broken one', async () => {
    write('xdg/tmuxcodex/config.yaml', 'session: fine\n');
    const repo = write('repo/.tmuxcodex.yaml', 'session: fine\nlayout: {sidebarWidth: 7}\n');
    const e = await errorOf(() => loadConfig({ env, repoRoot: join(dir, 'repo') }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(linesNamed(e.message, repo)).toEqual([2]);
  });
});

describe('readConfigFile: broken rules point at their line', () => {
  const CASES: { rule: string; yaml: string[]; line: number; says: string }[] = [
    { rule: 'root must be a mapping', yaml: ['- a', '- b'], line: 1, says: 'the config must be a mapping' },
    { rule: 'unknown key with a scalar', yaml: ['session: ok', 'bogus: 1'], line: 2, says: 'unknown key "bogus"' },
    { rule: 'unknown key with a mapping below it', yaml: ['session: ok', 'bogus:', '  x: 1'], line: 2, says: 'unknown key "bogus"' },
    { rule: 'session with a space', yaml: ['layout:', '  sidebarWidth: 40', 'session: "a b"'], line: 3, says: 'session must be 1-64' },
    { rule: 'session not a string', yaml: ['session: 12'], line: 1, says: 'session must be 1-64' },
    { rule: 'session too long', yaml: ['', `session: ${'s'.repeat(65)}`], line: 2, says: 'session must be 1-64' },
    { rule: 'layout not a mapping', yaml: ['session: ok', 'layout: 5'], line: 2, says: 'layout must be a mapping' },
    { rule: 'unknown layout key', yaml: ['layout:', '  sidebarWidth: 40', '  extra: 1'], line: 3, says: 'unknown layout key "extra"' },
    { rule: 'unknown layout key with a mapping below it', yaml: ['layout:', '  extra:', '    a: 1', '  sidebarWidth: 40'], line: 2, says: 'unknown layout key "extra"' },
    { rule: 'sidebarWidth too small', yaml: ['session: ok', 'layout:', '  sidebarWidth: 5'], line: 3, says: 'sidebarWidth must be a whole number from 10 to 120' },
    { rule: 'sidebarWidth too large', yaml: ['layout:', '  maxAgentsPerWindow: 2', '  sidebarWidth: 121'], line: 3, says: 'sidebarWidth' },
    { rule: 'sidebarWidth fractional', yaml: ['layout:', '  sidebarWidth: 30.5'], line: 2, says: 'sidebarWidth' },
    { rule: 'sidebarWidth quoted', yaml: ['layout:', '  sidebarWidth: "30"'], line: 2, says: 'sidebarWidth' },
    { rule: 'maxAgentsPerWindow zero', yaml: ['layout:', '  sidebarWidth: 30', '  maxAgentsPerWindow: 0'], line: 3, says: 'maxAgentsPerWindow must be a whole number from 1 to 16' },
    { rule: 'maxAgentsPerWindow 17 in a flow map', yaml: ['session: ok', 'layout: {maxAgentsPerWindow: 17}'], line: 2, says: 'maxAgentsPerWindow' },
    { rule: 'targets not a list', yaml: ['session: ok', 'targets: main'], line: 2, says: 'targets must be a list of branch names' },
    { rule: 'targets with an empty name', yaml: ['session: ok', 'targets: [main, ""]'], line: 2, says: 'targets must be a list' },
    { rule: 'profiles not a mapping', yaml: ['session: ok', 'profiles: [a]'], line: 2, says: 'profiles must be a mapping' },
    { rule: 'profile name with capitals', yaml: ['profiles:', '  Bad:', '    command: [x]'], line: 2, says: 'a profile name is lowercase' },
    { rule: 'profile name in a flow value', yaml: ['profiles:', '  ok: {command: [x]}', '  9lives: {command: [x]}'], line: 3, says: 'a profile name is lowercase' },
    { rule: 'profile without a body', yaml: ['profiles:', '  p:'], line: 2, says: 'a profile needs command' },
    { rule: 'profile command empty', yaml: ['profiles:', '  p:', '    command: []'], line: 3, says: 'a profile needs command' },
    { rule: 'profile command not strings', yaml: ['profiles:', '  p:', '    taskArgs: []', '    command: [x, 3]'], line: 4, says: 'a profile needs command' },
    { rule: 'profile command a string', yaml: ['profiles:', '  p:', '    command: "claude --x"'], line: 3, says: 'a profile needs command' },
    { rule: 'taskArgs not a list', yaml: ['profiles:', '  p:', '    command: [x]', '    taskArgs: 3'], line: 4, says: 'taskArgs must be a list of strings' },
  ];

  it.each(CASES)('$rule: line $line', async ({ yaml, line, says }) => {
    const path = write('c.yaml', yaml.join('\n') + '\n');
    const e = await errorOf(() => readConfigFile(path));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(says);
    expect(linesNamed(e.message, path)).toEqual([line]);
    expect(e.hint).toContain('tmuxcodex config check');
  });

  it('reports every broken rule, one line each, in document order', async () => {
    const path = write('c.yaml', ['session: "no good"', 'layout:', '  sidebarWidth: 1', '  maxAgentsPerWindow: 99', 'targets: 5', ''].join('\n'));
    const e = await errorOf(() => readConfigFile(path));
    expect(linesNamed(e.message, path)).toEqual([1, 3, 4, 5]);
  });

  it('points at the value\'s column', async () => {
    const path = write('c.yaml', 'layout:\n  sidebarWidth: 5\n');
    expect((await errorOf(() => readConfigFile(path))).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:17: `));
  });
});

describe('readConfigFile: syntax errors', () => {
  it.each([
    { what: 'a misindented key', yaml: ['session: ok', 'layout:', '  sidebarWidth: 40', ' maxAgentsPerWindow: 3'], line: 4 },
    { what: 'a tab as indentation', yaml: ['session: ok', 'layout:', '\tsidebarWidth: 40'], line: 3 },
    { what: 'a duplicated key', yaml: ['session: ok', 'layout:', '  sidebarWidth: 40', '  sidebarWidth: 50'], line: 4 },
  ])('locates $what at line $line', async ({ yaml, line }) => {
    const path = write('c.yaml', yaml.join('\n') + '\n');
    const e = await errorOf(() => readConfigFile(path));
    expect(e.code).toBe('CONFIG_SYNTAX');
    expect(e.exitCode).toBe(2);
    expect(linesNamed(e.message, path)).toEqual([line]);
    expect(e.hint).toBe('Fix the YAML syntax at that place.');
  });
});

describe('readConfigFile: values', () => {
  it('is null for a file that does not exist', async () => {
    expect(await readConfigFile(join(dir, 'missing.yaml'))).toBeNull();
  });

  it('returns the document of a valid file', async () => {
    const path = write('c.yaml', 'session: s1\nlayout:\n  sidebarWidth: 120\n  maxAgentsPerWindow: 16\n');
    expect(await readConfigFile(path)).toEqual({ session: 's1', layout: { sidebarWidth: 120, maxAgentsPerWindow: 16 } });
  });
});

describe('validateConfig and applyConfig', () => {
  it('accepts nothing at all and the boundary values', async () => {
    expect(validateConfig(null)).toEqual([]);
    expect(validateConfig(undefined)).toEqual([]);
    expect(validateConfig({ layout: { sidebarWidth: 10, maxAgentsPerWindow: 1 } })).toEqual([]);
    expect(validateConfig({ layout: { sidebarWidth: 120, maxAgentsPerWindow: 16 }, session: 'a'.repeat(64) })).toEqual([]);
  });

  it('locates problems by path', async () => {
    expect(validateConfig({ layout: { sidebarWidth: 9 }, profiles: { p: { command: ['x'], taskArgs: [1] } } }).map((p) => p.path)).toEqual([
      ['layout', 'sidebarWidth'], ['profiles', 'p', 'taskArgs'],
    ]);
  });

  it('checks a profile\'s transcript format, window and keys', () => {
    expect(validateConfig({ profiles: { p: { command: ['x'], transcript: 'claude', contextWindow: 1_000_000 } } })).toEqual([]);
    const problems = validateConfig({ profiles: { p: { command: ['x'], transcript: 'gpt', contextWindow: 5, taskargs: [] } } });
    expect(problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['profiles.p.taskargs', 'unknown profile key "taskargs" (known: command, taskArgs, transcript, contextWindow)'],
      ['profiles.p.transcript', 'transcript must be one of codex, claude'],
      ['profiles.p.contextWindow', 'contextWindow must be a whole number of tokens from 1000 to 100000000'],
    ]);
    expect(applyConfig(DEFAULT_CONFIG, { profiles: { p: { command: ['x'], transcript: 'codex', contextWindow: 258400 } } }).profiles.p)
      .toMatchObject({ transcript: 'codex', contextWindow: 258400 });
  });

  it('checks thresholds and notify, and takes notify.command only from the user\'s own file', () => {
    expect(validateConfig({ thresholds: { contextWarn: 60, contextCritical: 80, ageHours: 1.5, message: false }, notify: { command: ['notify-send'], on: ['waiting'] } })).toEqual([]);
    expect(validateConfig({ thresholds: { contextWarn: 0, ageHours: -1, message: 'yes', other: 1 }, notify: { command: [], on: ['sometimes'] } }).map((p) => p.path.join('.'))).toEqual([
      'thresholds.other', 'thresholds.contextWarn', 'thresholds.ageHours', 'thresholds.message', 'notify.command', 'notify.on',
    ]);
    const doc = { thresholds: { contextWarn: 50 }, notify: { command: ['rm', '-rf', '/'], on: ['age'] } };
    expect(applyConfig(DEFAULT_CONFIG, doc, 'repo').notify).toEqual({ command: null, on: ['age'] });
    expect(applyConfig(DEFAULT_CONFIG, doc, 'user').notify.command).toEqual(['rm', '-rf', '/']);
    expect(applyConfig(DEFAULT_CONFIG, doc, 'repo').thresholds).toEqual({ ...DEFAULT_CONFIG.thresholds, contextWarn: 50 });
  });

  it('never changes the base it merges over', async () => {
    const base = structuredClone(DEFAULT_CONFIG);
    const out = applyConfig(DEFAULT_CONFIG, { layout: { sidebarWidth: 44 }, profiles: { p: { command: ['x'] } }, targets: ['t'] });
    expect(out.layout.sidebarWidth).toBe(44);
    expect(out.profiles.p).toEqual({ command: ['x'], taskArgs: null, transcript: null, contextWindow: null, origin: 'user' });
    expect(DEFAULT_CONFIG).toEqual(base);
    expect(applyConfig(DEFAULT_CONFIG, null)).toEqual(base);
  });
});

describe('thresholds.autoFresh', () => {
  it('takes off, suggest and between-turns; anything else is named with the rule', () => {
    for (const v of ['off', 'suggest', 'between-turns']) expect(validateConfig({ thresholds: { autoFresh: v } })).toEqual([]);
    for (const v of ['always', true, 1]) expect(validateConfig({ thresholds: { autoFresh: v } })).toEqual([{ path: ['thresholds', 'autoFresh'], message: 'autoFresh must be one of: off, suggest, between-turns' }]);
  });
});
