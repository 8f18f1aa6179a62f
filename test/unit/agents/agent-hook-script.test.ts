// The shipped hook script (tmux/agent-hook.sh) run by a real /bin/sh as Claude Code and Codex run it,
// and the daemon's reading of the lines it appends (daemon/watch/hook-inbox.ts parseHookLine).
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHookLine } from '../../../src/daemon/watch/hook-inbox.js';

const HOOK = fileURLToPath(new URL('../../../tmux/agent-hook.sh', import.meta.url));

async function runHook(args: string[], opts: { file?: string | null; input?: string }) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (opts.file) env.TMUXCODEX_HOOK_FILE = opts.file;
  return execa('/bin/sh', [HOOK, ...args], { env, extendEnv: false, input: opts.input ?? '', reject: false });
}

describe('tmux/agent-hook.sh', () => {
  it('appends one line per Claude event; a Notification keeps its message, other events only their name', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tmuxcodex-hook-')), 'a1b2c3d4.events');
    const notification = JSON.stringify({ hook_event_name: 'Notification', message: 'Claude needs your permission\nto use Bash' }, null, 2);
    for (const [event, input] of [['Notification', notification], ['PreToolUse', JSON.stringify({ tool_input: { content: 'x'.repeat(100_000) } })], ['Stop', '{}']] as const) {
      const res = await runHook(['claude', `tmuxcodex-hook=${event}`], { file, input });
      expect(res.exitCode).toBe(0);
      expect(res.stdout + res.stderr).toBe('');
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => parseHookLine('a1b2c3d4', l))).toEqual([
      // The JSON was printed over several lines; the line holds it folded, its message whole.
      { agent: 'a1b2c3d4', state: 'waiting', detail: 'Claude needs your permission\nto use Bash' },
      { agent: 'a1b2c3d4', state: 'working', detail: null },
      { agent: 'a1b2c3d4', state: 'idle', detail: null },
    ]);
  });

  it('takes Codex\'s JSON from its last argument', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tmuxcodex-hook-')), 'ffff0000.events');
    expect((await runHook(['codex', 'tmuxcodex-hook', JSON.stringify({ type: 'agent-turn-complete', 'turn-id': '1' })], { file })).exitCode).toBe(0);
    const [line] = readFileSync(file, 'utf8').split('\n');
    expect(parseHookLine('ffff0000', line!)).toEqual({ agent: 'ffff0000', state: 'idle', detail: null });
  });

  it('outside a tmuxcodex agent (no events file) it writes nothing and exits 0; an unwritable file is no error either', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-hook-'));
    expect((await runHook(['claude', 'tmuxcodex-hook=Stop'], { file: null, input: '{}' })).exitCode).toBe(0);
    const res = await runHook(['claude', 'tmuxcodex-hook=Stop'], { file: join(dir, 'no-such-folder', 'x.events'), input: '{}' });
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toBe('');
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});

describe('parseHookLine', () => {
  it('ignores lines of other programs and events that say nothing about the state', () => {
    expect(parseHookLine('x', 'gemini\tStop\t{}')).toBeNull();
    expect(parseHookLine('x', 'claude\tSessionStart\t')).toBeNull();
    expect(parseHookLine('x', '')).toBeNull();
    // A message cut short (over 4,000 bytes) still says waiting.
    expect(parseHookLine('x', 'claude\tNotification\t{"message":"ab')).toEqual({ agent: 'x', state: 'waiting', detail: null });
  });
});
