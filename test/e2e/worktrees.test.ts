// Worktrees that are ready to work in, with real tmux, real git and the built CLI: three agents in
// new worktrees of a Node project (node_modules hardlinked from a snapshot, .env copied, distinct
// PORTs, `npm test` in all three at once), run steps in the pane, trust, kill that archives work,
// archive restore, --keep-worktree, a shared worktree, sync-files, and every bad input leaving
// nothing behind. Every wait is a deadline on an observable fact, never a fixed sleep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { readTree, type TreeEntry } from '../helpers/tree.js';
import { tmux } from '../../src/tmux/command.js';
import { userConfigPath } from '../../src/config/load.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { withSetupSteps } from '../../src/agents/provision/run-steps.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { PaneId, WindowId } from '../../src/tmux/ids.js';

let ts: TestServer;
let proj: string;
let wtRoot: string;
let out: string;

const NAMES = ['w1', 'w2', 'w3'];
/** Held open by the test: `npm test` in each worktree listens on its PORT until this file exists. */
let release: string;

// ---- readers -----------------------------------------------------------------------------------

async function agents(): Promise<AgentRecord[]> {
  return (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'], { cwd: proj })).agents;
}

async function agent(name: string): Promise<AgentRecord | undefined> {
  return (await agents()).find((a) => a.name === name);
}

/** The agent's pane: screen and history, wrapped lines joined. */
async function capture(name: string): Promise<string> {
  const res = await cli(ts, ['capture', name, '--lines', '500'], { cwd: proj });
  if (res.exitCode !== 0) throw new Error(`capture ${name}: ${res.stderr}`);
  return res.stdout;
}

async function paneIds(): Promise<string[]> {
  return (await ts.tmux(tmux.listAllPanes('#{pane_id}'))).split('\n').filter(Boolean).sort();
}

async function branches(repo: string): Promise<string[]> {
  return (await git(repo, ['for-each-ref', '--format=%(refname)', 'refs/heads'], ts.env)).split('\n').filter(Boolean).sort();
}

const listDir = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);

/** Everything a spawn could leave behind: worktree folders, branches, worktrees, panes. */
async function world(repo: string): Promise<Record<string, unknown>> {
  return {
    folders: listDir(join(dirname(repo), `${repo.split('/').pop()}.worktrees`)),
    siblings: listDir(dirname(repo)),
    branches: existsSync(join(repo, '.git')) ? await branches(repo) : null,
    worktrees: existsSync(join(repo, '.git')) ? await git(repo, ['worktree', 'list', '--porcelain'], ts.env) : null,
    panes: await paneIds(),
  };
}

/** A worktree's own work: without .git and the ignored files (node_modules, .env*) no archive holds. */
const work = (wt: string): Record<string, TreeEntry> => readTree(wt, (rel, name) => rel === '.git' || rel === 'node_modules' || name.startsWith('.env'));

/** The agent command: writes what the pane's environment says, runs `npm test`, then stays. */
const AGENT_CMD = [
  'printf "%s\\n%s\\n" "$PORT" "$TMUXCODEX_WORKTREE" > "$OUT/$TMUXCODEX_AGENT_NAME.env"',
  'npm test > "$OUT/$TMUXCODEX_AGENT_NAME.npm" 2>&1',
  'echo "npm-exit=$?" >> "$OUT/$TMUXCODEX_AGENT_NAME.npm"',
  'exec sleep 600',
].join('; ');

// ---- the Node project fixture --------------------------------------------------------------------

function put(path: string, content: string | Buffer, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  if (mode !== undefined) chmodSync(path, mode);
}

const TEST_JS = `const fs = require('node:fs');
const http = require('node:http');
const dep = require('dep');
if (dep.answer !== 42) throw new Error('dep did not load');
const port = Number(process.env.PORT);
const srv = http.createServer((q, s) => s.end('ok'));
srv.listen(port, '127.0.0.1', () => {
  console.log('listening ' + port);
  const t = setInterval(() => {
    if (fs.existsSync(process.env.RELEASE_FILE)) { clearInterval(t); srv.close(() => console.log('tests passed')); }
  }, 20);
});
`;

async function makeNodeProject(dir: string): Promise<void> {
  await makeRepo(dir, ts.env);
  put(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', private: true, scripts: { test: 'dep-cli && node test.js' } }, null, 2) + '\n');
  put(join(dir, 'package-lock.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'fixture', version: '1.0.0' } } }, null, 2) + '\n');
  put(join(dir, '.gitignore'), 'node_modules/\n.env*\n');
  put(join(dir, 'test.js'), TEST_JS);
  put(join(dir, 'src/app.js'), 'export const app = 1;\n');
  put(join(dir, 'src/old.js'), 'export const old = 1;\n');
  put(join(dir, 'scripts/run.sh'), '#!/bin/sh\necho run\n');
  put(join(dir, 'assets/logo.bin'), randomBytes(1024));
  await git(dir, ['add', '-A'], ts.env);
  await git(dir, ['commit', '-q', '-m', 'node project'], ts.env);
  // installed dependencies (git-ignored), with a .bin link, and a .env
  put(join(dir, 'node_modules/.package-lock.json'), '{"name":"fixture","lockfileVersion":3}\n');
  put(join(dir, 'node_modules/dep/package.json'), JSON.stringify({ name: 'dep', version: '1.0.0', main: 'index.js', bin: { 'dep-cli': 'cli.js' } }) + '\n');
  put(join(dir, 'node_modules/dep/index.js'), 'module.exports = { answer: 42 };\n');
  put(join(dir, 'node_modules/dep/cli.js'), '#!/usr/bin/env node\nconsole.log("dep-cli ok");\n', 0o755);
  put(join(dir, 'node_modules/dep/lib/deep/util.js'), 'module.exports = 1;\n');
  mkdirSync(join(dir, 'node_modules/.bin'));
  symlinkSync('../dep/cli.js', join(dir, 'node_modules/.bin/dep-cli'));
  put(join(dir, '.env'), 'SECRET=one\n');
}

beforeAll(async () => {
  ts = createTestServer('worktrees');
  proj = join(ts.root, 'proj');
  wtRoot = join(ts.root, 'proj.worktrees');
  out = join(ts.root, 'out');
  release = join(out, 'release');
  mkdirSync(out);
  await makeNodeProject(proj);
  const up = await cli(ts, ['up', '--detached'], { cwd: proj });
  expect(up.exitCode, up.stderr).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']).catch(() => {});
  await ts.dispose();
});

/** Spawns an agent in a new worktree of proj running cmd; returns its record. */
async function spawnNew(name: string, cmd: string, extra: string[] = [], cwd = proj): Promise<AgentRecord> {
  return cliJson<AgentRecord>(ts, ['spawn', '--worktree', 'new', '--name', name, '--env', `OUT=${out}`, '--env', `RELEASE_FILE=${release}`, '--env', 'npm_config_update_notifier=false', ...extra, '--cmd', cmd], { cwd });
}

// ---- three agents ------------------------------------------------------------------------------

describe('three agents in new worktrees of a Node project', () => {
  let spawned: AgentRecord[];

  beforeAll(async () => {
    spawned = await Promise.all(NAMES.map((n) => spawnNew(n, AGENT_CMD)));
  });

  it('each gets <repo>.worktrees/<name> on branch <name>, from the tip of main', async () => {
    const main = (await git(proj, ['rev-parse', 'main'], ts.env)).trim();
    const listed = await git(proj, ['worktree', 'list', '--porcelain'], ts.env);
    for (const a of spawned) {
      const path = join(wtRoot, a.name);
      expect(a).toMatchObject({ worktree: { path, mode: 'new' }, branch: a.name, base: main, target: 'main', source: proj, cwd: path, state: 'running' });
      expect((await git(path, ['symbolic-ref', '--short', 'HEAD'], ts.env)).trim()).toBe(a.name);
      expect((await git(path, ['rev-parse', 'HEAD'], ts.env)).trim()).toBe(main);
      expect(listed).toContain(`worktree ${path}\n`);
    }
  });

  it('each has .env and node_modules of its own: cloned from one private snapshot, never from the checkout, and once it runs sharing no file with the snapshot or a sibling', async () => {
    const snapshotRoot = join(wtRoot, '.tmuxcodex-snapshots');
    const snapshots = listDir(snapshotRoot).filter((n) => n.startsWith('snap-') && !n.includes('partial') && lstatSync(join(snapshotRoot, n)).isDirectory());
    expect(snapshots).toHaveLength(1);
    const snapshot = join(snapshotRoot, snapshots[0]!);
    const source = readTree(join(proj, 'node_modules'));
    const deep = 'node_modules/dep/lib/deep/util.js';
    for (const name of NAMES) {
      const wt = join(wtRoot, name);
      expect(readFileSync(join(wt, '.env'), 'utf8')).toBe('SECRET=one\n');
      expect(readTree(join(wt, 'node_modules'))).toEqual(source);
      expect(readlinkSync(join(wt, 'node_modules/.bin/dep-cli'))).toBe('../dep/cli.js');
      expect(statSync(join(wt, deep)).ino).not.toBe(statSync(join(proj, deep)).ino);
      // Hardlinks, if any, last only until the background gives each file an inode of its own.
      await waitFor(() => statSync(join(wt, deep)).nlink === 1, { timeoutMs: 20_000, what: `${name}'s files unshared` });
      expect(statSync(join(wt, deep)).ino).not.toBe(statSync(join(snapshot, deep.slice('node_modules/'.length))).ino);
    }
    expect(new Set(NAMES.map((n) => statSync(join(wtRoot, n, deep)).ino)).size).toBe(NAMES.length);
    expect(statSync(join(proj, 'node_modules/dep/index.js')).nlink).toBe(1);
  });

  it('each has its own PORT, in list --json and in the pane\'s environment, with TMUXCODEX_WORKTREE', async () => {
    const listed = await agents();
    const ports = NAMES.map((n) => listed.find((a) => a.name === n)!.ports);
    for (const p of ports) expect(p).toHaveLength(1);
    expect(new Set(ports.map((p) => p[0])).size).toBe(3);
    for (const [i, name] of NAMES.entries()) {
      const envFile = join(out, `${name}.env`);
      const text = await waitFor(() => (existsSync(envFile) ? readFileSync(envFile, 'utf8') : null), { timeoutMs: 10_000, what: `${name}.env` });
      expect(text).toBe(`${ports[i]![0]}\n${join(wtRoot, name)}\n`);
    }
    const table = (await cli(ts, ['list'], { cwd: proj })).stdout;
    for (const p of ports) expect(table).toContain(String(p[0]));
  });

  it('all three run `npm test` at once, each on its PORT, with the cloned node_modules', async () => {
    const log = (name: string) => { try { return readFileSync(join(out, `${name}.npm`), 'utf8'); } catch { return ''; } };
    const listed = await agents();
    // All three listen at the same time: none finishes before the release file exists.
    await waitFor(() => NAMES.every((n) => log(n).includes(`listening ${listed.find((a) => a.name === n)!.ports[0]}`)), { timeoutMs: 30_000, what: 'three test servers listening' });
    for (const n of NAMES) expect(log(n)).not.toContain('npm-exit');
    writeFileSync(release, '');
    await waitFor(() => NAMES.every((n) => log(n).includes('npm-exit=')), { timeoutMs: 15_000, what: 'npm test to finish' });
    for (const n of NAMES) {
      expect(log(n)).toContain('dep-cli ok'); // the .bin link works
      expect(log(n)).toContain('tests passed');
      expect(log(n)).toContain('npm-exit=0');
    }
  });

  it('sync-files copies an updated .env into the live worktrees', async () => {
    writeFileSync(join(proj, '.env'), 'SECRET=two\n');
    const one = await cli(ts, ['sync-files', 'w1'], { cwd: proj });
    expect(one.exitCode, one.stderr).toBe(0);
    expect(one.stdout).toBe('w1: .env');
    expect(readFileSync(join(wtRoot, 'w1/.env'), 'utf8')).toBe('SECRET=two\n');
    expect(readFileSync(join(wtRoot, 'w2/.env'), 'utf8')).toBe('SECRET=one\n');
    const all = await cliJson<{ results: Array<{ agent: string; worktree: string; copied: string[] }> }>(ts, ['sync-files', '--all'], { cwd: proj });
    for (const n of NAMES) {
      expect(all.results.find((r) => r.agent === n)).toEqual({ agent: n, worktree: join(wtRoot, n), copied: ['.env'] });
      expect(readFileSync(join(wtRoot, n, '.env'), 'utf8')).toBe('SECRET=two\n');
    }
  });
});

// ---- run steps and trust -------------------------------------------------------------------------

describe('run steps in the pane', () => {
  it('a run step from the user\'s config runs in the pane before the agent, visibly', async () => {
    // the user's own config file (in the test's XDG_CONFIG_HOME), trusted without asking
    const config = userConfigPath(ts.env);
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, 'setup:\n  - copy: ".env*"\n  - run: "echo step-ran-in-$TMUXCODEX_AGENT_NAME"\n');
    let a: AgentRecord;
    try {
      a = await spawnNew('runok', 'echo AGENT-STARTED; exec sleep 600');
    } finally {
      rmSync(config);
    }
    expect(a.state).toBe('running');
    const screen = await waitFor(async () => { const s = await capture('runok'); return s.includes('AGENT-STARTED') ? s : null; }, { timeoutMs: 10_000, what: 'the agent after its setup' });
    const order = ['tmuxcodex setup 1/1: echo step-ran-in-$TMUXCODEX_AGENT_NAME', 'step-ran-in-runok', 'tmuxcodex setup done.', 'AGENT-STARTED'].map((s) => screen.indexOf(s));
    expect(order.every((i) => i >= 0), screen).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(readFileSync(join(wtRoot, 'runok/.env'), 'utf8')).toBe('SECRET=two\n');
  });

  it('a failing run step shows its failure, the agent is not started, the agent exits with its status', async () => {
    const config = join(ts.root, 'run-fail.yaml');
    writeFileSync(config, 'setup:\n  - run: "echo about-to-fail; exit 3"\n  - run: "echo never-runs"\n');
    await spawnNew('runfail', 'echo AGENT-STARTED; exec sleep 600', ['--config', config]);
    // the status can follow the dead flag by a moment (tmux 3.3a reaps late; the daemon nudges it)
    const a = await waitFor(async () => { const x = await agent('runfail'); return x?.state === 'exited' && x.exitCode !== null ? x : null; }, { timeoutMs: 10_000, what: 'runfail exited with a status' });
    expect(a.exitCode).toBe(3);
    const screen = await capture('runfail');
    expect(screen).toContain('about-to-fail');
    expect(screen).toContain('setup step failed (exit 3)');
    expect(screen).toContain('The agent was not started.');
    expect(screen).not.toContain('never-runs');
    expect(screen).not.toContain('AGENT-STARTED');
  });

  it('the setup script\'s failure stays readable in a tmux pane while the server is busy', async () => {
    // tmux 3.3a closes a pane's pty as soon as it reaps the child: output not yet read is dropped
    // and the pane shows only "Pane is dead". A busy server (agents printing a lot) makes the race
    // likely. The pane runs exactly what spawn gives it: withSetupSteps' argv via split-window.
    const program = withSetupSteps({ kind: 'shell', command: 'echo AGENT-STARTED' }, ['echo about-to-fail; exit 3'], '/bin/sh')!;
    await ts.tmux(tmux.raw('new-session', '-d', '-s', 'busy', '-x', '200', '-y', '50', 'yes noise-noise-noise'));
    await ts.tmux(tmux.raw('split-window', '-d', '-t', 'busy', 'yes more-noise'));
    try {
      const attempts = await Promise.all(Array.from({ length: 12 }, async () => {
        const window = (await ts.tmux(tmux.raw('new-window', '-d', '-P', '-F', '#{window_id}', '-t', 'busy', 'sleep 600'))).trim() as WindowId;
        await ts.tmux(tmux.raw('set-option', '-w', '-t', window, 'remain-on-exit', 'on'));
        const pane = (await ts.tmux(tmux.splitWindow({ target: window, cwd: ts.root, horizontal: false, program, format: '#{pane_id}' }))).trim() as PaneId;
        await waitFor(async () => (await ts.tmux(tmux.raw('display', '-p', '-t', pane, '#{pane_dead_status}'))).trim() === '3', { timeoutMs: 15_000, what: `${pane} dead with status 3` });
        return (await ts.tmux(tmux.capturePane(pane, 100)));
      }));
      const unreadable = attempts.filter((screen) => !screen.includes('setup step failed (exit 3)'));
      expect(unreadable.length, `panes showing no failure, e.g.:\n${unreadable[0]?.trim()}`).toBe(0);
    } finally {
      await ts.tmux(tmux.raw('kill-session', '-t', 'busy'));
    }
  });
});

describe('trust for a repository\'s own .tmuxcodex.yaml', () => {
  let repo: string;

  beforeAll(async () => {
    repo = await makeRepo(join(ts.root, 'trusted'), ts.env);
    writeFileSync(join(repo, '.tmuxcodex.yaml'), 'setup:\n  - run: "echo repo-step-one"\n');
  });

  async function spawnIn(name: string) {
    return cli(ts, ['spawn', '--worktree', 'new', '--name', name, '--cmd', 'echo AGENT-STARTED; exec sleep 600'], { cwd: repo });
  }

  it('refuses run steps until `tmuxcodex trust`, creating nothing; then runs them', async () => {
    const before = await world(repo);
    const refused = await spawnIn('t1');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${join(repo, '.tmuxcodex.yaml')} asks for setup steps or commands you have not approved`);
    expect(refused.stderr).toContain('run: echo repo-step-one');
    expect(refused.stderr).toContain('tmuxcodex trust');
    expect(refused.stdout).toBe('');
    expect(await world(repo)).toEqual(before);

    const shown = await cli(ts, ['trust', '--show'], { cwd: repo });
    expect(shown.exitCode).toBe(1);
    expect(shown.stdout).toContain('NOT trusted');
    const trusted = await cli(ts, ['trust'], { cwd: repo });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    expect(trusted.stdout).toMatch(/^trusted .*\.tmuxcodex\.yaml/);

    const ok = await spawnIn('t1');
    expect(ok.exitCode, ok.stderr).toBe(0);
    await waitFor(async () => { const s = await capture('t1'); return s.includes('repo-step-one') && s.includes('AGENT-STARTED'); }, { timeoutMs: 10_000, what: 'the trusted step in the pane' });
  });

  it('asks again once the file changes', async () => {
    writeFileSync(join(repo, '.tmuxcodex.yaml'), 'setup:\n  - run: "echo repo-step-one"\n  - run: "echo repo-step-two"\n');
    const before = await world(repo);
    const refused = await spawnIn('t2');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('run: echo repo-step-two');
    const asJson = await cli(ts, ['--json', 'spawn', '--worktree', 'new', '--name', 't2', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(asJson.exitCode).toBe(2);
    expect(JSON.parse(asJson.stderr).error).toMatchObject({ code: 'UNTRUSTED_CONFIG', kind: 'usage' });
    expect(await world(repo)).toEqual(before);
    expect((await cli(ts, ['trust'], { cwd: repo })).exitCode).toBe(0);
    const ok = await spawnIn('t2');
    expect(ok.exitCode, ok.stderr).toBe(0);
    await waitFor(async () => (await capture('t2')).includes('repo-step-two'), { timeoutMs: 10_000, what: 'the second step' });
  });

  it('trust given in a repository reached through a symlinked folder holds for spawns from there', async () => {
    // e.g. ~/code -> /data/code, or macOS's /tmp -> /private/tmp
    const linked = join(ts.root, 'linked-trusted');
    symlinkSync(repo, linked);
    writeFileSync(join(repo, '.tmuxcodex.yaml'), 'setup:\n  - run: "echo via-symlink"\n');
    const trusted = await cli(ts, ['trust'], { cwd: linked });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    const shown = await cli(ts, ['trust', '--show'], { cwd: linked });
    expect(shown.stdout).toContain('is trusted');
    const res = await cli(ts, ['spawn', '--worktree', 'new', '--name', 't3', '--cmd', 'exec sleep 600'], { cwd: linked });
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(0);
  });
});

describe('a repository\'s own steps and a tracked symlink that leads out of it', () => {
  it('copy/symlink steps need trust too; trusted, a/evil through the tracked symlink a -> outside is refused and nothing is made there', async () => {
    const repo = await makeRepo(join(ts.root, 'escape'), ts.env);
    const outside = join(ts.root, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(repo, 'a'));
    writeFileSync(join(repo, '.tmuxcodex.yaml'), 'setup:\n  - symlink: [a/evil]\n  - copy: "a/deep/.env"\n');
    await git(repo, ['add', 'a', '.tmuxcodex.yaml'], ts.env);
    await git(repo, ['commit', '-q', '-m', 'a tracked symlink out of the repository'], ts.env);
    writeFileSync(join(outside, 'evil'), 'the source side leads out too\n');
    const spawnEsc = () => cli(ts, ['spawn', '--worktree', 'new', '--name', 'esc', '--cmd', 'exec sleep 600'], { cwd: repo });
    const refused = await spawnEsc();
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('symlink: a/evil');
    expect(refused.stderr).toContain('copy: a/deep/.env');
    expect((await cli(ts, ['trust'], { cwd: repo })).exitCode).toBe(0);
    const ok = await spawnEsc();
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readdirSync(outside)).toEqual(['evil']);
    // The refusal is said in the daemon's provisioning note for the spawn.
    const log = daemonPaths(ts.server.socketPath, ts.env).log;
    await waitFor(() => /provisioned .*esc: .*refused a\/evil \(/.test(readFileSync(log, 'utf8')), { timeoutMs: 5000, what: 'the provisioning note' });
    expect(readFileSync(log, 'utf8')).toMatch(/refused a\/evil \(a in the new worktree leads to .*, outside it\)/);
    await cli(ts, ['kill', 'esc', '--force']);
  });
});

// ---- teardown ----------------------------------------------------------------------------------

describe('kill, archive and restore', () => {
  let before: Record<string, TreeEntry>;
  let w1Commit: string;

  it('kill of an agent with uncommitted and untracked work archives it, removes the worktree, keeps the unmerged branch', async () => {
    const wt = join(wtRoot, 'w1');
    // a commit on the branch (so it is not merged), then uncommitted work of every kind
    writeFileSync(join(wt, 'src/app.js'), 'export const app = 2;\n');
    await git(wt, ['commit', '-q', '-am', 'work on w1'], ts.env);
    w1Commit = (await git(wt, ['rev-parse', 'HEAD'], ts.env)).trim();
    writeFileSync(join(wt, 'src/app.js'), 'export const app = 3; // uncommitted\n');
    unlinkSync(join(wt, 'src/old.js'));
    chmodSync(join(wt, 'scripts/run.sh'), 0o755);
    put(join(wt, 'notes/new file.md'), 'untracked notes\n');
    put(join(wt, 'assets/new.bin'), randomBytes(512));
    symlinkSync('../src/app.js', join(wt, 'notes/app-link'));
    before = work(wt);

    const res = await cli(ts, ['kill', 'w1'], { cwd: proj });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('killed w1');
    expect(res.stdout).toContain('saved 6 changed file(s) as archive w1/1 (refs/tmuxcodex/archive/w1/1)');
    expect(res.stdout).toContain('tmuxcodex archive restore w1/1');
    expect(res.stdout).toContain(`removed worktree ${wt}`);
    expect(res.stdout).toContain('kept branch w1 (not merged into main');
    expect(existsSync(wt)).toBe(false);
    expect(await git(proj, ['worktree', 'list', '--porcelain'], ts.env)).not.toContain(`worktree ${wt}\n`);
    expect(await branches(proj)).toContain('refs/heads/w1');
    expect((await git(proj, ['rev-parse', 'w1'], ts.env)).trim()).toBe(w1Commit);
    expect(await agent('w1')).toBeUndefined();
  });

  it('kill of an agent with nothing to save deletes its merged branch', async () => {
    const wt = join(wtRoot, 'w2');
    const res = await cli(ts, ['kill', 'w2'], { cwd: proj });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).not.toContain('saved');
    expect(res.stdout).toContain(`removed worktree ${wt}`);
    expect(res.stdout).toContain('deleted branch w2 (merged into its target)');
    expect(existsSync(wt)).toBe(false);
    expect(await branches(proj)).not.toContain('refs/heads/w2');
  });

  it('archive list shows the work; archive restore brings every byte back in a new worktree', async () => {
    const list = await cliJson<{ archives: Array<{ id: string; branch: string | null; files: number; base: string }> }>(ts, ['archive', 'list'], { cwd: proj });
    expect(list.archives).toEqual([expect.objectContaining({ id: 'w1/1', branch: 'w1', files: 6, base: w1Commit })]);
    const restored = await cliJson<{ id: string; path: string }>(ts, ['archive', 'restore', 'w1/1'], { cwd: proj });
    expect(restored).toEqual({ id: 'w1/1', path: join(wtRoot, 'w1-restored-1') });
    expect(work(restored.path)).toEqual(before);
    expect(work(restored.path)['scripts/run.sh']).toMatchObject({ mode: 0o755 });
    expect(existsSync(join(restored.path, 'src/old.js'))).toBe(false);
    expect((await git(restored.path, ['rev-parse', 'HEAD'], ts.env)).trim()).toBe(w1Commit);
    expect((await git(restored.path, ['symbolic-ref', '--short', 'HEAD'], ts.env)).trim()).toBe('w1-restored-1');
  });

  it('--keep-worktree keeps the worktree, its work and its branch, and archives nothing', async () => {
    const wt = join(wtRoot, 'w3');
    writeFileSync(join(wt, 'src/app.js'), 'export const app = "kept";\n');
    const res = await cli(ts, ['kill', 'w3', '--keep-worktree'], { cwd: proj });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('kept the worktree: --keep-worktree');
    expect(res.stdout).not.toContain('saved');
    expect(readFileSync(join(wt, 'src/app.js'), 'utf8')).toBe('export const app = "kept";\n');
    expect(await branches(proj)).toContain('refs/heads/w3');
    expect(await git(proj, ['for-each-ref', 'refs/tmuxcodex/archive/w3/'], ts.env)).toBe('');
    expect(await agent('w3')).toBeUndefined();
    // an archive is not restored into it while it holds work of its own
    const into = await cli(ts, ['archive', 'restore', 'w1/1', '--into', wt], { cwd: proj });
    expect(into.exitCode).toBe(2);
    expect(into.stderr).toContain(`${wt} has uncommitted changes`);
    expect(readFileSync(join(wt, 'src/app.js'), 'utf8')).toBe('export const app = "kept";\n');
  });

  it('a worktree shared with a live agent (--parent) is not removed when its owner is killed', async () => {
    const lead = await spawnNew('lead', 'exec sleep 600');
    const helper = await cliJson<AgentRecord>(ts, ['spawn', '--parent', 'lead', '--name', 'helper', '--cmd', 'exec sleep 600'], { cwd: proj });
    expect(helper).toMatchObject({ parentId: lead.id, worktree: { path: lead.worktree!.path, mode: 'shared' }, branch: 'lead' });
    writeFileSync(join(lead.worktree!.path, 'helper-work.txt'), 'in progress\n');
    // Not told what happens to its child, kill refuses (issue 8) and stops nothing.
    const refused = await cli(ts, ['kill', 'lead', '--json'], { cwd: proj });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('CHILDREN_RUNNING');
    expect((await agent('lead'))?.state).toBe('running');
    const res = await cli(ts, ['kill', 'lead', '--children', 'keep'], { cwd: proj });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('kept the worktree: still used by helper');
    expect(readFileSync(join(lead.worktree!.path, 'helper-work.txt'), 'utf8')).toBe('in progress\n');
    expect(await branches(proj)).toContain('refs/heads/lead');
    expect((await agent('helper'))?.state).toBe('running');
  });
});

// ---- bad input -----------------------------------------------------------------------------------

describe('bad input: exit 2, a clear message, nothing left behind', () => {
  beforeAll(async () => {
    await git(proj, ['branch', 'taken'], ts.env);
    put(join(wtRoot, 'occupied/keep.txt'), 'someone else\'s folder\n');
    mkdirSync(join(ts.root, 'plain'));
    mkdirSync(join(ts.root, 'empty'));
    await git(join(ts.root, 'empty'), ['init', '-q'], ts.env);
  });

  const cmd = ['--cmd', 'exec sleep 600'];
  it.each([
    ['an invalid branch name', ['--name', 'bad1', '--branch', 'bad..name'], 'proj', /"bad\.\.name" is not a valid branch name/],
    ['an invalid branch name (a lock suffix)', ['--name', 'bad2', '--branch', 'x.lock'], 'proj', /"x\.lock" is not a valid branch name/],
    ['a taken branch name, derived from the name', ['--name', 'taken'], 'proj', /A branch named "taken" exists already/],
    ['a branch checked out in the main worktree', ['--name', 'bad3', '--branch', 'main'], 'proj', /Branch "main" is checked out in .*\/proj;/],
    ['a branch checked out in another agent\'s worktree', ['--name', 'bad4', '--branch', 'w3'], 'proj', /Branch "w3" is checked out in .*proj\.worktrees\/w3/],
    ['a target path that exists', ['--name', 'occupied'], 'proj', /proj\.worktrees\/occupied exists already/],
    ['a base that does not resolve', ['--name', 'bad5', '--base', 'no-such-ref'], 'proj', /--base no-such-ref does not name a commit/],
    ['a target that does not exist', ['--name', 'bad6', '--target', 'no-such-branch'], 'proj', /The target "no-such-branch" does not exist/],
    ['not a git repository', ['--name', 'bad7'], 'plain', /is not inside a git repository/],
    ['a repository with no commits', ['--name', 'bad8'], 'empty', /has no commits yet/],
  ])('%s', async (_label, args, where, message) => {
    const cwd = where === 'proj' ? proj : join(ts.root, where);
    const repoForWorld = where === 'proj' ? proj : cwd;
    const before = await world(repoForWorld);
    const res = await cli(ts, ['spawn', '--worktree', 'new', ...args, ...cmd], { cwd });
    expect(res.exitCode, res.stderr).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stdout).toBe('');
    expect(await world(repoForWorld)).toEqual(before);
    expect(readFileSync(join(wtRoot, 'occupied/keep.txt'), 'utf8')).toBe('someone else\'s folder\n');
  });

  it.each([
    ['--branch', ['--branch', 'b1']],
    ['--base', ['--base', 'main']],
    ['--branch with --worktree shared', ['--worktree', 'shared', '--branch', 'b2']],
  ])('%s without --worktree new', async (_label, args) => {
    const before = await world(proj);
    const res = await cli(ts, ['spawn', '--name', 'bad9', ...args, ...cmd], { cwd: proj });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('--branch and --base apply to a new worktree (--worktree new)');
    expect(await world(proj)).toEqual(before);
  });

  it('--branch of an existing branch without --name takes the first free default name (the branch is not the name)', async () => {
    await git(proj, ['branch', 'kept-b', 'main'], ts.env);
    const taken = new Set((await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.map((a) => a.name));
    let expected = '';
    for (let n = 1; !expected; n++) if (!taken.has(`cmd-${n}`) && !existsSync(join(wtRoot, `cmd-${n}`))) expected = `cmd-${n}`;
    const a = await cliJson<AgentRecord>(ts, ['spawn', '--worktree', 'new', '--branch', 'kept-b', ...cmd], { cwd: proj });
    expect(a.name).toBe(expected);
    expect(a.branch).toBe('kept-b');
    expect((await git(a.worktree!.path, ['symbolic-ref', '--short', 'HEAD'], ts.env)).trim()).toBe('kept-b');
    expect((await cli(ts, ['kill', a.name, '--force'])).exitCode).toBe(0);
  });

  it('a failure after the worktree was made (no free port) takes the worktree and branch back', async () => {
    const held: Server = createServer();
    const port = await new Promise<number>((resolve) => held.listen({ port: 0, host: '0.0.0.0' }, () => resolve((held.address() as { port: number }).port)));
    try {
      const config = join(ts.root, 'one-port.yaml');
      writeFileSync(config, `ports:\n  range: [${port}, ${port}]\n`);
      const before = await world(proj);
      const res = await cli(ts, ['--config', config, 'spawn', '--worktree', 'new', '--name', 'noport', ...cmd], { cwd: proj });
      expect(res.exitCode).toBe(1);
      expect(res.stderr).toContain(`No 1 free port(s) left in ${port}-${port}`);
      expect(await world(proj)).toEqual(before);
    } finally {
      held.close();
    }
  });
});
