// The "done when", as a user would do it: up, six spawns, a seventh (new window), kill,
// list --json, a pane exiting and one killed by hand, the daemon SIGKILLed, a window resize.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, FAKE_AGENT } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { tmux } from '../../src/tmux/command.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import type { AgentRecord } from '../../src/core/agent.js';
import { slack } from '../helpers/slack.js';
import type { PaneId, WindowId } from '../../src/tmux/ids.js';

let ts: TestServer;
let repo: string;

const PANES = '#{window_id} #{pane_id} #{pane_index} #{pane_width} #{@tmuxcodex-role} #{@tmuxcodex-name}';

async function panes(): Promise<{ window: WindowId; pane: PaneId; index: number; width: number; role: string; name: string }[]> {
  const out = await ts.tmux(tmux.listPanesInSession('agents', PANES));
  return out.trim().split('\n').map((l) => {
    const [window, pane, index, width, role, name] = l.split(' ');
    return { window: window! as WindowId, pane: pane! as PaneId, index: Number(index), width: Number(width), role: role ?? '', name: name ?? '' };
  });
}

async function agents(): Promise<AgentRecord[]> {
  return (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd: repo })).agents;
}

async function agent(name: string): Promise<AgentRecord | undefined> {
  return (await agents()).find((a) => a.name === name);
}

/** Every managed window has its sidebar at index 0 and exactly 30 columns wide. */
async function sidebarsAre30(): Promise<boolean> {
  const ps = await panes();
  const sidebars = ps.filter((p) => p.role === 'sidebar');
  return sidebars.length > 0 && sidebars.every((p) => p.index === 0 && p.width === 30);
}

beforeAll(async () => {
  ts = createTestServer('e2e');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']).catch(() => {});
  await ts.dispose();
});

describe('tmuxcodex end to end', () => {
  it('up --detached opens the agents session with a 30-column sidebar slot', async () => {
    const res = await cli(ts, ['up', '--detached'], { cwd: repo });
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(0);
    const ps = await panes();
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ index: 0, role: 'sidebar' });
  });

  it('six spawns at once give one tidy window: sidebar 30 wide at index 0, agents tiled', async () => {
    const results = await Promise.all(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((n) => cli(ts, ['spawn', 'shell', '--name', n], { cwd: repo })));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    await waitFor(sidebarsAre30, { what: 'sidebar at 30 columns' });
    const ps = await panes();
    expect(new Set(ps.map((p) => p.window)).size).toBe(1);
    expect(ps.filter((p) => p.role !== 'sidebar').map((p) => p.name).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    // 200 columns: 30 sidebar + border, then two rows of three agents.
    const widths = ps.filter((p) => p.role !== 'sidebar').map((p) => p.width).sort((a, b) => a - b);
    expect(widths).toEqual([55, 55, 56, 56, 56, 56]);
  });

  it('list --json reports every agent with the documented fields and pane metadata', async () => {
    const list = await agents();
    expect(list.map((a) => a.name)).toEqual(expect.arrayContaining(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']));
    const a1 = list.find((a) => a.name === 'a1')!;
    expect(Object.keys(a1).sort()).toEqual(['base', 'branch', 'context', 'createdAt', 'cwd', 'exitCode', 'git', 'id', 'name', 'paneId', 'parentId', 'profile',
      'session', 'sessionId', 'state', 'target', 'task', 'transcriptPath', 'windowId', 'worktree', 'ports', 'source', 'deps', 'branchCreated', 'fix', 'pr', 'contextWindow', 'transcriptFormat', 'launch', 'conversation', 'model', 'paneRuns'].sort());
    expect(a1).toMatchObject({ profile: 'shell', state: 'running', branch: 'main', session: 'agents', worktree: { path: repo, mode: 'shared' } });
    expect(a1.id).toMatch(/^[0-9a-f]{8}$/);
    const opt = (await ts.tmux(tmux.showPaneOption(a1.paneId!, '@tmuxcodex-id'))).trim();
    expect(opt).toBe(a1.id);
  });

  it('a seventh agent opens a second window with its own sidebar; killing it closes that window', async () => {
    const res = await cliJson<AgentRecord>(ts, ['spawn', 'shell', '--name', 'a7'], { cwd: repo });
    const ps = await panes();
    const windows = new Set(ps.map((p) => p.window));
    expect(windows.size).toBe(2);
    const second = ps.filter((p) => p.window === res.windowId);
    expect(second.map((p) => p.role)).toContain('sidebar');
    await waitFor(sidebarsAre30, { what: 'both sidebars at 30 columns' });
    const killed = await cli(ts, ['kill', 'a7'], { cwd: repo });
    expect(killed.exitCode, killed.stderr).toBe(0);
    await waitFor(async () => new Set((await panes()).map((p) => p.window)).size === 1, { what: 'second window closed' });
    expect((await agents()).map((a) => a.name)).not.toContain('a7');
  });

  it('send types into an agent, capture reads its screen, and an exit shows within a second', async () => {
    const spawned = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'fake', '--cmd', `node ${FAKE_AGENT}`], { cwd: repo });
    await waitFor(async () => (await cli(ts, ['capture', 'fake'])).stdout.includes('fake-agent ready'), { what: 'fake agent banner' });
    expect((await cli(ts, ['send', 'fake', 'hello; $(rm -rf ~) #{pane_id}'])).exitCode).toBe(0);
    await waitFor(async () => (await cli(ts, ['capture', 'fake'])).stdout.includes('echo: hello; $(rm -rf ~) #{pane_id}'), { what: 'echo of the sent text' });
    const waiting = cli(ts, ['wait', 'fake', '--exit', '--timeout', '10', '--json']);
    const sentAt = Date.now();
    await cli(ts, ['send', 'fake', 'exit 7']);
    const res = await waiting;
    expect(Date.now() - sentAt).toBeLessThan(slack(2500)); // 1 s subscription tick plus CLI start-up
    // The agent's non-zero exit status is wait's exit code 4, and its value is in the JSON.
    expect(res.exitCode, res.stderr).toBe(4);
    const done = JSON.parse(res.stdout) as { agent: AgentRecord; timedOut: boolean; exitCode: number | null };
    expect(done.timedOut).toBe(false);
    expect(done.exitCode).toBe(7);
    expect(done.agent).toMatchObject({ id: spawned.id, state: 'exited', exitCode: 7 });
    // --any-status takes any exit as reached; without --exit it is a usage error.
    const any = await cli(ts, ['wait', 'fake', '--exit', '--any-status', '--json']);
    expect(any.exitCode, any.stderr).toBe(0);
    expect(JSON.parse(any.stdout)).toMatchObject({ exitCode: 7, reached: true });
    expect((await cli(ts, ['wait', 'fake', '--idle', '--any-status'])).exitCode).toBe(2);
    expect((await agent('fake'))?.exitCode).toBe(7);
  });

  it('a pane killed by hand with plain tmux shows as gone within a second', async () => {
    const a6 = (await agent('a6'))!;
    await ts.tmux(tmux.killPane(a6.paneId!));
    const start = Date.now();
    await waitFor(async () => (await agent('a6'))?.state === 'gone', { timeoutMs: 3000, intervalMs: 20, what: 'a6 gone' });
    expect(Date.now() - start).toBeLessThan(slack(1500));
    expect((await cli(ts, ['kill', 'a6'])).exitCode).toBe(0);
    expect(await agent('a6')).toBeUndefined();
  });

  it('a window resize keeps the sidebar at 30 columns and re-tiles the agents', async () => {
    const window = (await panes())[0]!.window;
    await ts.tmux(tmux.resizeWindow(window, 120, 40));
    const inWindow = async () => (await panes()).filter((p) => p.window === window && p.role !== 'sidebar');
    await waitFor(async () => (await sidebarsAre30()) && (await inWindow()).every((p) => p.width >= 20 && p.width <= 45), { what: 'sidebar 30 after shrink' });
    await ts.tmux(tmux.resizeWindow(window, 250, 60));
    await waitFor(sidebarsAre30, { what: 'sidebar 30 after growth' });
  });

  it('a sidebar killed by hand comes back at index 0, 30 wide, and one that dies is restarted', async () => {
    const window = (await panes())[0]!.window;
    const sidebar = (await panes()).find((p) => p.window === window && p.role === 'sidebar')!;
    await ts.tmux(tmux.killPane(sidebar.pane));
    await waitFor(async () => {
      const ps = (await panes()).filter((p) => p.window === window);
      return ps[0]?.role === 'sidebar' && ps[0].pane !== sidebar.pane && ps[0].width === 30;
    }, { what: 'sidebar restored' });
    const restored = (await panes()).find((p) => p.window === window && p.role === 'sidebar')!;
    const pid = Number((await ts.tmux(tmux.display(restored.pane, '#{pane_pid}'))).trim());
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => {
      const out = (await ts.tmux(tmux.display(restored.pane, '#{pane_dead} #{pane_pid}'))).trim().split(' ');
      return out[0] === '0' && Number(out[1]) !== pid;
    }, { what: 'sidebar respawned' });
  });

  it('after kill -9 of the daemon, the next command rebuilds the registry from tmux', async () => {
    const before = await agents();
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const pid = Number(readFileSync(paths.lock, 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { what: 'daemon dead' });
    const after = await agents();
    expect(after.map((a) => [a.id, a.name, a.paneId, a.state])).toEqual(before.map((a) => [a.id, a.name, a.paneId, a.state]));
    expect(Number(readFileSync(paths.lock, 'utf8'))).not.toBe(pid);
    // Only the new daemon's control client is attached.
    const clients = (await ts.tmux(tmux.listClients('#{client_control_mode}'))).trim().split('\n').filter((l) => l === '1');
    expect(clients).toHaveLength(1);
  });

  it('keeps its socket private: folder 0700, socket 0600, a client without the token refused', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    expect(statSync(paths.runtimeDir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(statSync(paths.token).mode & 0o777).toBe(0o600);
    const { connect } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const s = connect(paths.socket, () => s.write(JSON.stringify({ id: 1, method: 'list', params: {} }) + '\n'));
      let buf = '';
      s.on('data', (d) => { buf += d; });
      s.on('close', () => resolve(buf));
    });
    expect(JSON.parse(reply).error.code).toBe('UNAUTHORIZED');
  });
});

describe('bad input: a clear message, exit code 2, nothing created', () => {
  async function paneCount(): Promise<number> {
    return (await panes()).length;
  }

  it.each([
    ['unknown profile', ['spawn', 'nosuchagent'], /Unknown profile "nosuchagent"/],
    ['duplicate name', ['spawn', 'shell', '--name', 'a1'], /already exists/],
    ['empty name', ['spawn', 'shell', '--name', ''], /name is empty/],
    ['bad name', ['spawn', 'shell', '--name', 'has space'], /not allowed/],
    ['bad env', ['spawn', 'shell', '--env', 'NOEQUALS'], /NAME=VALUE/],
    ['unknown option', ['spawn', '--frobnicate'], /Unknown option --frobnicate/],
    ['unknown command', ['frobnicate'], /Unknown command "frobnicate"/],
    ['unknown agent', ['kill', 'nobody'], /No agent is called "nobody"/],
    ['missing worktree', ['spawn', 'shell', '--worktree', '/nonexistent/path'], /is not a folder/],
  ])('%s', async (_label, args, message) => {
    const before = await paneCount();
    const res = await cli(ts, args, { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stdout).toBe('');
    expect(await paneCount()).toBe(before);
  });

  it('up outside a git repository', async () => {
    const res = await cli(ts, ['up', '--detached'], { cwd: ts.root });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/not inside a git repository/);
    expect(res.stderr).toMatch(/git init/);
  });

  it('no tmux at all', async () => {
    const other = createTestServer('notmux');
    const res = await cli(other, ['list'], { env: { TMUXCODEX_TMUX: '/nonexistent/tmux' } }).finally(() => other.dispose());
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/tmux was not found/);
  });
});
