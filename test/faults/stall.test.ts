// Faults: the daemon stopped (SIGSTOP) while agents print: the agents do not freeze (the control
// client takes no output), and the daemon answers again when it continues; the tmux server killed:
// the daemon notices within a second and does not spin, and resurrect brings the agents back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';

let ts: TestServer;
let repo: string;
const daemonPid = () => Number(readFileSync(daemonPaths(ts.server.socketPath, ts.env).lock, 'utf8').trim());
/** CPU seconds a process has used (user + system), from /proc. */
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };

beforeAll(async () => {
  ts = createTestServer('stall');
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
      // Two seconds with the daemon stopped: the agent must not block on it.
      await waitFor(() => Number(readFileSync(counter, 'utf8')) > before + 5000, { timeoutMs: 8000, what: 'the agent still printing with the daemon stopped' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const list = await cliJson<{ agents: AgentRecord[] }>(ts, ['list']);
    expect(list.agents.find((x) => x.id === a.id)?.state).toBe('running');
    expect(daemonPid()).toBe(pid); // the same daemon, not a new one
    await cli(ts, ['kill', 'printer']);
  });
});

describe('the tmux server killed', () => {
  it('the daemon notices within a second, does not spin, and resurrect brings the agents back', async () => {
    const agents = await Promise.all(['r1', 'r2'].map((n) => cliJson<AgentRecord>(ts, ['spawn', '--name', n, '--cmd', 'exec sleep 600'], { cwd: repo })));
    const pid = daemonPid();
    const t0 = Date.now();
    await ts.tmux(tmux.killServer()).catch(() => {});
    await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.filter((a) => a.state === 'gone').length === 2, { timeoutMs: 5000, intervalMs: 50, what: 'the agents seen gone' });
    expect(Date.now() - t0).toBeLessThan(1500);
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
