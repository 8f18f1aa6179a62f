// hooks install/uninstall on real files: Claude Code's settings.json is merged into (what is there
// stays, a backup is kept, twice is once), Codex's config.toml gets a top-level notify unless one is
// set; and what each hook call means for an agent's state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
});

describe('Codex config.toml', () => {
  it('puts notify before the first table, keeps the rest, and takes it out again', () => {
    const file = join(dir, 'config.toml');
    const mine = 'model = "gpt-5.5"\n\n[profiles.fast]\nmodel = "gpt-5.5-mini"\n';
    writeFileSync(file, mine);
    expect(installCodexNotify(file, ['/usr/bin/node', '/opt/t.js', 'hook', 'codex'], false)).toMatchObject({ changed: true });
    const text = readFileSync(file, 'utf8');
    expect(text.indexOf('notify = ["/usr/bin/node", "/opt/t.js", "hook", "codex", "tmuxcodex-hook"]')).toBeLessThan(text.indexOf('[profiles.fast]'));
    expect(text.endsWith(mine)).toBe(true);
    expect(installCodexNotify(file, ['x'], false)).toMatchObject({ changed: false, note: 'already installed' });
    expect(uninstallCodexNotify(file)).toMatchObject({ changed: true });
    expect(readFileSync(file, 'utf8')).toBe(mine);
  });

  it('refuses to replace a notify the user set, and leaves the file as it is', () => {
    const file = join(dir, 'config.toml');
    writeFileSync(file, 'notify = ["notify-send"]\n');
    expect(() => installCodexNotify(file, ['x'], false)).toThrow(/already sets notify/);
    expect(readFileSync(file, 'utf8')).toBe('notify = ["notify-send"]\n');
    // A notify inside a table is not Codex's top-level one.
    writeFileSync(file, '[tui]\nnotify = true\n');
    expect(installCodexNotify(file, ['x'], false)).toMatchObject({ changed: true });
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
