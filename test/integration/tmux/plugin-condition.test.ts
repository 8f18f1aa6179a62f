// The plugin's "is this pane an agent's?" check on a real tmux server: every agent id counts,
// including those that start with "0" (if-shell -F takes any value starting with "0" as false, so
// one agent in sixteen was "not an agent" to the M/S/P/x/f keys); a pane with no id does not. And on
// a tmux without popups (before 3.2) the keys open a window instead, which tmux accepts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmux } from '../../../src/tmux/command.js';
import { bindings, forAgent, hasPopups } from '../../../src/cli/commands/plugin.js';
import { parseTmuxVersion } from '../../../src/tmux/binary.js';
import { createTestServer } from '../../helpers/tmux-server.js';
import type { PaneId } from '../../../src/tmux/ids.js';

const ts = createTestServer('plugin-condition');
let pane: PaneId;

beforeAll(async () => {
  mkdirSync(dirname(ts.server.socketPath), { recursive: true, mode: 0o700 });
  pane = (await ts.tmux(tmux.raw('new-session', '-d', '-P', '-F', '#{pane_id}', '-s', 'cond', 'sleep 600'))).trim() as PaneId;
});

afterAll(async () => {
  await ts.dispose();
});

/** Runs forAgent on the pane (as a key binding would on the current pane) and says which branch ran. */
async function branchFor(id: string | null): Promise<'agent' | 'not an agent'> {
  await ts.tmux(id === null ? tmux.unsetPaneOption(pane, '@tmuxcodex-id') : tmux.setPaneOption(pane, '@tmuxcodex-id', id));
  await ts.tmux(tmux.setGlobalOption('@probe', 'not an agent'));
  // The "then" command marks the probe; the "else" one only shows a message.
  await ts.tmux(forAgent(tmux.setGlobalOption('@probe', 'agent')));
  return (await ts.tmux(tmux.showGlobalOption('@probe'))).trim() as 'agent' | 'not an agent';
}

describe('forAgent', () => {
  it('takes every agent id as an agent, also one that starts with 0 (ids are 8 hex digits)', async () => {
    for (const id of ['0eba4982', '00000000', '0f', '12345678', 'a1b2c3d4']) expect(await branchFor(id), id).toBe('agent');
  });

  it('takes a pane without an id as not an agent', async () => {
    expect(await branchFor(null)).toBe('not an agent');
  });
});

describe('a tmux without popups (before 3.2)', () => {
  it('is told apart by its version', () => {
    expect(hasPopups(parseTmuxVersion('tmux 3.1c'))).toBe(false);
    expect(hasPopups(parseTmuxVersion('tmux 2.9a'))).toBe(false);
    expect(hasPopups(parseTmuxVersion('tmux 3.2'))).toBe(true);
    expect(hasPopups(parseTmuxVersion('tmux 3.3a'))).toBe(true);
    expect(hasPopups(parseTmuxVersion('tmux next-3.5'))).toBe(true);
  });

  it('gets keys that open a window running the command instead of a popup; tmux accepts them', async () => {
    for (const b of bindings(false)) await ts.tmux(tmux.bindKey('tmuxcodex-nopopup', b.key, b.command));
    const keys = await ts.tmux(tmux.raw('list-keys', '-T', 'tmuxcodex-nopopup'));
    expect(keys).not.toContain('display-popup');
    const map = keys.split('\n').find((l) => /-T tmuxcodex-nopopup m /.test(l))!;
    expect(map).toMatch(/new-window -c "#\{pane_current_path\}" -n "tmuxcodex map" /);
    expect(map).toContain("map; printf");
    // With popups (tmux 3.2 and later) the same key opens a popup.
    expect(bindings(true).find((b) => b.key === 'm')!.command.words[0]).toBe('display-popup');
  });
});
