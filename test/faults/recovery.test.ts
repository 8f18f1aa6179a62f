// Faults (issue 9): a corrupted or truncated journal and config, 50 CLI commands at once, and who
// may reach the daemon and read its files. Each test checks that nothing was lost or exposed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { userConfigPath } from '../../src/config/load.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { DaemonStatus } from '../../src/daemon/protocol.js';

const exec = promisify(execFile);
let ts: TestServer;
let repo: string;
const names = async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.filter((a) => a.state !== 'gone').map((a) => a.name).sort();

beforeAll(async () => {
  ts = createTestServer('faults');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  for (const n of ['a1', 'a2']) await cliJson(ts, ['spawn', '--name', n, '--cmd', 'exec sleep 600'], { cwd: repo });
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('a corrupted journal or config', () => {
  it('a truncated journal: the daemon starts, rebuilds the agents from tmux, says so, and keeps a copy of the bad file', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const before = await cliJson<{ agents: AgentRecord[] }>(ts, ['list']);
    expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
    const whole = readFileSync(paths.journal, 'utf8');
    const torn = whole.slice(0, Math.floor(whole.length / 2));
    writeFileSync(paths.journal, torn);
    // Any command starts a new daemon.
    const after = await cliJson<{ agents: AgentRecord[] }>(ts, ['list']);
    expect(after.agents.map((a) => [a.id, a.name, a.paneId]).sort()).toEqual(before.agents.map((a) => [a.id, a.name, a.paneId]).sort());
    const status = await cliJson<DaemonStatus>(ts, ['daemon', 'status']);
    expect(status.notices).toHaveLength(1);
    expect(status.notices[0]).toContain('could not be read');
    const copy = /a copy was kept at (\S+),/.exec(status.notices[0]!)![1]!;
    expect(readFileSync(copy, 'utf8')).toBe(torn);
    // The journal is whole again.
    await waitFor(() => { try { return (JSON.parse(readFileSync(paths.journal, 'utf8')) as { agents: unknown[] }).agents.length === 2; } catch { return false; } }, { what: 'the journal rewritten' });
    expect((await cli(ts, ['daemon', 'status'])).stdout).toContain('notice: the journal');
  });

  it('a broken config: the daemon starts with the defaults and keeps a copy; commands that read it say file:line:col (exit 2)', async () => {
    const config = userConfigPath(ts.env);
    mkdirSync(dirname(config), { recursive: true });
    const broken = 'layout:\n  sidebarWidth: [not, a, number\n';
    writeFileSync(config, broken);
    try {
      expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
      expect((await cli(ts, ['daemon', 'start'])).exitCode).toBe(0);
      const status = await cliJson<DaemonStatus>(ts, ['daemon', 'status']);
      const notice = status.notices.find((n) => n.includes('the config could not be used'))!;
      expect(notice).toContain('runs with the defaults');
      expect(readFileSync(/a copy of the file is at (\S+)$/.exec(notice)![1]!, "utf8")).toBe(broken);
      expect(await names()).toEqual(['a1', 'a2']);
      const spawn = await cli(ts, ['spawn', '--name', 'a3', '--cmd', 'true'], { cwd: repo });
      expect(spawn.exitCode).toBe(2);
      expect(spawn.stderr).toMatch(/config\.yaml:\d+:\d+/);
    } finally {
      writeFileSync(config, '');
    }
  });
});

describe('50 CLI commands at once', () => {
  it('spawn, list, send and kill from many processes: all answered, the journal whole, every window laid out', async () => {
    const pre = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await Promise.all(pre.map((n) => cliJson(ts, ['spawn', '--name', n, '--cmd', 'exec cat'], { cwd: repo })));
    const commands: string[][] = [
      ...Array.from({ length: 10 }, (_, i) => ['spawn', '--name', `n${i}`, '--cmd', 'exec sleep 600']),
      ...Array.from({ length: 20 }, () => ['list', '--json']),
      ...pre.slice(0, 10).map((n) => ['send', n, `hello ${n}`]),
      ...pre.slice(0, 10).map((n) => ['kill', n]),
    ];
    expect(commands).toHaveLength(50);
    const results = await Promise.all(commands.map((c) => cli(ts, c, { cwd: repo, timeoutMs: 60_000 })));
    // A send that meets the kill of its agent may find it gone: a clear refusal, not a tmux error.
    const failed = results.map((r, i) => ({ r, c: commands[i]!.join(' ') })).filter(({ r, c }) => r.exitCode !== 0 && !(c.startsWith('send') && /AGENT_GONE|has no pane|No agent/.test(r.stderr)));
    expect(failed.map(({ c, r }) => `${c}: ${r.exitCode} ${r.stderr}`)).toEqual([]);
    expect(await names()).toEqual(['a1', 'a2', ...Array.from({ length: 10 }, (_, i) => `n${i}`)].sort());
    const journal = JSON.parse(readFileSync(daemonPaths(ts.server.socketPath, ts.env).journal, 'utf8')) as { agents: AgentRecord[] };
    expect(journal.agents.filter((a) => a.state !== 'gone').map((a) => a.name).sort()).toEqual(await names());
    // Every managed window: the sidebar 30 wide at index 0.
    const panes = (await ts.tmux(tmux.listPanesInSession('agents', '#{window_id} #{pane_index} #{@tmuxcodex-role} #{pane_width}'))).split('\n').filter(Boolean).map((l) => l.split(' '));
    const windows = new Set(panes.map((p) => p[0]));
    for (const w of windows) expect(panes.find((p) => p[0] === w && p[1] === '0')?.slice(2)).toEqual(['sidebar', '30']);
    await Promise.all(Array.from({ length: 10 }, (_, i) => cli(ts, ['kill', `n${i}`])));
  });
});

describe('who may reach the daemon and read its files', () => {
  it('the socket, token, lock, journal and log are the owner\'s only (0600 in 0700 folders)', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    for (const dir of [paths.runtimeDir, paths.stateDir]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of [paths.socket, paths.token, paths.journal, paths.log, paths.lock, paths.lockSocket, `${paths.lockSocket}.name`]) {
      if (!existsSync(file)) continue;
      expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
    }
    for (const f of readdirSync(paths.stateDir).filter((f) => f.startsWith('agents.json.bad') || f.startsWith('config.bad'))) {
      expect(statSync(join(paths.stateDir, f)).mode & 0o077).toBe(0);
    }
  });

  it('another user (nobody) cannot connect to the daemon\'s socket', async () => {
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const probe = `require('net').connect(${JSON.stringify(paths.socket)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(3); })`;
    const res = await exec('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', probe]).then((r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
    expect(res.out.trim()).toBe('EACCES');
    expect(res.code).toBe(3);
  });
});
