// The daemon's and the person's life around the agents session, with real tmux and the built CLI:
// attaching from a terminal (a pty, as an SSH login), focus from inside tmux, stale control
// clients, a tmux server restart, SIGTERM, the event stream, status/stop, a daemon of another
// version, and `wait`. Every wait is a deadline on an observable fact, never a fixed sleep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, CLI, FAKE_AGENT } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { startPty, type PtyRun } from '../helpers/pty.js';
import { deadPid, isRunning, parentPid, withDeadline } from '../helpers/proc.js';
import { tmux } from '../../src/tmux/command.js';
import { tmuxBinary } from '../../src/tmux/binary.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { CONTROL_OWNER_ENV } from '../../src/tmux/control/connection.js';
import { VERSION } from '../../src/version.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { DaemonStatus } from '../../src/daemon/protocol.js';
import { slack } from '../helpers/slack.js';
import type { PaneId } from '../../src/tmux/ids.js';

// ---- small readers of tmux and daemon state ---------------------------------------------------

interface ClientInfo { pid: number; control: boolean; session: string; readonly: boolean; pane: string }

async function clients(ts: TestServer): Promise<ClientInfo[]> {
  const out = await ts.tmux(tmux.listClients('#{client_pid}|#{client_control_mode}|#{client_session}|#{client_readonly}|#{pane_id}')).catch(() => '');
  return out.split('\n').filter(Boolean).map((l) => {
    const [pid, control, session, ro, pane] = l.split('|');
    return { pid: Number(pid), control: control === '1', session: session ?? '', readonly: ro === '1', pane: pane ?? '' };
  });
}

const ttyClients = async (ts: TestServer) => (await clients(ts)).filter((c) => !c.control);
const controlClients = async (ts: TestServer) => (await clients(ts)).filter((c) => c.control);

interface PaneRow { window: string; pane: string; index: number; width: number; height: number; role: string; name: string; dead: boolean }

async function panes(ts: TestServer, session = 'agents'): Promise<PaneRow[]> {
  const out = await ts.tmux(tmux.listPanesInSession(session, '#{window_id}|#{pane_id}|#{pane_index}|#{pane_width}|#{pane_height}|#{@tmuxcodex-role}|#{@tmuxcodex-name}|#{pane_dead}'));
  return out.trim().split('\n').map((l) => {
    const [window, pane, index, width, height, role, name, dead] = l.split('|');
    return { window: window!, pane: pane!, index: Number(index), width: Number(width), height: Number(height), role: role ?? '', name: name ?? '', dead: dead === '1' };
  });
}

async function windowSize(ts: TestServer, windowId: string): Promise<{ width: number; height: number }> {
  const [w, h] = (await ts.tmux(tmux.display(windowId, '#{window_width} #{window_height}'))).trim().split(' ');
  return { width: Number(w), height: Number(h) };
}

/** Every managed window has its sidebar at index 0, 30 columns wide; agent panes fill the rest. */
async function sidebarsAre30(ts: TestServer): Promise<boolean> {
  const ps = await panes(ts);
  const sidebars = ps.filter((p) => p.role === 'sidebar');
  return sidebars.length > 0 && sidebars.every((p) => p.index === 0 && p.width === 30);
}

async function agents(ts: TestServer, cwd?: string): Promise<AgentRecord[]> {
  return (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd })).agents;
}

async function status(ts: TestServer): Promise<DaemonStatus> {
  return cliJson<DaemonStatus>(ts, ['daemon', 'status']);
}

/** The owner pid a tmuxcodex control client carries in its environment. */
function controlOwnerOf(pid: number): number | null {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith(`${CONTROL_OWNER_ENV}=`));
    return entry ? Number(entry.slice(CONTROL_OWNER_ENV.length + 1)) : null;
  } catch {
    return null;
  }
}

/** Single-quotes a word for /bin/sh. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pty of 160x45 (an SSH login's terminal). */
function cliOnPty(ts: TestServer, args: readonly string[], cwd: string): PtyRun {
  return startPty(process.execPath, [CLI, '-L', ts.socketName, ...args], { cols: 160, rows: 45, cwd, env: ts.env });
}

/** The one tty client of ts, once it is attached (the one the pty started). */
async function attachedTtyClient(ts: TestServer, term: PtyRun): Promise<ClientInfo> {
  return waitFor(async () => {
    if (term.hasExited()) throw new Error(`the pty program exited early; it printed:\n${term.output()}`);
    const tty = await ttyClients(ts);
    return tty.length === 1 ? tty[0] : null;
  }, { timeoutMs: 10_000, what: 'a tty client in list-clients' });
}

/** Presses C-b d and expects the pty program to exit 0 within a deadline. */
async function detachAndExit(ts: TestServer, term: PtyRun): Promise<void> {
  term.write('\x02d');
  const exit = await withDeadline(term.exited, 5000, 'the attached CLI to exit after C-b d');
  expect(exit.exitCode, term.output()).toBe(0);
  expect(term.output()).toMatch(/\[detached/);
  expect(await ttyClients(ts)).toEqual([]);
}

// ---- 1 and 3: attaching from a terminal, and focus from inside tmux ---------------------------

describe('attach from a terminal (an SSH login) and focus from inside tmux', () => {
  let ts: TestServer;
  let repo: string;

  beforeAll(async () => {
    ts = createTestServer('attach');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
    expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
    for (const n of ['a1', 'a2']) expect((await cli(ts, ['spawn', 'shell', '--name', n], { cwd: repo })).exitCode).toBe(0);
    await waitFor(() => sidebarsAre30(ts), { what: 'sidebar at 30 columns' });
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  it('attach puts a tty client on the agents session, the window takes the terminal size, the sidebar stays 30; C-b d exits 0', async () => {
    const window = (await panes(ts))[0]!.window;
    expect(await windowSize(ts, window)).toEqual({ width: 200, height: 50 }); // as `up --detached` made it
    const term = cliOnPty(ts, ['attach'], repo);
    try {
      const client = await attachedTtyClient(ts, term);
      expect(client).toMatchObject({ session: 'agents', readonly: false, control: false });
      // The tmux client is the CLI's child on this pty, not some other client.
      expect(parentPid(client.pid)).toBe(term.pid);
      // 160x45 terminal minus the status line.
      await waitFor(async () => { const s = await windowSize(ts, window); return s.width === 160 && s.height === 44; }, { what: 'window resized to 160x44' });
      // The daemon re-lays the window on the resize: sidebar 30 wide, the two agents share the rest;
      // each pane is 43 rows, the 44th being its border line (pane-border-status top).
      await waitFor(async () => {
        const ps = await panes(ts);
        const side = ps.find((p) => p.role === 'sidebar');
        const rest = ps.filter((p) => p.role !== 'sidebar');
        return side?.width === 30 && side.height === 43 && rest.length === 2 && rest.reduce((n, p) => n + p.width + 1, 0) === 160 - 30;
      }, { what: 'sidebar 30 columns at 160x44' });
      await detachAndExit(ts, term);
    } finally {
      term.kill();
    }
  });

  it('attach --readonly gives a read-only client', async () => {
    const term = cliOnPty(ts, ['attach', '--readonly'], repo);
    try {
      const client = await attachedTtyClient(ts, term);
      expect(client).toMatchObject({ session: 'agents', readonly: true });
      await detachAndExit(ts, term);
    } finally {
      term.kill();
    }
  });

  it('focus run in a pane of the same server switches that client to the agent and makes its pane active', async () => {
    const a1 = (await agents(ts, repo)).find((a) => a.name === 'a1')!;
    const daemonPid = (await status(ts)).pid;
    // A second session with a shell, as a person's own work session on the same server.
    const workPane = (await ts.tmux(tmux.newSession({ session: 'work', windowName: 'work', cwd: repo, width: 120, height: 40, format: '#{pane_id}' }))).trim() as PaneId;
    // Another (unmanaged) window becomes current in the agents session; the sidebar is a1's window's active pane.
    await ts.tmux(tmux.raw('new-window', '-t', '=agents:', '-n', 'other'));
    expect((await ts.tmux(tmux.display(a1.paneId!, '#{pane_active} #{window_active}'))).trim()).toBe('0 0');

    const term = startPty(tmuxBinary(ts.env), ['-u', '-L', ts.socketName, 'attach-session', '-t', '=work'], { cols: 120, rows: 41, cwd: repo, env: ts.env });
    try {
      const client = await attachedTtyClient(ts, term);
      expect(client.session).toBe('work');
      const rcFile = join(ts.root, 'focus.rc');
      const outFile = join(ts.root, 'focus.out');
      // No -L: the CLI finds the server through the $TMUX tmux set in the pane.
      await ts.tmux(tmux.sendText(workPane, `${sh(process.execPath)} ${sh(CLI)} focus a1 >${sh(outFile)} 2>&1; echo $? >${sh(rcFile)}`));
      await ts.tmux(tmux.sendEnter(workPane));
      const rc = await waitFor(() => { try { const t = readFileSync(rcFile, 'utf8'); return t.endsWith('\n') ? t.trim() : null; } catch { return null; } }, { timeoutMs: 10_000, what: 'focus to finish in the pane' });
      expect(rc, readFileSync(outFile, 'utf8')).toBe('0');

      const moved = (await ttyClients(ts)).find((c) => c.pid === client.pid);
      expect(moved).toMatchObject({ session: 'agents', pane: a1.paneId });
      expect((await ts.tmux(tmux.display(a1.paneId!, '#{pane_active} #{window_active}'))).trim()).toBe('1 1');
      // The CLI in the pane reached the same daemon: no second daemon, no second control client.
      expect((await status(ts)).pid).toBe(daemonPid);
      expect(await controlClients(ts)).toHaveLength(1);
    } finally {
      term.kill();
    }
  });
});

// ---- 1: `up` on a terminal ----------------------------------------------------------------------

describe('up on a terminal', () => {
  let ts: TestServer;
  let repo: string;

  beforeAll(async () => {
    ts = createTestServer('uptty');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  it('creates the session at the terminal size and attaches in one go', async () => {
    const term = cliOnPty(ts, ['up'], repo);
    try {
      const client = await attachedTtyClient(ts, term);
      expect(client).toMatchObject({ session: 'agents', readonly: false });
      expect(parentPid(client.pid)).toBe(term.pid);
      const ps = await panes(ts);
      expect(ps).toHaveLength(1);
      expect(ps[0]).toMatchObject({ index: 0, role: 'sidebar' });
      expect(await windowSize(ts, ps[0]!.window)).toEqual({ width: 160, height: 44 });
      await detachAndExit(ts, term);
      // Detaching leaves the session and the daemon in place.
      expect((await status(ts)).tmux.connected).toBe(true);
    } finally {
      term.kill();
    }
  });
});

// ---- 2: attach / up without a terminal -----------------------------------------------------------

describe('attach and up without a terminal', () => {
  let ts: TestServer;
  let repo: string;

  beforeAll(async () => {
    ts = createTestServer('notty');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  const sessionExists = async () => (await ts.tmux(tmux.hasSession('agents')).then(() => true, () => false));

  // Runs first, on a server with no session yet. Exit 2 is "bad input": like every other usage
  // error it must leave nothing behind (`ssh host tmuxcodex up` without -t should not half-start).
  it('fails before creating anything: no agents session', async () => {
    const created: Record<string, boolean> = {};
    for (const command of ['attach', 'up']) {
      expect((await cli(ts, [command], { cwd: repo })).exitCode).toBe(2);
      created[command] = await sessionExists();
      await ts.tmux(tmux.killServer()).catch(() => {});
    }
    expect(created).toEqual({ attach: false, up: false });
  });

  it.each([['attach'], ['up']])('%s: exit 2 and a message naming --detached', async (command) => {
    const res = await cli(ts, [command], { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/needs a terminal/);
    expect(res.stderr).toMatch(/up --detached/);
    expect(res.stdout).toBe('');
  });
});

// ---- 4, 6, 7, 8, 9, 10: the daemon's life ---------------------------------------------------------

describe('the daemon: status, events, wait, SIGTERM, stale control clients, stop, another version', () => {
  let ts: TestServer;
  let repo: string;

  beforeAll(async () => {
    ts = createTestServer('daemon');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
    expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
    expect((await cli(ts, ['spawn', '--name', 'fake', '--cmd', `node ${FAKE_AGENT}`], { cwd: repo })).exitCode).toBe(0);
    expect((await cli(ts, ['spawn', 'shell', '--name', 'sh1'], { cwd: repo })).exitCode).toBe(0);
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  it('daemon status --json has the documented shape', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const st = await status(ts);
    expect(st).toMatchObject({ running: true, socket: paths.socket, version: VERSION, tmux: { socket: ts.server.socketPath } });
    expect(Number.isInteger(st.pid)).toBe(true);
    expect(st.pid).toBe(Number(readFileSync(paths.lock, 'utf8')));
    expect(isRunning(st.pid)).toBe(true);
    expect(st.tmux.version).toMatch(/3\.\d/);
    const plain = await cli(ts, ['daemon', 'status']);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain(`pid ${st.pid}`);
  });

  it('events streams a snapshot, then agent-added and agent-removed', async () => {
    const child: ChildProcess = spawn(process.execPath, [CLI, '-L', ts.socketName, 'events', '--follow', '--json'], { cwd: repo, env: ts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { event: string; agent?: AgentRecord; agents?: AgentRecord[] }[] = [];
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    try {
      await waitFor(() => lines.length > 0, { timeoutMs: 10_000, what: `the snapshot (stderr: ${stderr})` });
      expect(lines[0]!.event).toBe('snapshot');
      expect(lines[0]!.agents!.map((a) => a.name).sort()).toEqual(['fake', 'sh1']);

      const added = await cliJson<AgentRecord>(ts, ['spawn', 'shell', '--name', 'ev1'], { cwd: repo });
      const addedAt = await waitFor(() => { const i = lines.findIndex((e) => e.event === 'agent-added' && e.agent?.id === added.id); return i >= 0 ? i : null; }, { what: 'agent-added' });
      expect(lines[addedAt]!.agent).toMatchObject({ name: 'ev1', paneId: added.paneId, state: 'running' });

      expect((await cli(ts, ['kill', 'ev1'])).exitCode).toBe(0);
      const removedAt = await waitFor(() => { const i = lines.findIndex((e) => e.event === 'agent-removed' && e.agent?.id === added.id); return i >= 0 ? i : null; }, { what: 'agent-removed' });
      expect(removedAt).toBeGreaterThan(addedAt);
      for (const e of lines) expect(['snapshot', 'agent-added', 'agent-updated', 'agent-removed']).toContain(e.event);
    } finally {
      child.kill();
    }
  });

  it('wait: --exit --timeout on a running agent times out with 1; no condition, both, or --idle on a plain program is a usage error', async () => {
    const t0 = Date.now();
    const timedOut = await cli(ts, ['wait', 'fake', '--exit', '--timeout', '0.3']);
    const took = Date.now() - t0;
    expect(timedOut.exitCode, timedOut.stderr).toBe(1);
    expect(timedOut.stdout).toMatch(/timed out/);
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(slack(5000));

    const noCondition = await cli(ts, ['wait', 'fake']);
    expect(noCondition.exitCode).toBe(2);
    expect(noCondition.stderr).toMatch(/--idle, --waiting or --exit/);
    expect((await cli(ts, ['wait', 'fake', '--idle', '--exit'])).exitCode).toBe(2);

    // A --cmd program writes no transcript: its turns cannot be seen.
    const idle = await cli(ts, ['wait', 'fake', '--idle']);
    expect(idle.exitCode).toBe(2);
    expect(idle.stderr).toMatch(/cannot see/);
    expect(idle.stderr).toMatch(/wait --exit/);
    expect(idle.stdout).toBe('');
  });

  it('SIGTERM: the daemon exits and removes lock, token and socket; tmux and the agents keep running; the next command starts a new daemon', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const before = await agents(ts);
    const pid = (await status(ts)).pid;
    const fake = before.find((a) => a.name === 'fake')!;
    const fakePid = Number((await ts.tmux(tmux.display(fake.paneId!, '#{pane_pid}'))).trim());

    process.kill(pid, 'SIGTERM');
    await waitFor(() => !isRunning(pid), { timeoutMs: 5000, what: 'the daemon to exit' });
    expect(existsSync(paths.lock)).toBe(false);
    expect(existsSync(paths.token)).toBe(false);
    expect(existsSync(paths.socket)).toBe(false);
    expect(readFileSync(paths.log, 'utf8')).toContain(`[${pid}] stopping: SIGTERM`);

    // tmux and the agents did not notice.
    expect(await controlClients(ts)).toEqual([]);
    const ps = await panes(ts);
    for (const a of before) expect(ps.find((p) => p.pane === a.paneId)).toMatchObject({ name: a.name, dead: false });
    expect(isRunning(fakePid)).toBe(true);

    const after = await agents(ts);
    expect(after.map((a) => [a.id, a.name, a.paneId, a.state])).toEqual(before.map((a) => [a.id, a.name, a.paneId, a.state]));
    const next = await status(ts);
    expect(next.pid).not.toBe(pid);
    expect(next.tmux.connected).toBe(true);
  });

  it('at start the daemon reaps control clients whose owner is gone, and leaves those of a live owner', async () => {
    const startControlClient = (owner: number) => {
      const child = spawn(tmuxBinary(ts.env), ['-u', '-L', ts.socketName, '-C', 'attach-session', '-f', 'no-output', '-t', '=agents'],
        { env: { ...ts.env, [CONTROL_OWNER_ENV]: String(owner) }, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return { child, pid: child.pid!, exited };
    };
    const restartDaemon = async () => {
      expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
      expect((await cli(ts, ['list'])).exitCode).toBe(0);
      // The daemon reaps before it attaches; attached means the reaping is done.
      return waitFor(async () => { const s = await status(ts); return s.tmux.connected ? s : null; }, { what: 'the new daemon attached' });
    };

    const stale = startControlClient(deadPid());
    const live = startControlClient(process.pid);
    try {
      await waitFor(async () => { const pids = (await controlClients(ts)).map((c) => c.pid); return pids.includes(stale.pid) && pids.includes(live.pid); }, { what: 'both test control clients attached' });

      const st = await restartDaemon();
      await withDeadline(stale.exited, 5000, 'the stale control client to be reaped');
      const control = await controlClients(ts);
      // The new daemon's own client and the live owner's; the stale one is gone.
      expect(control).toHaveLength(2);
      expect(control.map((c) => controlOwnerOf(c.pid)).sort((a, b) => a! - b!)).toEqual([process.pid, st.pid].sort((a, b) => a - b));
      expect(isRunning(stale.pid)).toBe(false);
      expect(isRunning(live.pid)).toBe(true);
      expect(readFileSync(daemonPaths(ts.server.socketPath, ts.env).log, 'utf8')).toMatch(new RegExp(`reaped stale control client pid ${stale.pid} `));

      // Once the test's own client detaches, exactly one control client remains: the daemon's.
      live.child.stdin.end();
      await withDeadline(live.exited, 5000, 'the live control client to detach');
      await waitFor(async () => (await controlClients(ts)).length === 1, { what: 'exactly one control client' });
      expect(controlOwnerOf((await controlClients(ts))[0]!.pid)).toBe(st.pid);
    } finally {
      stale.child.kill();
      live.child.kill();
    }
  });

  it('daemon status when stopped exits 1 and says not running; daemon stop twice is fine', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const first = await cli(ts, ['daemon', 'stop']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/daemon stopped/);
    const second = await cli(ts, ['daemon', 'stop']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/not running/);

    const plain = await cli(ts, ['daemon', 'status']);
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toMatch(/not running/);
    const json = await cli(ts, ['daemon', 'status', '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: false, pid: null, socket: paths.socket, version: VERSION, tmux: { socket: ts.server.socketPath, version: null } });
    // status does not start a daemon.
    expect(existsSync(paths.lock)).toBe(false);
    expect(existsSync(paths.token)).toBe(false);
  });

  describe('a daemon of another version on the socket', () => {
    const OTHER = '0.0.0-other';
    let fake: Server;
    const received: string[] = [];
    const byClient: string[] = [];

    beforeAll(async () => {
      const paths = daemonPaths(ts.server.socketPath, ts.env);
      expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
      // Speaks the wire protocol: JSON lines, hello first, then status and stop.
      fake = createServer((s) => {
        s.setEncoding('utf8');
        let buf = '';
        let client = '?';
        s.on('error', () => {});
        s.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            const req = JSON.parse(buf.slice(0, i)) as { id: number; method: string; params?: { client?: string } };
            buf = buf.slice(i + 1);
            received.push(req.method);
            // The sidebar left running by `up` reconnects here too: each connection says which command it is.
            if (req.method === 'hello') client = req.params?.client ?? '?';
            byClient.push(`${client}:${req.method}`);
            const reply = (result: unknown) => s.write(JSON.stringify({ id: req.id, result }) + '\n');
            if (req.method === 'hello') reply({ version: OTHER, pid: process.pid });
            else if (req.method === 'status') reply({ running: true, pid: process.pid, socket: paths.socket, version: OTHER, session: 'agents', tmux: { socket: ts.server.socketPath, version: 'tmux 3.3a', connected: true }, agents: 0 });
            else if (req.method === 'stop') { reply({ stopping: true }); s.end(); fake.close(); }
            else s.write(JSON.stringify({ id: req.id, error: { code: 'UNKNOWN_METHOD', message: `no ${req.method} here`, hint: null, kind: 'usage' } }) + '\n');
          }
        });
      });
      await new Promise<void>((resolve) => fake.listen(paths.socket, resolve));
      writeFileSync(paths.token, 'token-of-the-other-daemon\n', { mode: 0o600 });
    });

    afterAll(() => {
      fake.close();
      const paths = daemonPaths(ts.server.socketPath, ts.env);
      for (const p of [paths.token, paths.socket]) { try { unlinkSync(p); } catch { /* gone */ } }
    });

    it('a command exits 2 with a message naming both versions and `tmuxcodex daemon stop`', async () => {
      const res = await cli(ts, ['list']);
      expect(res.exitCode).toBe(2);
      expect(res.stderr).toContain(OTHER);
      expect(res.stderr).toContain(VERSION);
      expect(res.stderr).toContain('tmuxcodex daemon stop');
      expect(res.stdout).toBe('');
      // The list command asked hello once and nothing more: it did not repeat or go on past the refusal.
      expect(byClient.filter((r) => r.startsWith('list:'))).toEqual(['list:hello']);
      expect(byClient.every((r) => r.startsWith('list:') || r.startsWith('sidebar:'))).toBe(true);
      // This CLI did not start a daemon of its own beside the other one.
      expect(existsSync(daemonPaths(ts.server.socketPath, ts.env).lock)).toBe(false);
    });

    it('daemon status reports the other daemon instead of "not running"', async () => {
      const res = await cli(ts, ['daemon', 'status']);
      expect(res.stdout).not.toMatch(/not running/);
      expect(res.stdout + res.stderr).toContain(OTHER);
    });

    it('doctor names the two versions as a problem, with daemon stop as the fix', async () => {
      const res = await cli(ts, ['doctor', '--json']);
      expect(res.exitCode).toBe(1);
      const daemon = (JSON.parse(res.stdout) as { checks: { name: string; ok: boolean; detail: string; fix: string | null }[] }).checks.find((c) => c.name === 'daemon')!;
      expect(daemon.ok).toBe(false);
      expect(daemon.detail).toBe(`running (pid ${process.pid}), version ${OTHER}; this CLI is ${VERSION}`);
      expect(daemon.fix).toMatch(/^tmuxcodex daemon stop/);
    });

    it('daemon stop, as the message advises, stops the other daemon', async () => {
      const res = await cli(ts, ['daemon', 'stop']);
      expect(res.exitCode, res.stderr).toBe(0);
      expect(res.stdout).not.toMatch(/not running/);
      expect(received).toContain('stop');
    });
  });

  describe('a daemon started between the token read and hello (a killed daemon\'s token still on disk)', () => {
    let fake: Server;
    const hellos: string[] = [];

    beforeAll(async () => {
      const paths = daemonPaths(ts.server.socketPath, ts.env);
      // The killed daemon's token is what a client reads; the daemon that answers publishes its
      // own just after (as the real one does once it listens), and refuses the stale one.
      writeFileSync(paths.token, 'token-of-the-killed-daemon\n', { mode: 0o600 });
      fake = createServer((s) => {
        s.setEncoding('utf8');
        let buf = '';
        s.on('error', () => {});
        s.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            const req = JSON.parse(buf.slice(0, i)) as { id: number; method: string; params?: { token?: string } };
            buf = buf.slice(i + 1);
            if (req.method === 'hello') hellos.push(req.params?.token ?? '');
            if (req.method === 'hello' && req.params?.token !== 'token-of-the-new-daemon') {
              writeFileSync(paths.token, 'token-of-the-new-daemon\n', { mode: 0o600 });
              s.end(JSON.stringify({ id: req.id, error: { code: 'UNAUTHORIZED', message: 'The daemon refused this connection: no valid token.', hint: null, kind: 'usage' } }) + '\n');
              return;
            }
            const reply = (result: unknown) => s.write(JSON.stringify({ id: req.id, result }) + '\n');
            if (req.method === 'hello') reply({ version: VERSION, pid: process.pid });
            else if (req.method === 'status') reply({ running: true, pid: process.pid, socket: paths.socket, version: VERSION, session: 'agents', tmux: { socket: ts.server.socketPath, version: 'tmux 3.3a', connected: true }, agents: 0 });
            else s.write(JSON.stringify({ id: req.id, error: { code: 'UNKNOWN_METHOD', message: `no ${req.method} here`, hint: null, kind: 'usage' } }) + '\n');
          }
        });
      });
      await new Promise<void>((resolve) => fake.listen(paths.socket, resolve));
    });

    afterAll(() => {
      fake.close();
      const paths = daemonPaths(ts.server.socketPath, ts.env);
      for (const p of [paths.token, paths.socket]) { try { unlinkSync(p); } catch { /* gone */ } }
    });

    it('the client reads the token again and greets the new daemon once more: no UNAUTHORIZED for its owner', async () => {
      const res = await cli(ts, ['daemon', 'status', '--json']);
      expect(res.exitCode, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ running: true, version: VERSION });
      // The stale token was tried, then the new one (a sidebar left running may greet too).
      expect(hellos).toContain('token-of-the-killed-daemon');
      expect(hellos).toContain('token-of-the-new-daemon');
    });
  });
});

// ---- 5: the tmux server dies under a running daemon -------------------------------------------------

describe('tmux server restart under a running daemon', () => {
  let ts: TestServer;
  let repo: string;
  let r3: AgentRecord;

  beforeAll(async () => {
    ts = createTestServer('restart');
    repo = await makeRepo(join(ts.root, 'repo'), ts.env);
    expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  });

  afterAll(async () => {
    await cli(ts, ['daemon', 'stop']).catch(() => {});
    await ts.dispose();
  });

  /** Kills the server, waits for the daemon to mark every agent gone, brings the session back with `up`. */
  async function restartServer(expectGone: readonly string[], daemonPid: number): Promise<void> {
    await ts.tmux(tmux.killServer());
    await waitFor(async () => {
      const list = await agents(ts);
      return list.length === expectGone.length && list.every((a) => a.state === 'gone');
    }, { what: 'every agent reported gone' });
    expect((await agents(ts)).map((a) => a.name).sort()).toEqual([...expectGone].sort());
    // The journal keeps them for resurrect.
    const journal = JSON.parse(readFileSync(daemonPaths(ts.server.socketPath, ts.env).journal, 'utf8')) as { agents: AgentRecord[] };
    expect(journal.agents.map((a) => [a.name, a.state]).sort()).toEqual(expectGone.map((n) => [n, 'gone']).sort());
    const down = await status(ts);
    expect(down).toMatchObject({ pid: daemonPid, tmux: { connected: false } });

    const up = await cli(ts, ['up', '--detached'], { cwd: repo });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await status(ts)).toMatchObject({ pid: daemonPid, tmux: { connected: true } });
    expect(await controlClients(ts)).toHaveLength(1);
  }

  async function spawnAndCheck(name: string): Promise<AgentRecord> {
    const agent = await cliJson<AgentRecord>(ts, ['spawn', 'shell', '--name', name], { cwd: repo });
    expect(agent.state).toBe('running');
    expect((await ts.tmux(tmux.display(agent.paneId!, '#{pane_id} #{pane_dead}'))).trim()).toBe(`${agent.paneId} 0`);
    await waitFor(() => sidebarsAre30(ts), { timeoutMs: 3000, what: `sidebar 30 wide after spawning ${name}` });
    return agent;
  }

  it('kill-server: agents show as gone (journal kept); up re-creates the session, the same daemon re-attaches, spawn works', async () => {
    const pid = (await status(ts)).pid;
    await spawnAndCheck('r1');
    await spawnAndCheck('r2');
    await restartServer(['r1', 'r2'], pid);
    r3 = await spawnAndCheck('r3');
    const list = await agents(ts);
    expect(list.map((a) => [a.name, a.state])).toEqual([['r1', 'gone'], ['r2', 'gone'], ['r3', 'running']]);
    expect(list.find((a) => a.name === 'r3')!.paneId).toBe(r3.paneId);
  });

  it('a second restart: the re-created window (same window id, size and agent count) still gets the sidebar layout', async () => {
    // r3 alone sat in the first window at 200x50; the new server's first window has the same id and
    // size, so layout state the daemon kept from the old server must not hold back the new layout.
    const pid = (await status(ts)).pid;
    await restartServer(['r1', 'r2', 'r3'], pid);
    const r4 = await spawnAndCheck('r4');
    expect(r4.windowId).toBe(r3.windowId);
  });
});
