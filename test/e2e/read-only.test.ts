// Read-only commands with no daemon and no agents (the usual mistake: asking tmux's default server
// from outside tmux while the agents run on another): they start no daemon, answer "no agents", and
// say on stderr which server they asked and how to ask another; a command on one agent says there
// is no such agent there. With agent panes there, they still
// start the daemon, which rebuilds the agents from tmux.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, CLI } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { tmux } from '../../src/tmux/command.js';
import { tmuxBinary, tmuxSocketDir } from '../../src/tmux/binary.js';

let ts: TestServer;
let repo: string;

/** The daemon files of a tmux socket exist: a daemon was started for it. */
const daemonStarted = (socketPath: string) => existsSync(daemonPaths(socketPath, ts.env).token) || existsSync(daemonPaths(socketPath, ts.env).socket);

beforeAll(async () => {
  ts = createTestServer('read-only');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('with no daemon and no agents', () => {
  it.each([
    ['list', ['list'], 'no agents'],
    ['list --json', ['list', '--json'], '{\n  "agents": []\n}'],
    ['events', ['events'], ''],
    ['events --json', ['events', '--json'], '{"event":"snapshot","agents":[]}'],
  ])('%s on a server that is not running answers no agents and starts no daemon', async (_label, args, stdout) => {
    const res = await cli(ts, args, { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toBe(stdout);
    expect(res.stderr).toContain(`no agents: asked the tmux server -L ${ts.socketName} (${ts.server.socketPath}), which has no tmuxcodex daemon and no agents session.`);
    expect(res.stderr).toMatch(/add -L NAME or -S PATH .* To start here: tmuxcodex up/);
    expect(daemonStarted(ts.server.socketPath)).toBe(false);
  });

  it('map answers for the repository\'s own worktree with no agent rows, and starts no daemon', async () => {
    const res = await cli(ts, ['map', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { targets: string[]; rows: { branch: string; agent: string | null }[]; pairs: unknown[] };
    expect(out.targets).toEqual(['main']);
    expect(out.rows.map((r) => [r.branch, r.agent])).toEqual([['main', null]]);
    expect(out.pairs).toEqual([]);
    expect(res.stderr).toContain('no agents: asked the tmux server');
    expect(daemonStarted(ts.server.socketPath)).toBe(false);
  });

  it.each([
    ['kill', ['kill', 'a1']], ['capture', ['capture', 'a1']], ['send', ['send', 'a1', 'hello']], ['wait', ['wait', 'a1', '--idle', '--timeout', '1']],
  ])('%s of an agent says there is none there, naming the server, and starts no daemon', async (_label, args) => {
    const res = await cli(ts, args, { cwd: repo });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`No agent is called "a1": asked the tmux server -L ${ts.socketName} (${ts.server.socketPath}), which has no tmuxcodex daemon and no agents session.`);
    expect(res.stderr).toMatch(/add -L NAME or -S PATH/);
    expect(daemonStarted(ts.server.socketPath)).toBe(false);
  });

  it('status-segment prints nothing and starts no daemon', async () => {
    const res = await cli(ts, ['status-segment'], { cwd: repo });
    expect(res).toMatchObject({ exitCode: 0, stdout: '' });
    expect(daemonStarted(ts.server.socketPath)).toBe(false);
  });

  it('outside tmux without -L or -S, names tmux\'s default server, also when it runs but has no agents session', async () => {
    const defaultSocket = join(tmuxSocketDir(ts.env), 'default');
    const run = () => execa(process.execPath, [CLI, 'list'], { cwd: repo, env: ts.env, extendEnv: false, reject: false, timeout: 20_000 });
    const first = await run();
    expect(first.exitCode).toBe(0);
    expect(String(first.stderr)).toContain(`asked tmux's default server (${defaultSocket}; not inside tmux, no -L or -S given)`);
    // A default server with a session of its own, none of tmuxcodex's.
    await execa(tmuxBinary(ts.env), ['-f', '/dev/null', 'new-session', '-d', '-s', 'work', 'sleep 600'], { env: ts.env, extendEnv: false });
    try {
      const second = await run();
      expect(second.exitCode).toBe(0);
      expect(String(second.stdout)).toBe('no agents');
      expect(String(second.stderr)).toContain(`asked tmux's default server (${defaultSocket}`);
      expect(daemonStarted(defaultSocket)).toBe(false);
    } finally {
      await execa(tmuxBinary(ts.env), ['kill-server'], { env: ts.env, extendEnv: false, reject: false });
    }
  });
});

describe('with agent panes but no daemon', () => {
  it('list starts the daemon, which finds them', async () => {
    expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
    expect((await cli(ts, ['spawn', '--name', 'a1', '--cmd', 'exec sleep 600'], { cwd: repo })).exitCode).toBe(0);
    expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
    expect(await ts.tmux(tmux.listAllPanes('#{@tmuxcodex-name}'))).toContain('a1');
    const res = await cli(ts, ['list', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as { agents: { name: string }[] }).agents.map((a) => a.name)).toEqual(['a1']);
    expect(res.stderr).not.toContain('no agents');
  });
});
