// `tmuxcodex doctor` on real setups: a healthy one (daemon, plugin keys, hooks, a fake agent CLI on
// PATH) passes with exit 0; a broken one (a bad config, a socket folder others can enter, no tmux)
// names each problem with the command that fixes it and exits 1. --json is {ok, checks: [...]}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tmux } from '../../src/tmux/command.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { userConfigPath } from '../../src/config/load.js';

interface Report { ok: boolean; checks: { name: string; ok: boolean; detail: string; fix: string | null }[] }

const PLUGIN = fileURLToPath(new URL('../../tmux/tmuxcodex.tmux', import.meta.url));
const NAMES = ['node version', 'tmux version', 'git version', 'agent CLIs', 'hooks', 'config', 'socket folder', 'daemon', 'plugin keys', 'worktree root'];
let ts: TestServer;
let repo: string;
let pathEnv: NodeJS.ProcessEnv;

/** doctor --json, parsed, with its exit code. */
async function doctor(env: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number; report: Report }> {
  const res = await cli(ts, ['doctor', '--json'], { cwd: repo, env: { ...pathEnv, ...env } });
  return { exitCode: res.exitCode, report: JSON.parse(res.stdout) as Report };
}
const check = (r: Report, name: string) => r.checks.find((c) => c.name === name)!;

beforeAll(async () => {
  ts = createTestServer('doctor');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  // A fake Codex CLI on PATH: doctor finds it and asks its version.
  const bin = join(ts.root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'codex'), '#!/bin/sh\necho "codex-cli 0.99.0"\n');
  chmodSync(join(bin, 'codex'), 0o755);
  pathEnv = { PATH: `${bin}:${ts.env.PATH}` };
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
}, 60_000);

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('doctor', () => {
  it('passes a healthy setup and reports each thing it looked at', async () => {
    await ts.tmux(tmux.runShell(PLUGIN));
    expect((await cli(ts, ['hooks', 'install'], { cwd: repo })).exitCode).toBe(0);
    const { exitCode, report } = await doctor();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(NAMES);
    for (const c of report.checks) expect(c.fix).toBeNull();
    expect(check(report, 'node version').detail).toContain(`Node ${process.versions.node}`);
    expect(check(report, 'tmux version').detail).toMatch(/^tmux \d\.\d.*popups \(display-popup, 3\.2\): yes.*display-message -d, 3\.2\): yes/);
    expect(check(report, 'git version').detail).toMatch(/^git version \d.*merge-tree --stdin .*: yes/);
    expect(check(report, 'agent CLIs').detail).toContain(`codex: codex-cli 0.99.0 (${join(ts.root, 'bin/codex')})`);
    expect(check(report, 'agent CLIs').detail).toContain('claude: not found');
    expect(check(report, 'hooks').detail).toMatch(/Claude Code \(.*settings\.json\): installed; Codex \(.*config\.toml\): installed$/);
    expect(check(report, 'daemon').detail).toMatch(/^running \(pid \d+\), version (\S+); this CLI is \1$/);
    expect(check(report, 'plugin keys').detail).toBe(`prefix + a enters the tmuxcodex key table in ${ts.server.socketPath}`);
    expect(check(report, 'socket folder').detail).toMatch(/: mode 700, yours$/);
    expect(check(report, 'worktree root').detail).toMatch(new RegExp(`^${repo}\\.worktrees .*writable, .*(no reflinks|reflinks)`));
  });

  it('names each problem of a broken setup with its fix, and exits 1', async () => {
    const config = userConfigPath(ts.env);
    mkdirSync(join(config, '..'), { recursive: true });
    writeFileSync(config, 'layout:\n  sidebarWidth: 5\n');
    const socketDir = daemonPaths(ts.server.socketPath, ts.env).runtimeDir;
    chmodSync(socketDir, 0o755);
    try {
      const { exitCode, report } = await doctor();
      expect(exitCode).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['config', 'socket folder']);
      expect(check(report, 'config')).toMatchObject({ ok: false, fix: 'Fix the file at the line and column named, then check it: tmuxcodex config check' });
      expect(check(report, 'config').detail).toContain(`${config}:2:17`);
      expect(check(report, 'socket folder')).toMatchObject({ ok: false, detail: `${socketDir} is mode 755: others could reach the daemon's socket`, fix: `chmod 700 ${socketDir}` });
      // The same for a person: PROBLEM lines, each followed by its fix.
      const text = await cli(ts, ['doctor'], { cwd: repo, env: pathEnv });
      expect(text.exitCode).toBe(1);
      expect(text.stdout).toMatch(/^PROBLEM socket folder .*\n\s+fix: chmod 700 /m);
      expect(text.stdout).toContain('2 problem(s); each has its fix above');
    } finally {
      chmodSync(socketDir, 0o700);
      writeFileSync(config, '');
    }
  });

  it('says when tmux is missing, and how to install it', async () => {
    const { exitCode, report } = await doctor({ TMUXCODEX_TMUX: join(ts.root, 'no-such-tmux') });
    expect(exitCode).toBe(1);
    expect(check(report, 'tmux version')).toMatchObject({ ok: false, fix: expect.stringMatching(/^Install tmux 3\.2 or newer/) });
    expect(check(report, 'tmux version').detail).toContain('no-such-tmux -V` failed');
  });
});
