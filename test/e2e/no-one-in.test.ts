// Issue 14, "no one in", end to end with the built CLI. Another local user (the real nobody) plants
// the runtime folder before our first command (a symlink, or a folder of their own, with a fake
// daemon's token and socket in it): the CLI must refuse before it reads the token or connects, so
// no request, -e secret or task reaches it. The same user binding the old abstract lock name must
// not keep the daemon from starting. And `hooks` on a broken settings file: a message, not a trace.
import { afterAll, beforeAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { daemonPaths } from '../../src/daemon/paths.js';

let ts: TestServer;
let repo: string;
let shared: string; // stands for /tmp: world-writable and sticky
let fake: ChildProcess | null = null;

/** Runs as nobody: makes DIR (its own), optionally a symlink LINK -> DIR, a token, and a socket that records what it gets. */
const FAKE_DAEMON = `
const fs = require('fs'), net = require('net'), path = require('path');
const [dir, link, base] = process.argv.slice(1);
fs.mkdirSync(dir, { mode: 0o755 });
if (link !== '-') fs.symlinkSync(dir, link);
fs.writeFileSync(path.join(dir, base + '.token'), 'planted-token\\n');
net.createServer((s) => s.on('data', (d) => fs.appendFileSync(path.join(dir, 'received.txt'), d))).listen(path.join(dir, base + '.sock'), () => {
  fs.chmodSync(path.join(dir, base + '.sock'), 0o777);
  console.log('READY');
});`;

/** Starts the fake daemon as nobody and waits until it listens. */
async function plant(dir: string, link: string | null): Promise<void> {
  const base = daemonPaths(ts.server.socketPath, { ...ts.env, XDG_RUNTIME_DIR: shared }).key;
  fake = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', FAKE_DAEMON, dir, link ?? '-', base], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  fake.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor(() => out.includes('READY'), { timeoutMs: 10_000, what: 'the fake daemon' });
}

beforeAll(async () => {
  ts = createTestServer('no-one-in');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  shared = mkdtempSync(join(tmpdir(), 'tmuxcodex-shared-tmp-'));
  chmodSync(shared, 0o1777);
});

afterEach(async () => {
  if (fake && fake.exitCode === null) {
    const exited = once(fake, 'exit');
    fake.kill();
    await exited;
  }
  fake = null;
  rmSync(join(shared, 'tmuxcodex'), { recursive: true, force: true });
  rmSync(join(shared, 'evil'), { recursive: true, force: true });
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
  rmSync(shared, { recursive: true, force: true });
});

describe('a runtime folder planted by another user', () => {
  it('a symlink to their folder: spawn -e SECRET and daemon status exit 2 naming the symlink; the fake daemon gets nothing', async () => {
    const evil = join(shared, 'evil');
    await plant(evil, join(shared, 'tmuxcodex'));
    const env = { XDG_RUNTIME_DIR: shared };
    const res = await cli(ts, ['spawn', 'shell', '--worktree', 'shared', '-e', 'SECRET=hunter2', '--task', 'the task'], { cwd: repo, env });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`${join(shared, 'tmuxcodex')} is a symbolic link (to ${evil})`);
    const status = await cli(ts, ['daemon', 'status'], { env });
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain('is a symbolic link');
    expect(existsSync(join(evil, 'received.txt'))).toBe(false);
    // Nothing of ours was made or changed there.
    expect(statSync(evil).uid).toBe(65534);
    expect(statSync(evil).mode & 0o777).toBe(0o755);
  });

  it('a folder of their own in its place: refused, naming its owner; nothing received', async () => {
    const planted = join(shared, 'tmuxcodex');
    await plant(planted, null);
    const res = await cli(ts, ['list'], { cwd: repo, env: { XDG_RUNTIME_DIR: shared } });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`${planted} belongs to uid 65534, not to you`);
    expect(existsSync(join(planted, 'received.txt'))).toBe(false);
  });

  it('our own folder there (the normal case) works: a daemon starts and answers', async () => {
    const res = await cli(ts, ['list'], { cwd: repo, env: { XDG_RUNTIME_DIR: shared } });
    expect(res.exitCode).toBe(0);
    expect(statSync(join(shared, 'tmuxcodex')).mode & 0o777).toBe(0o700);
    expect((await cli(ts, ['daemon', 'stop'], { env: { XDG_RUNTIME_DIR: shared } })).exitCode).toBe(0);
  });
});

describe('another user squatting the lock', () => {
  it('binding the old predictable abstract lock name (as nobody) does not keep the daemon from starting', async () => {
    const key = daemonPaths(ts.server.socketPath, ts.env).key;
    const squat = `require('net').createServer().listen(${JSON.stringify(`\0tmuxcodex-daemon-0-${key}`)}, () => console.log('READY'))`;
    fake = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', squat], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    fake.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => out.includes('READY'), { timeoutMs: 10_000, what: 'the squatter' });
    const res = await cli(ts, ['daemon', 'start'], { cwd: repo });
    expect([res.exitCode, res.stderr]).toEqual([0, '']);
    expect(res.stdout).toMatch(/^daemon running, pid \d+/);
    // The lock it holds instead is named only in its own 0700 folder, which nobody cannot enter.
    const paths = daemonPaths(ts.server.socketPath, ts.env);
    const name = readFileSync(`${paths.lockSocket}.name`, 'utf8').trim();
    expect(name).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(`${paths.lockSocket}.name`).mode & 0o777).toBe(0o600);
    expect(statSync(paths.runtimeDir).mode & 0o777).toBe(0o700);
    // Held: the kernel's list of abstract sockets has it (listed as @NAME).
    expect(readFileSync('/proc/net/unix', 'utf8')).toContain(`@tmuxcodex-lock-${name}`);
    expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
  });
});

describe('hooks on a settings file that is not JSON', () => {
  it('hooks uninstall --claude exits 2 with what is wrong and what to do, no stack trace, the file unchanged', async () => {
    const configDir = join(ts.root, 'claude-config');
    mkdirSync(configDir, { recursive: true });
    const settings = join(configDir, 'settings.json');
    writeFileSync(settings, '{ "model": "opus", ');
    const res = await cli(ts, ['hooks', 'uninstall', '--claude'], { env: { CLAUDE_CONFIG_DIR: configDir } });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`${settings} is not valid JSON`);
    expect(res.stderr).toContain('tmuxcodex hooks uninstall');
    expect(res.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(settings, 'utf8')).toBe('{ "model": "opus", ');
  });
});
