// Faults: the daemon stopped (SIGSTOP) while agents print: the agents do not freeze (the control
// client takes no output), and the daemon answers again when it continues; the tmux server killed:
// the daemon notices within a second and does not spin, and resurrect brings the agents back; the
// daemon's control client stopped: the watchdog replaces it and tmux drops the old one; the daemon's
// socket removed: the daemon, which nobody can reach any more, stops and leaves the agents running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';
import { slack } from '../helpers/slack.js';

let ts: TestServer;
let repo: string;
const daemonPid = () => Number(readFileSync(daemonPaths(ts.server.socketPath, ts.env).lock, 'utf8').trim());
/** CPU seconds a process has used (user + system), from /proc. */
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };

beforeAll(async () => {
  ts = createTestServer('stall');
  // The watchdog asks every 250 ms and gives 1 s to answer (5 s and 20 s by default).
  ts.env.TMUXCODEX_WATCHDOG_MS = '250';
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('a stalled daemon', () => {
  it('agents keep printing while the daemon is stopped; it answers again after SIGCONT', async () => {
    const counter = join(ts.root, 'count');
    // An agent that prints fast and records how far it got.
    const a = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'printer', '--cmd', `i=0; while true; do i=$((i+1)); echo "line $i of output that fills the pane"; echo $i > ${counter}; done`], { cwd: repo });
    await waitFor(() => { try { return Number(readFileSync(counter, 'utf8')) > 100; } catch { return false; } }, { what: 'the printer running' });
    const pid = daemonPid();
    process.kill(pid, 'SIGSTOP');
    try {
      const before = Number(readFileSync(counter, 'utf8'));
      // 2,000 more lines (about 100 KB, more than a pty holds) with the daemon stopped: the agent must not block on it.
      await waitFor(() => Number(readFileSync(counter, 'utf8')) > before + 2000, { timeoutMs: 8000, what: 'the agent still printing with the daemon stopped' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const list = await cliJson<{ agents: AgentRecord[] }>(ts, ['list']);
    expect(list.agents.find((x) => x.id === a.id)?.state).toBe('running');
    expect(daemonPid()).toBe(pid); // the same daemon, not a new one
    await cli(ts, ['kill', 'printer']);
  });
});

describe('a control connection that stops answering', () => {
  it('is replaced by the watchdog once tmux answers again: the old client is gone, commands work', async () => {
    // The server does the control client's reading and writing itself (the client hands it its
    // stdin and stdout), so stopping the client stalls nothing: stopping the server does.
    const controlClients = async () => (await ts.tmux(tmux.listClients('#{client_pid} #{client_control_mode}'))).split('\n').filter((l) => l.endsWith(' 1')).map((l) => Number(l.split(' ')[0]));
    const [before] = await controlClients();
    const serverPid = Number((await ts.tmux(tmux.raw('display-message', '-p', '#{pid}'))).trim());
    const log = () => readFileSync(daemonPaths(ts.server.socketPath, ts.env).log, 'utf8');
    process.kill(serverPid, 'SIGSTOP');
    try {
      await waitFor(() => log().includes(`control client pid ${before} did not answer within 1000 ms; replacing it`), { timeoutMs: 10_000, what: 'the watchdog to give up on the connection' });
    } finally {
      process.kill(serverPid, 'SIGCONT');
    }
    await waitFor(async () => { const now = await controlClients(); return now.length === 1 && now[0] !== before; }, { timeoutMs: 10_000, what: 'a new control client, and the old one dropped' });
    expect(() => process.kill(before!, 0)).toThrow(); // the old client process is gone
    const a = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'after-stall', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(a.paneId).toMatch(/^%\d+$/);
    expect((await cli(ts, ['kill', 'after-stall'])).exitCode).toBe(0);
  });
});

describe('the tmux server killed', () => {
  it('the daemon notices within a second, does not spin, and resurrect brings the agents back', async () => {
    const agents = await Promise.all(['r1', 'r2'].map((n) => cliJson<AgentRecord>(ts, ['spawn', '--name', n, '--cmd', 'exec sleep 600'], { cwd: repo })));
    const pid = daemonPid();
    const t0 = Date.now();
    await ts.tmux(tmux.killServer()).catch(() => {});
    await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.filter((a) => a.state === 'gone').length === 2, { timeoutMs: 5000, intervalMs: 50, what: 'the agents seen gone' });
    expect(Date.now() - t0).toBeLessThan(slack(1500));
    // No spinning: over two seconds without a server, the daemon uses next to no CPU.
    const c0 = cpu(pid);
    await new Promise((r) => setTimeout(r, 2000));
    expect(cpu(pid) - c0).toBeLessThan(0.2);
    const res = await cli(ts, ['resurrect', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const back = (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents;
    for (const a of agents) expect(back.find((x) => x.id === a.id)).toMatchObject({ name: a.name, state: 'running', worktree: a.worktree });
  });
});

describe('a daemon nobody can reach', () => {
  it('stops when its socket is removed, and leaves the agents running', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const a = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'outlives', '--cmd', 'exec sleep 600'], { cwd: repo });
    const pid = daemonPid();
    rmSync(paths.socket);
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { timeoutMs: 10_000, what: 'the unreachable daemon to stop' });
    expect(readFileSync(paths.log, 'utf8')).toContain(`its socket ${paths.socket} was removed or replaced`);
    expect((await ts.tmux(tmux.display(a.paneId!, '#{pane_dead}'))).trim()).toBe('0');
    // The next command starts a daemon that finds the agent again.
    expect((await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((x) => x.id === a.id)?.state).toBe('running');
  });
});
