// The tmux plugin through a real client on a pty: tmux/tmuxcodex.tmux binds prefix + a; M on an
// agent's pane asks first (naming branch and target), then merges and tidies the agent away; on a
// pane that is not an agent's it says so and does nothing; ? lists the keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { startPty, type PtyRun } from '../helpers/pty.js';
import { tmux } from '../../src/tmux/command.js';
import { tmuxBinary } from '../../src/tmux/binary.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { PaneId } from '../../src/tmux/ids.js';

const PLUGIN = fileURLToPath(new URL('../../tmux/tmuxcodex.tmux', import.meta.url));
let ts: TestServer;
let repo: string;
let term: PtyRun;
let a1: AgentRecord;

/** The screen text as the pty received it, escape sequences dropped (enough to find words). */
const strip = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g, '');
const screen = () => strip(term.output());

/** Presses Enter in a result popup and waits until its shell has gone (a popup open on the client makes the next display-popup fail). */
async function closePopup(): Promise<void> {
  term.write('\r');
  const popupShells = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    // This server's popups: their environment's TMUX names its socket.
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('press Enter to close') && readFileSync(`/proc/${p}/environ`, 'utf8').includes(ts.socketName); } catch { return false; }
  });
  await waitFor(() => popupShells().length === 0, { timeoutMs: 5000, what: 'the popup to close' });
}

/** Waits until the terminal has shown text; on failure the error carries the screen's tail. */
async function shown(text: string, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => screen().includes(text), { timeoutMs, what }).catch((e: Error) => {
    throw new Error(`${e.message}\n--- screen tail ---\n${screen().slice(-1500)}`);
  });
}
/** The tty client's name (tmux's -c target). */
const clientName = async () => (await ts.tmux(tmux.listClients('#{client_control_mode} #{client_name}'))).split('\n').find((l) => l.startsWith('0 '))!.slice(2);

/**
 * Puts the client where a person starts from: no popup left over (one still closing takes the next
 * keys), the root key table (a press that went nowhere must not leave it half way).
 */
async function settle(): Promise<void> {
  const client = await clientName();
  await ts.tmux(tmux.raw('display-popup', '-C', '-c', client));
  await ts.tmux(tmux.raw('switch-client', '-c', client, '-T', 'root'));
}

/** Presses prefix + a, then waits until the client is in the tmuxcodex table (tmux runs the
 * switch-client of a binding after reading further keys already typed, as a person never is). */
async function prefixA(): Promise<void> {
  const inTable = async () => (await ts.tmux(tmux.listClients('#{client_control_mode} #{client_key_table}'))).split('\n').includes('0 tmuxcodex');
  for (let attempt = 1; attempt <= 3; attempt++) {
    await settle();
    term.write('\x02a');
    if (await waitFor(inTable, { timeoutMs: 5000, what: 'the tmuxcodex key table' }).then(() => true, () => false)) return;
  }
  throw new Error('prefix + a never entered the tmuxcodex key table');
}

/**
 * Presses prefix + a, then key, until effect holds. Under load a key can still meet a popup that is
 * closing or a redraw seen too late: the press is tried again from a settled client, with a deadline
 * long enough that a slow first press is not taken for a lost one.
 */
async function press(key: string, effect: (since: () => string) => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await prefixA();
    const mark = term.output().length;
    const since = () => strip(term.output().slice(mark));
    term.write(key);
    const done = await waitFor(() => effect(since), { timeoutMs: 8000, what }).then(() => true, (e: Error) => {
      if (attempt === 3) throw new Error(`${e.message} (3 presses of ${key})\n--- screen tail ---\n${screen().slice(-1500)}`);
      return false;
    });
    if (done) return;
    term.write('\x1b'); // closes a prompt that came too late (escape-time is 0: Escape is a key of its own)
  }
}

beforeAll(async () => {
  ts = createTestServer('plugin');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  await git(repo, ['config', 'user.name', 'Repo User'], ts.env);
  await git(repo, ['config', 'user.email', 'repo@example.com'], ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  // As many tmux.conf files set: an Escape typed by the test is never read as Meta with the next key.
  await ts.tmux(tmux.raw('set-option', '-s', 'escape-time', '0'));
  a1 = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'a1', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
  const wt = a1.worktree!.path;
  writeFileSync(join(wt, 'feature.txt'), 'the feature\n');
  await git(wt, ['add', 'feature.txt'], ts.env);
  await git(wt, ['commit', '-q', '-m', 'add the feature'], ts.env);
  // As tmux.conf's `run-shell .../tmuxcodex.tmux` would.
  await ts.tmux(tmux.runShell(PLUGIN));
  term = startPty(tmuxBinary(ts.env), ['-u', '-L', ts.socketName, 'attach-session', '-t', '=agents'], { cols: 140, rows: 40, cwd: repo, env: ts.env });
  await waitFor(async () => (await ts.tmux(tmux.listClients('#{client_control_mode}'))).split('\n').includes('0'), { timeoutMs: 10_000, what: 'the tty client' });
});

afterAll(async () => {
  term?.kill();
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('the tmux plugin', () => {
  it('binds prefix + a to the tmuxcodex key table', async () => {
    expect(await ts.tmux(tmux.raw('list-keys', '-T', 'prefix', 'a'))).toContain('switch-client -T tmuxcodex');
    const keys = await ts.tmux(tmux.raw('list-keys', '-T', 'tmuxcodex'));
    for (const k of ['M', 'S', 'P', 'x', 'm', 'l', '?']) expect(keys).toMatch(new RegExp(`-T tmuxcodex \\${k} `));
  });

  it('says a pane is not an agent\'s, and does nothing there', async () => {
    const sidebar = (await ts.tmux(tmux.listPanesInSession('agents', '#{pane_id} #{@tmuxcodex-role}'))).split('\n').find((l) => l.endsWith(' sidebar'))!.split(' ')[0]! as PaneId;
    await ts.tmux(tmux.selectPane(sidebar));
    await press('M', (since) => since().includes('this pane runs no agent'), 'the message');
    expect((await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.map((a) => a.name)).toEqual(['a1']);
  });

  it('asks before merging, naming branch and target; y merges and tidies the agent away', async () => {
    await ts.tmux(tmux.selectPane(a1.paneId!));
    await press('M', (since) => since().includes('Merge a1 into main (merge commit)'), 'the confirmation prompt');
    expect((await git(repo, ['log', '-1', '--format=%s', 'main'], ts.env)).trim()).toBe('initial'); // nothing yet
    term.write('y');
    await waitFor(async () => (await git(repo, ['log', '-1', '--format=%P', 'main'], ts.env)).trim().split(' ').length === 2, { timeoutMs: 15_000, what: 'the merge commit on main' });
    expect((await git(repo, ['show', 'main:feature.txt'], ts.env))).toBe('the feature');
    await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.length === 0, { timeoutMs: 10_000, what: 'a1 to be gone' });
    await shown('press Enter to close', 'the popup with the result');
    expect(screen()).toContain('merged a1 into main');
    await closePopup();
  });

  it('lists the keys with ?', async () => {
    await press('?', (since) => since().includes('squash-merge the agent'), 'the keys popup');
    await closePopup();
  });
});

describe('status segment, pane borders and jumping', () => {
  let b1: AgentRecord;
  let b2: AgentRecord;
  const clientPane = async () => (await ts.tmux(tmux.listClients('#{client_control_mode} #{pane_id}'))).split('\n').find((l) => l.startsWith('0 '))!.slice(2);

  it('the daemon keeps @tmuxcodex-status current and the plugin shows it in front of status-right', async () => {
    b1 = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'b1', '--cmd', 'exec sleep 600'], { cwd: repo });
    b2 = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'b2', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(await ts.tmux(tmux.showGlobalOption('status-right'))).toMatch(/^#\{\?@tmuxcodex-status,#\{@tmuxcodex-status\} \| ,\}/);
    await waitFor(async () => (await ts.tmux(tmux.showGlobalOption('@tmuxcodex-status'))).trim() === 'tmuxcodex: 2 running', { timeoutMs: 5000, what: 'the status option' });
    await shown('tmuxcodex: 2 running |', 'the status line');
    await shown(' b1  main  running ', 'b1\'s pane border');
    expect((await ts.tmux(tmux.showPaneOption(b1.paneId!, '@tmuxcodex-border'))).trim()).toBe('b1  main  running');
    expect((await ts.tmux(tmux.display(b1.paneId!, '#{pane-border-status}'))).trim()).toBe('top');
    expect((await cli(ts, ['status-segment'])).stdout.trim()).toBe('tmuxcodex: 2 running');
  });

  it('w jumps to the agent waiting for you, 1 to the oldest agent', async () => {
    // What Claude Code's Notification hook would report for b2.
    expect((await cli(ts, ['hook', 'claude', 'tmuxcodex-hook=Notification'], { env: { TMUXCODEX_AGENT_ID: b2.id } })).exitCode).toBe(0);
    await waitFor(async () => (await ts.tmux(tmux.showGlobalOption('@tmuxcodex-status'))).includes('1 waiting (b2)'), { timeoutMs: 5000, what: 'b2 waiting in the status' });
    await ts.tmux(tmux.selectPane(b1.paneId!));
    await press('w', async () => (await clientPane()) === b2.paneId, 'the client on b2');
    await press('1', async () => (await clientPane()) === b1.paneId, 'the client on b1');
  });
});

describe('folding the sidebar', () => {
  it('s folds the sidebar to one column, and s again brings it back', async () => {
    const sidebarWidth = async () => Number((await ts.tmux(tmux.listPanesInSession('agents', '#{@tmuxcodex-role} #{pane_width}'))).split('\n').find((l) => l.startsWith('sidebar '))!.split(' ')[1]);
    expect(await sidebarWidth()).toBe(30);
    await press('s', async () => (await sidebarWidth()) === 1, 'the sidebar folded');
    await press('s', async () => (await sidebarWidth()) === 30, 'the sidebar back');
  });
});

describe('spawning from the key binding, and a key the user took', () => {
  it('n opens a form in a popup; its answers spawn the agent', async () => {
    await press('n', (since) => since().includes('profile (claude, codex'), 'the form');
    for (const answer of ['shell', 'formed', 'shared', '', '']) {
      term.write(`${answer}\r`);
    }
    const a = await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((x) => x.name === 'formed'), { timeoutMs: 10_000, what: 'the agent from the form' }).catch((e: Error) => { throw new Error(`${e.message}\n${screen().slice(-1500)}`); });
    expect(a).toMatchObject({ profile: 'shell', worktree: { mode: 'shared' } });
    await shown('spawned formed', 'the spawn\'s answer in the popup');
    await closePopup();
  });

  it('leaves a prefix key the user bound to something else alone, and says why', async () => {
    const other = createTestServer('plugin-taken');
    try {
      await other.tmux(tmux.raw('new-session', '-d', '-s', 'x'));
      await other.tmux(tmux.raw('bind-key', '-T', 'prefix', 'a', 'display-message', 'mine'));
      const res = await cli(other, ['plugin']);
      expect(res.exitCode).toBe(2);
      expect(res.stderr).toContain('prefix + a is already bound');
      expect(res.stderr).toContain('@tmuxcodex-key');
      expect(await other.tmux(tmux.listKeys('prefix', 'a'))).toContain('display-message mine');
      // With another key chosen, it binds that one.
      await other.tmux(tmux.setGlobalOption('@tmuxcodex-key', 'C-t'));
      expect((await cli(other, ['plugin'])).exitCode).toBe(0);
      expect(await other.tmux(tmux.listKeys('prefix', 'C-t'))).toContain('switch-client -T tmuxcodex');
    } finally {
      await other.dispose();
    }
  });
});
