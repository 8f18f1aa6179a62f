// hooks install/uninstall on real files: Claude Code's settings.json is merged into (what is there
// stays, a backup is kept, twice is once), Codex's config.toml gets a top-level notify unless one is
// set; and what each hook call means for an agent's state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookState, installClaudeHooks, installCodexNotify, uninstallClaudeHooks, uninstallCodexNotify } from '../../../src/agents/hooks.js';
import { TmuxcodexError } from '../../../src/errors.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-hooks-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CMD = "'/usr/bin/node' '/opt/tmuxcodex/dist/bin/tmuxcodex.js' hook claude";

describe('Claude Code settings', () => {
  it('adds one hook per event, keeps the user\'s own settings and hooks, backs the file up, and is idempotent', () => {
    const file = join(dir, 'settings.json');
    const mine = { model: 'opus', hooks: { Stop: [{ matcher: '', hooks: [{ type: 'command', command: 'say done' }] }] } };
    writeFileSync(file, JSON.stringify(mine));
    expect(installClaudeHooks(file, CMD, false)).toMatchObject({ changed: true, note: 'added hooks for Notification, UserPromptSubmit, PreToolUse, Stop' });
    const after = JSON.parse(readFileSync(file, 'utf8'));
    expect(after.model).toBe('opus');
    expect(after.hooks.Stop).toHaveLength(2);
    expect(after.hooks.Stop[0]).toEqual(mine.hooks.Stop[0]);
    expect(after.hooks.Notification[0].hooks[0]).toEqual({ type: 'command', command: `${CMD} tmuxcodex-hook=Notification`, timeout: 5 });
    expect(JSON.parse(readFileSync(`${file}.tmuxcodex-backup`, 'utf8'))).toEqual(mine);
    const text = readFileSync(file, 'utf8');
    expect(installClaudeHooks(file, CMD, false)).toMatchObject({ changed: false, note: 'already installed' });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(uninstallClaudeHooks(file)).toMatchObject({ changed: true, note: 'removed 4 hook(s)' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(mine);
  });

  it('a dry run changes nothing; a file that is not JSON is refused and left as it is', () => {
    const file = join(dir, 'settings.json');
    expect(installClaudeHooks(file, CMD, true)).toMatchObject({ changed: true, note: expect.stringContaining('would add') });
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, '{ "model": ');
    expect(() => installClaudeHooks(file, CMD, false)).toThrow(TmuxcodexError);
    expect(readFileSync(file, 'utf8')).toBe('{ "model": ');
  });
  it('uninstall refuses a file that is not JSON, or not an object, with a clear usage error (no stack trace), leaving it as it is', () => {
    const file = join(dir, 'settings.json');
    for (const bad of ['{ "model": ', '[1, 2]', 'null']) {
      writeFileSync(file, bad);
      let e: unknown = null;
      try { uninstallClaudeHooks(file); } catch (x) { e = x; }
      expect(e).toBeInstanceOf(TmuxcodexError);
      expect([(e as TmuxcodexError).code, (e as TmuxcodexError).exitCode]).toEqual(['CLAUDE_SETTINGS_INVALID', 2]);
      expect((e as TmuxcodexError).message).toContain(`${file} `);
      expect((e as TmuxcodexError).message).toContain('it was left as it is');
      expect(readFileSync(file, 'utf8')).toBe(bad);
    }
  });

  it('edits a symlinked settings.json where the link leads (the dotfiles copy), keeping the link and its mode', () => {
    const dotfiles = join(dir, 'dotfiles');
    mkdirSync(dotfiles);
    const real = join(dotfiles, 'claude-settings.json');
    writeFileSync(real, JSON.stringify({ model: 'opus' }));
    chmodSync(real, 0o644);
    const file = join(dir, 'settings.json');
    symlinkSync(real, file);
    expect(installClaudeHooks(file, CMD, false)).toMatchObject({ changed: true });
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readlinkSync(file)).toBe(real);
    expect(Object.keys(JSON.parse(readFileSync(real, 'utf8')).hooks)).toHaveLength(4);
    expect(statSync(real).mode & 0o777).toBe(0o644);
    expect(uninstallClaudeHooks(file)).toMatchObject({ changed: true, note: 'removed 4 hook(s)' });
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8'))).toEqual({ model: 'opus', hooks: {} });
  });
});

describe('settings files behind symlinks that lead nowhere safe', () => {
  /** The usage error fn throws (exit 2, no stack trace), or a failure of the test. */
  async function refusal(fn: () => unknown): Promise<TmuxcodexError> {
    try { await fn(); } catch (e) {
      expect(e).toBeInstanceOf(TmuxcodexError);
      expect((e as TmuxcodexError).exitCode).toBe(2);
      return e as TmuxcodexError;
    }
    throw new Error('expected a refusal');
  }

  it('a link loop is a clear usage error, and nothing is written', async () => {
    const file = join(dir, 'settings.json');
    symlinkSync(join(dir, 'loop'), file);
    symlinkSync(file, join(dir, 'loop'));
    const e = await refusal(() => installClaudeHooks(file, CMD, false));
    expect(e.code).toBe('SYMLINK_LOOP');
    expect(e.message).toBe(`${file}: its symbolic links lead round in a loop (or more than 40 deep); it was left as it is.`);
    expect((await refusal(() => installCodexNotify(join(dir, 'settings.json'), ['/bin/sh', 'hook', 'codex'], false))).code).toBe('SYMLINK_LOOP');
    expect(readdirSync(dir).sort()).toEqual(['loop', 'settings.json']);
  });

  it('refuses to write where another user can replace the file: a folder writable by others (no sticky bit), or of another user', async () => {
    chmodSync(dir, 0o755);
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const file = join(dir, 'settings.json');
    symlinkSync(join(shared, 'claude.json'), file); // dangling: install would create it there
    const e = await refusal(() => installClaudeHooks(file, CMD, false));
    expect(e.code).toBe('UNSAFE_SETTINGS_FOLDER');
    expect(e.message).toBe(`${file} leads to ${join(shared, 'claude.json')}, and ${shared} can be written by other users (mode 0777): they could replace what tmuxcodex writes with hooks of their own; it was left as it is.`);
    expect(readdirSync(shared)).toEqual([]);
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'config.toml'), 'model = "o3"\n');
    chownSync(theirs, 65534, 65534);
    const toml = join(dir, 'config.toml');
    symlinkSync(join(theirs, 'config.toml'), toml);
    expect((await refusal(() => installCodexNotify(toml, ['/bin/sh', 'hook', 'codex'], false))).message).toBe(`${toml} leads to ${join(theirs, 'config.toml')}, and ${theirs} belongs to uid 65534: they could replace what tmuxcodex writes with hooks of their own; it was left as it is.`);
    expect(readFileSync(join(theirs, 'config.toml'), 'utf8')).toBe('model = "o3"\n');
  });
});

describe('Codex config.toml', () => {
  it('puts notify before the first table, keeps the rest, and takes it out again', async () => {
    const file = join(dir, 'config.toml');
    const mine = 'model = "gpt-5.5"\n\n[profiles.fast]\nmodel = "gpt-5.5-mini"\n';
    writeFileSync(file, mine);
    expect(await installCodexNotify(file, ['/usr/bin/node', '/opt/t.js', 'hook', 'codex'], false)).toMatchObject({ changed: true });
    const text = readFileSync(file, 'utf8');
    expect(text.indexOf('notify = ["/usr/bin/node", "/opt/t.js", "hook", "codex", "tmuxcodex-hook"]')).toBeLessThan(text.indexOf('[profiles.fast]'));
    expect(text.endsWith(mine)).toBe(true);
    expect(await installCodexNotify(file, ['x'], false)).toMatchObject({ changed: false, note: 'already installed' });
    expect(await uninstallCodexNotify(file)).toMatchObject({ changed: true });
    expect(readFileSync(file, 'utf8')).toBe(mine);
  });

  it('refuses to replace a notify the user set, and leaves the file as it is', async () => {
    const file = join(dir, 'config.toml');
    writeFileSync(file, 'notify = ["notify-send"]\n');
    await expect(installCodexNotify(file, ['x'], false)).rejects.toThrow(/already sets notify/);
    expect(readFileSync(file, 'utf8')).toBe('notify = ["notify-send"]\n');
    // A notify inside a table is not Codex's top-level one.
    writeFileSync(file, '[tui]\nnotify = true\n');
    expect(await installCodexNotify(file, ['x'], false)).toMatchObject({ changed: true });
  });
  it('reads the file as TOML: a line starting with "[" inside a multi-line string is no table, so a notify after it is seen', async () => {
    const file = join(dir, 'config.toml');
    const mine = 'instructions = """\nBe brief.\n[not a table] keep going\n"""\nnotify = ["notify-send", "codex"]\n\n[tui]\nnotifications = true\n';
    writeFileSync(file, mine);
    const e = await installCodexNotify(file, ['x'], false).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(TmuxcodexError);
    expect((e as TmuxcodexError).code).toBe('CODEX_NOTIFY_TAKEN');
    expect(readFileSync(file, 'utf8')).toBe(mine);
    // Without a notify of the user's, ours goes in once, and the file parses with the string whole.
    const noNotify = 'instructions = """\n[not a table]\nnotify = "inside the string"\n"""\n';
    writeFileSync(file, noNotify);
    expect(await installCodexNotify(file, ['/bin/t', 'hook', 'codex'], false)).toMatchObject({ changed: true });
    const { parse } = await import('smol-toml');
    expect({ ...parse(readFileSync(file, 'utf8')) }).toEqual({ notify: ['/bin/t', 'hook', 'codex', 'tmuxcodex-hook'], instructions: '[not a table]\nnotify = "inside the string"\n' });
    expect(await uninstallCodexNotify(file)).toMatchObject({ changed: true });
    expect(readFileSync(file, 'utf8')).toBe(noNotify);
  });

  it('refuses a file that is not TOML with file:line:col, on install and uninstall, leaving it as it is', async () => {
    const file = join(dir, 'config.toml');
    writeFileSync(file, 'model = "gpt"\nnotify = [\n');
    for (const act of [() => installCodexNotify(file, ['x'], false), () => uninstallCodexNotify(file)]) {
      const e = await act().then(() => null, (x: unknown) => x) as TmuxcodexError;
      expect(e).toBeInstanceOf(TmuxcodexError);
      expect([e.code, e.exitCode]).toEqual(['CODEX_CONFIG_INVALID', 2]);
      expect(e.message.startsWith(`${file}:`)).toBe(true);
      expect(e.message).toMatch(/^[^\n]*:\d+:\d+: not valid TOML \(/);
    }
    expect(readFileSync(file, 'utf8')).toBe('model = "gpt"\nnotify = [\n');
  });

  it('edits a symlinked config.toml where the link leads, keeping the link', async () => {
    const dotfiles = join(dir, 'dotfiles');
    mkdirSync(dotfiles);
    const real = join(dotfiles, 'codex.toml');
    writeFileSync(real, 'model = "gpt"\n');
    const file = join(dir, 'config.toml');
    symlinkSync(real, file);
    expect(await installCodexNotify(file, ['x'], false)).toMatchObject({ changed: true });
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('notify = ["x", "tmuxcodex-hook"]');
    expect(await uninstallCodexNotify(file)).toMatchObject({ changed: true });
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('model = "gpt"\n');
  });
});

describe('hookState', () => {
  it.each([
    ['claude', 'Notification', { hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash' }, { state: 'waiting', detail: 'Claude needs your permission to use Bash' }],
    ['claude', 'UserPromptSubmit', null, { state: 'working', detail: null }],
    ['claude', 'PreToolUse', { hook_event_name: 'PreToolUse' }, { state: 'working', detail: null }],
    ['claude', 'Stop', null, { state: 'idle', detail: null }],
    ['claude', 'SessionStart', null, null],
    ['codex', null, { type: 'agent-turn-complete', 'turn-id': '1' }, { state: 'idle', detail: null }],
    ['codex', null, { type: 'approval-requested' }, { state: 'waiting', detail: 'approval-requested' }],
    ['codex', null, null, null],
  ] as const)('%s %s', (kind, event, payload, want) => {
    expect(hookState(kind, event, payload as Record<string, unknown> | null)).toEqual(want);
  });
});
