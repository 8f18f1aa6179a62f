// The fixes of "Fixes from review", each proved with real tmux and the built CLI: a session killed
// under detach-on-destroy off, `daemon stop` with a stopped client, an unwritable journal, a broken
// config, bad --session values, concurrent sends, a NUL byte, wait --timeout and --version, a zoomed
// window, a runtime folder that is a file, and daemons racing over a stale lock. Every wait is a
// deadline on an observable fact, never a fixed sleep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { execa } from 'execa';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, CLI, FAKE_AGENT } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { isRunning, withDeadline } from '../helpers/proc.js';
import { tmux } from '../../src/tmux/command.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { userConfigPath } from '../../src/config/load.js';
import { VERSION } from '../../src/version.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { DaemonStatus } from '../../src/daemon/protocol.js';
import { slack } from '../helpers/slack.js';
import type { PaneId, WindowId } from '../../src/tmux/ids.js';

// ---- small readers of tmux and daemon state ---------------------------------------------------

async function agents(ts: TestServer, cwd?: string): Promise<AgentRecord[]> {
  return (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd })).agents;
}

async function agent(ts: TestServer, name: string): Promise<AgentRecord | undefined> {
  return (await agents(ts)).find((a) => a.name === name);
}

async function status(ts: TestServer): Promise<DaemonStatus> {
  return cliJson<DaemonStatus>(ts, ['daemon', 'status']);
}

async function lines(ts: TestServer, command: Parameters<TestServer['tmux']>[0]): Promise<string[]> {
  return (await ts.tmux(command)).split('\n').filter(Boolean);
}

async function sessions(ts: TestServer): Promise<string[]> {
  return lines(ts, tmux.listSessions('#{session_name}'));
}

/** Every pane and every window on the server, to prove that nothing was created. */
async function paneAndWindowIds(ts: TestServer): Promise<{ panes: string[]; windows: string[] }> {
  return {
    panes: await lines(ts, tmux.listAllPanes('#{pane_id}')),
    windows: await lines(ts, tmux.raw('list-windows', '-a', '-F', '#{window_id}')),
  };
}

async function controlClients(ts: TestServer): Promise<{ pid: number; session: string }[]> {
  return (await lines(ts, tmux.listClients('#{client_pid}|#{client_control_mode}|#{client_session}')))
    .map((l) => l.split('|')).filter((f) => f[1] === '1').map((f) => ({ pid: Number(f[0]), session: f[2] ?? '' }));
}

/** Live processes running the daemon program for this test server (by their argv in /proc). */
function daemonPids(ts: TestServer): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.some((a) => a.endsWith('tmuxcodexd.js')) && argv.includes(ts.socketName) && isRunning(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

interface PaneRow { pane: PaneId; width: number; role: string }

async function windowPanes(ts: TestServer, windowId: WindowId): Promise<PaneRow[]> {
  return (await lines(ts, tmux.listPanesOfWindow(windowId, '#{pane_id}|#{pane_width}|#{@tmuxcodex-role}'))).map((l) => {
    const [pane, width, role] = l.split('|');
    return { pane: pane! as PaneId, width: Number(width), role: role ?? '' };
  });
}

async function windowFormat(ts: TestServer, windowId: string, format: string): Promise<string> {
  return (await ts.tmux(tmux.display(windowId, format))).trim();
}

/** The window's sidebar is 30 columns wide and the agent pane has the rest. */
async function sidebarIs30(ts: TestServer, windowId: WindowId): Promise<boolean> {
  const width = Number(await windowFormat(ts, windowId, '#{window_width}'));
  const ps = await windowPanes(ts, windowId);
  return ps.length === 2 && ps[0]!.role === 'sidebar' && ps[0]!.width === 30 && ps[1]!.width === width - 31;
}

async function spawnAgent(ts: TestServer, repo: string, args: readonly string[]): Promise<AgentRecord> {
  return cliJson<AgentRecord>(ts, ['spawn', ...args], { cwd: repo });
}

async function screenOf(ts: TestServer, name: string): Promise<string> {
  const res = await cli(ts, ['capture', name]);
  if (res.exitCode !== 0) throw new Error(`capture ${name} exited ${res.exitCode}: ${res.stderr}`);
  return res.stdout;
}

/** Spawns the fake agent under name (after `prefix`, a shell command) and waits for its banner. */
async function spawnFake(ts: TestServer, repo: string, name: string, prefix = ''): Promise<AgentRecord> {
  const a = await spawnAgent(ts, repo, ['--name', name, '--cmd', `${prefix}node ${FAKE_AGENT}`]);
  await waitFor(async () => (await screenOf(ts, name)).includes('fake-agent ready'), { what: `${name}'s banner` });
  return a;
}

const elapsed = async <T>(p: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const v = await p();
  return [v, Date.now() - t0];
};

const NO_STACK = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

// ---- one server with a running daemon -----------------------------------------------------------

describe('a running daemon: sessions, sends, NUL, wait, zoom, journal, a lost session, races, stop', () => {
  let ts: TestServer;
  let repo: string;

  beforeAll(async () => {
    ts = createTestServer('robust');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
    // One agent per window, so the zoom test has two managed windows; a profile that takes a task.
    const config = userConfigPath(ts.env);
    mkdirSync(join(config, '..'), { recursive: true });
    writeFileSync(config, [
      'layout:',
      '  maxAgentsPerWindow: 1',
      'profiles:',
      '  echoer:',
      `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}]`,
      '    taskArgs: []',
      '',
    ].join('\n'));
    const up = await cli(ts, ['up', '--detached'], { cwd: repo });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  it('--session a.b and --session -x against a daemon of "agents": exit 2, no session created', async () => {
    const before = await sessions(ts);
    const dotted = await cli(ts, ['up', '--detached', '--session', 'a.b'], { cwd: repo });
    expect(dotted.exitCode).toBe(2);
    expect(dotted.stderr).toMatch(/Session name "a\.b" is not allowed/);
    // tmux would have turned "a.b" into "a_b".
    expect(await sessions(ts)).toEqual(before);
    expect(before).not.toContain('a_b');

    // "-x" is read as the value of --session, not as an option; this daemon manages "agents".
    const dashed = await cli(ts, ['up', '--detached', '--session', '-x'], { cwd: repo });
    expect(dashed.exitCode).toBe(2);
    expect(dashed.stderr).toMatch(/manages the session "agents", not "-x"/);
    expect(await sessions(ts)).toEqual(before);
  });

  describe('a NUL byte in a task file: exit 2, a message naming NUL, nothing created', () => {
    let taskFile: string;
    beforeAll(() => {
      taskFile = join(ts.root, 'task-with-nul.txt');
      writeFileSync(taskFile, 'fix the bug\0and more\n');
    });

    async function expectRefusedWithNothingCreated(args: readonly string[]): Promise<void> {
      const before = await paneAndWindowIds(ts);
      const agentsBefore = (await agents(ts)).map((a) => a.name);
      const res = await cli(ts, ['spawn', ...args, '--task-file', taskFile], { cwd: repo });
      expect(res.exitCode, res.stdout + res.stderr).toBe(2);
      expect(res.stderr).toMatch(/NUL/);
      expect(res.stderr).not.toMatch(NO_STACK);
      expect(await paneAndWindowIds(ts)).toEqual(before);
      expect((await agents(ts)).map((a) => a.name)).toEqual(agentsBefore);
    }

    it('a profile that passes the task as an argument, with room in a window', async () => {
      await expectRefusedWithNothingCreated(['echoer', '--name', 'nul1']);
    });

    it('a profile that passes the task as an argument, when every window is full', async () => {
      // One agent per window: the filler takes the first window's only slot, so the spawn needs a new one.
      await spawnAgent(ts, repo, ['shell', '--name', 'filler']);
      await expectRefusedWithNothingCreated(['echoer', '--name', 'nul2']);
    });

    it('spawn shell (a profile that does not take a task)', async () => {
      await expectRefusedWithNothingCreated(['shell', '--name', 'nul3']);
    });
  });

  it('two concurrent sends to one agent arrive as two lines, never interleaved', async () => {
    // The terminal does not echo input, so the screen shows only what the agent read and printed.
    await spawnFake(ts, repo, 'f1', 'stty -echo; ');
    const [a, b] = await Promise.all([cli(ts, ['send', 'f1', 'AAA']), cli(ts, ['send', 'f1', 'BBB'])]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const echoed = (s: string) => s.split('\n').map((l) => l.replace(/^> /, '')).filter((l) => l.startsWith('echo: '));
    const screen = await waitFor(async () => {
      const s = await screenOf(ts, 'f1');
      return echoed(s).length >= 2 ? s : null;
    }, { what: 'two echoes' });
    expect(screen).not.toMatch(/AAABBB|BBBAAA/);
    expect(echoed(screen).sort()).toEqual(['echo: AAA', 'echo: BBB']);
  });

  it('wait --timeout beyond what a Node timer holds is a usage error; --version prints the version', async () => {
    // Over 2^31-1 ms a Node timer fires at once: a running agent would seem to time out immediately.
    expect((await agent(ts, 'f1'))?.state).toBe('running');
    const [res, took] = await elapsed(() => cli(ts, ['wait', 'f1', '--exit', '--timeout', '3000000']));
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/--timeout needs a number of seconds from 0 to 2147483/);
    expect(res.stdout).toBe('');
    expect(took).toBeLessThan(slack(5000));

    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    for (const flag of ['--version', '-V']) {
      const v = await execa(process.execPath, [CLI, flag], { env: ts.env, extendEnv: false, reject: false, cwd: repo });
      expect(v.exitCode, String(v.stderr)).toBe(0);
      expect(String(v.stdout)).toBe(pkg.version);
      expect(String(v.stderr)).toBe('');
    }
  });

  it('a zoomed window stays zoomed when it is resized; the layout is fixed once it is unzoomed', async () => {
    const z1 = await spawnAgent(ts, repo, ['shell', '--name', 'z1']);
    const z2 = await spawnAgent(ts, repo, ['shell', '--name', 'z2']);
    expect(z1.windowId).not.toBe(z2.windowId);
    const w1 = z1.windowId!;
    const w2 = z2.windowId!;
    await waitFor(async () => (await sidebarIs30(ts, w1)) && (await sidebarIs30(ts, w2)), { what: 'both windows laid out' });

    await ts.tmux(tmux.raw('resize-pane', '-Z', '-t', z1.paneId!));
    expect(await windowFormat(ts, w1, '#{window_zoomed_flag}')).toBe('1');
    const width = Number(await windowFormat(ts, w1, '#{window_width}'));
    await ts.tmux(tmux.resizeWindow(w1, width - 40, 40));
    expect(await windowFormat(ts, w1, '#{window_zoomed_flag} #{window_width}')).toBe(`1 ${width - 40}`);

    // A barrier: the daemon handles %layout-change in order, so once it has fixed w2 (resized
    // after w1), it has also acted on w1's change; a select-layout there would have unzoomed it.
    await ts.tmux(tmux.resizeWindow(w2, width - 40, 40));
    await waitFor(() => sidebarIs30(ts, w2), { what: 'the daemon to re-lay the unzoomed window' });
    expect(await windowFormat(ts, w1, '#{window_zoomed_flag}')).toBe('1');
    expect((await windowPanes(ts, w1)).find((p) => p.pane === z1.paneId)?.width).toBe(width - 40);

    await ts.tmux(tmux.raw('resize-pane', '-Z', '-t', z1.paneId!));
    await waitFor(async () => (await windowFormat(ts, w1, '#{window_zoomed_flag}')) === '0' && (await sidebarIs30(ts, w1)), { what: 'the unzoomed window re-laid with a 30-column sidebar' });
  });

  it('a journal that cannot be written is logged once and shown by list, daemon status, the sidebar and resurrect; the daemon keeps running and tracking agents', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const pid = (await status(ts)).pid;
    const a = await spawnFake(ts, repo, 'j1');
    expect(statSync(paths.journal).isFile()).toBe(true);
    rmSync(paths.journal);
    mkdirSync(paths.journal);
    const sidebarPane = (await windowPanes(ts, a.windowId!)).find((p) => p.role === 'sidebar')!.pane;
    const problem = `the journal ${paths.journal} cannot be written (a folder is in its place: EISDIR)`;
    try {
      expect((await cli(ts, ['send', 'j1', 'exit 5'])).exitCode).toBe(0);
      await waitFor(async () => { const x = await agent(ts, 'j1'); return x?.state === 'exited' && x.exitCode === 5; }, { what: 'j1 exited with 5' });
      await waitFor(() => readFileSync(paths.log, 'utf8').includes(problem), { what: 'the journal failure in the log' });
      const st = await status(ts);
      expect(st).toMatchObject({ running: true, pid, tmux: { connected: true } });
      expect(st.notices.some((n) => n.startsWith(problem))).toBe(true);
      const listed = await cli(ts, ['list']);
      expect(listed.exitCode).toBe(0);
      expect(listed.stderr).toContain(`notice: ${problem}`);
      expect((await cliJson<{ notices?: string[] }>(ts, ['list'])).notices?.some((n) => n.startsWith(problem))).toBe(true);
      await waitFor(async () => (await ts.tmux(tmux.capturePane(sidebarPane, 0))).includes('journal cannot be written'), { what: 'the sidebar showing the journal problem' });
      // resurrect says why it may bring back less than there was, and fails when it brings back nothing.
      const res = await cli(ts, ['resurrect'], { cwd: repo });
      expect(res.stderr).toContain(`notice: ${problem}`);
      expect(res.exitCode).toBe(1);
      expect(isRunning(pid)).toBe(true);
      // Said once in the log, not three times a second while the daemon keeps writing.
      expect(readFileSync(paths.log, 'utf8').split(problem).length - 1).toBe(1);
    } finally {
      rmSync(paths.journal, { recursive: true, force: true });
    }
    // Writable again: written within the retry time without any change, and no longer shown.
    await waitFor(() => { try { return statSync(paths.journal).isFile(); } catch { return false; } }, { timeoutMs: 10_000, what: 'the journal written again' });
    expect((await status(ts)).notices.some((n) => n.includes('cannot be written'))).toBe(false);
    await waitFor(async () => !(await ts.tmux(tmux.capturePane(sidebarPane, 0))).includes('journal cannot be written'), { what: 'the sidebar warning gone' });
    expect((await cli(ts, ['kill', 'j1'])).exitCode).toBe(0);
    const journal = await waitFor(() => { try { const j = JSON.parse(readFileSync(paths.journal, 'utf8')) as { agents: AgentRecord[] }; return j.agents.some((x) => x.name === 'j1') ? null : j; } catch { return null; } }, { what: 'the journal without j1' });
    expect(journal.agents.map((x) => x.id).sort()).toEqual((await agents(ts)).map((x) => x.id).sort());
  });

  it('detach-on-destroy off: a killed agents session shows its agents gone; up brings it back to the same daemon', async () => {
    const pid = (await status(ts)).pid;
    await ts.tmux(tmux.setGlobalOption('detach-on-destroy', 'off'));
    try {
      await ts.tmux(tmux.newSession({ session: 'work', windowName: 'work', cwd: repo, width: 120, height: 40, format: '#{session_id}' }));
      const d1 = await spawnAgent(ts, repo, ['shell', '--name', 'd1']);
      const d2 = await spawnAgent(ts, repo, ['shell', '--name', 'd2']);
      await ts.tmux(tmux.killSession('agents'));
      await waitFor(async () => {
        const list = await agents(ts);
        return [d1.id, d2.id].every((id) => list.find((a) => a.id === id)?.state === 'gone') && list.every((a) => a.state === 'gone');
      }, { what: 'the agents of the killed session reported gone' });
      await waitFor(async () => (await status(ts)).tmux.connected === false, { what: 'the daemon to detach' });
      expect(await controlClients(ts)).toEqual([]); // not left watching "work"
      expect(await sessions(ts)).toEqual(['work']);

      const up = await cli(ts, ['up', '--detached'], { cwd: repo });
      expect(up.exitCode, up.stderr).toBe(0);
      expect(await status(ts)).toMatchObject({ pid, tmux: { connected: true } });
      await waitFor(async () => { const c = await controlClients(ts); return c.length === 1 && c[0]!.session === 'agents'; }, { what: 'one control client, on agents' });

      const e7 = await spawnAgent(ts, repo, ['--name', 'e7', '--cmd', 'sleep 0.5; exit 7']);
      expect(e7.state).toBe('running');
      await waitFor(async () => { const a = await agent(ts, 'e7'); return a?.state === 'exited' && a.exitCode === 7; }, { timeoutMs: 6000, what: 'e7 exited with 7' });
      expect((await status(ts)).pid).toBe(pid);
    } finally {
      await ts.tmux(tmux.setGlobalOption('detach-on-destroy', 'on'));
    }
  });

  it('after kill -9 of the daemon, six commands at once start exactly one new daemon', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const old = (await status(ts)).pid;
    expect(daemonPids(ts)).toEqual([old]);
    const before = (await agents(ts)).map((a) => [a.id, a.name, a.state]);
    process.kill(old, 'SIGKILL');
    await waitFor(() => !isRunning(old), { what: 'the daemon dead' });
    expect(Number(readFileSync(paths.lock, 'utf8'))).toBe(old); // a stale lock is left behind

    const results = await Promise.all(Array.from({ length: 6 }, () => cli(ts, ['list', '--json'])));
    for (const r of results) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { agents: AgentRecord[] }).agents.map((a) => [a.id, a.name, a.state])).toEqual(before);
    }
    const [pid] = await waitFor(() => { const p = daemonPids(ts); return p.length === 1 ? p : null; }, { what: `exactly one daemon (now ${daemonPids(ts).join(', ')})` });
    expect(pid).not.toBe(old);
    expect(Number(readFileSync(paths.lock, 'utf8'))).toBe(pid);
    expect((await status(ts)).pid).toBe(pid);
    await waitFor(async () => (await controlClients(ts)).length === 1, { what: 'exactly one control client' });
    expect(daemonPids(ts)).toEqual([pid]);
  });

  it('daemon stop does not hang on a stopped (Ctrl-Z) events client', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const pid = (await status(ts)).pid;
    const child: ChildProcess = spawn(process.execPath, [CLI, '-L', ts.socketName, 'events', '--follow', '--json'], { cwd: repo, env: ts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const events: string[] = [];
    child.stderr!.resume();
    createInterface({ input: child.stdout! }).on('line', (l) => events.push(l));
    try {
      await waitFor(() => events.length > 0, { timeoutMs: 10_000, what: 'the events snapshot' });
      process.kill(child.pid!, 'SIGSTOP');
      const [res, took] = await elapsed(() => cli(ts, ['daemon', 'stop']));
      expect(res.exitCode, res.stderr).toBe(0);
      expect(took).toBeLessThan(slack(4000)); // with isRunning below: the daemon did not wait for the stopped client
      expect(isRunning(pid)).toBe(false);
      expect(daemonPids(ts)).toEqual([]);
      for (const p of [paths.lock, paths.token, paths.socket]) expect(existsSync(p), p).toBe(false);
    } finally {
      process.kill(child.pid!, 'SIGCONT');
      child.kill();
      await withDeadline(exited, 5000, 'the events client to exit');
    }
  });
});

// ---- start-up errors, with no daemon running ------------------------------------------------------

describe('start-up errors: a broken config, a runtime folder that is a file', () => {
  let ts: TestServer;

  beforeAll(() => {
    ts = createTestServer('startup');
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  it('a broken config.yaml: the daemon runs on the defaults (issue 9), and list says what is wrong with it, naming file:line:col and the rule', async () => {
    const config = userConfigPath(ts.env);
    mkdirSync(join(config, '..'), { recursive: true });
    writeFileSync(config, 'session: agents\nlayout:\n  sidebarWidth: 5\n');
    try {
      // Started outright: with no agents anywhere, list alone no longer starts a daemon (issue 13).
      expect((await cli(ts, ['daemon', 'start'])).exitCode).toBe(0);
      const [res, took] = await elapsed(() => cli(ts, ['list']));
      expect(res.exitCode, res.stderr).toBe(0);
      expect(took).toBeLessThan(slack(5000));
      expect(res.stderr).toContain(`${config}:3:17: sidebarWidth must be a whole number from 10 to 120`);
      expect(res.stderr).toContain('runs with the defaults');
      expect(res.stderr).not.toMatch(NO_STACK);
      // Commands that read the config refuse it.
      const spawn = await cli(ts, ['spawn', '--name', 'x', '--cmd', 'true']);
      expect(spawn.exitCode).toBe(2);
      expect(spawn.stderr).toContain(`${config}:3:17`);
    } finally {
      rmSync(config, { force: true });
      await cli(ts, ['daemon', 'stop']);
    }
    expect(daemonPids(ts)).toEqual([]);
  });

  it.each([
    // XDG_RUNTIME_DIR itself is a file: the daemon's folder would be <file>/tmuxcodex.
    ['XDG_RUNTIME_DIR is a regular file', (root: string) => {
      const file = join(root, 'runtime-file');
      writeFileSync(file, 'just a file\n');
      return { runtime: file, used: join(file, 'tmuxcodex') };
    }],
    // The daemon's folder inside XDG_RUNTIME_DIR is a file.
    ['$XDG_RUNTIME_DIR/tmuxcodex is a regular file', (root: string) => {
      const runtime = join(root, 'runtime-dir');
      mkdirSync(runtime, { recursive: true, mode: 0o700 });
      writeFileSync(join(runtime, 'tmuxcodex'), 'just a file\n');
      return { runtime, used: join(runtime, 'tmuxcodex') };
    }],
  ])('%s: list exits 2 with a clear message, no stack trace', async (_label, setup) => {
    const { runtime, used } = setup(ts.root);
    const res = await cli(ts, ['list'], { env: { XDG_RUNTIME_DIR: runtime } });
    expect(res.exitCode, res.stderr).toBe(2);
    expect(res.stderr).toContain(`Cannot use ${used} for the daemon's socket`);
    expect(res.stderr).toMatch(/XDG_RUNTIME_DIR/);
    expect(res.stderr).not.toMatch(NO_STACK);
    expect(res.stdout).toBe('');
    expect(daemonPids(ts)).toEqual([]);
  });
});

// ---- --session=NAME reaches the daemon intact ---------------------------------------------------------

describe('--session on a server without a daemon', () => {
  let ts: TestServer;
  let repo: string;

  beforeAll(async () => {
    ts = createTestServer('session');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
    // A running server with an unrelated session, so that list-sessions can show what was created.
    await ts.tmux(tmux.newSession({ session: 'keep', windowName: 'keep', cwd: repo, width: 80, height: 24, format: '#{session_id}' }));
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  it('--session a.b is refused by the CLI: exit 2, no daemon started, no session a_b', async () => {
    const res = await cli(ts, ['up', '--detached', '--session', 'a.b'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/Session name "a\.b" is not allowed/);
    expect(res.stderr).not.toMatch(NO_STACK);
    expect(await sessions(ts)).toEqual(['keep']);
    expect(daemonPids(ts)).toEqual([]);
  });

  it('--session -x is passed to the new daemon as --session=-x, not read as an option (which made it die)', async () => {
    const [res, took] = await elapsed(() => cli(ts, ['up', '--detached', '--session', '-x'], { cwd: repo }));
    expect(res.exitCode, res.stderr).toBe(0);
    expect(took).toBeLessThan(slack(5000));
    expect((await sessions(ts)).sort()).toEqual(['-x', 'keep']);
    expect(await status(ts)).toMatchObject({ session: '-x', tmux: { connected: true } });
  });
});
