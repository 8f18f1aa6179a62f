// Messages for input the kernel, the terminal or the file system cannot take (issue 14, item 19):
// a task over the kernel's one-argument limit is refused before anything is made (it printed
// "spawned" and the agent died at once); names holding terminal escapes are printed as \xNN in
// errors; a state folder that cannot be made is named, without a stack trace; and a worktree
// folder deleted by hand shows in `list`, and `kill` tidies git's entry and the branch so the
// name can be spawned again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, FAKE_AGENT } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { userConfigPath } from '../../src/config/load.js';
import type { AgentRecord } from '../../src/core/agent.js';

let ts: TestServer;
let repo: string;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

beforeAll(async () => {
  ts = createTestServer('messages');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  // A profile that takes its task as an argument, as Codex and Claude do.
  const config = userConfigPath(ts.env);
  mkdirSync(join(config, '..'), { recursive: true });
  writeFileSync(config, ['profiles:', '  echoer:', `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}]`, '    taskArgs: []', ''].join('\n'));
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

const agentNames = async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.map((a) => a.name);

describe('a task longer than one program argument may be', () => {
  it('is refused with the limit and exit 2, and nothing is made; one just under it starts', async () => {
    // From a file: the command line itself could not carry it (the CLI could not be started with it).
    const file = join(ts.root, 'task.txt');
    writeFileSync(file, 'x'.repeat(200_000));
    const res = await cli(ts, ['spawn', 'echoer', '--name', 'long-task', '--worktree', 'new', '--task-file', file], { cwd: repo });
    expect(res.exitCode, res.stdout).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('The task is 200,000 bytes');
    expect(res.stderr).toContain('131,071');
    expect(await agentNames()).not.toContain('long-task');
    expect(existsSync(join(`${repo}.worktrees`, 'long-task'))).toBe(false);
    expect(await git(repo, ['branch', '--list', 'long-task'], ts.env)).toBe('');
    writeFileSync(file, 'z'.repeat(131_071));
    const ok = await cli(ts, ['spawn', 'echoer', '--name', 'under-limit', '--task-file', file], { cwd: repo });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(await agentNames()).toContain('under-limit');
    const started = (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === 'under-limit')!;
    expect(started.state).not.toBe('exited');
  });
});

describe('terminal escapes in names and paths', () => {
  it('reach the terminal as \\xNN in error messages, never raw', async () => {
    const name = 'evil\x1b]2;pwned\x07\x1b[31mred';
    const res = await cli(ts, ['kill', name]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('evil\\x1b]2;pwned\\x07\\x1b[31mred');
    expect(res.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    const bad = await cli(ts, ['spawn', '--name', name, '--cmd', 'true'], { cwd: repo });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  });
});

describe('a state folder that cannot be made', () => {
  it('is named with why and what to do, exit 1, no stack trace', async () => {
    const blocker = join(ts.root, 'not-a-folder');
    writeFileSync(blocker, 'a file where the state folder would go\n');
    // daemon start: `list` on a server with no agents answers without a daemon (issue 13), so it needs no state folder.
    const res = await cli(ts, ['-L', `${ts.socketName}-nostate`, 'daemon', 'start'], { env: { XDG_STATE_HOME: join(blocker, 'state') } });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(`Cannot use ${join(blocker, 'state', 'tmuxcodex')}`);
    expect(res.stderr).toContain('XDG_STATE_HOME');
    expect(res.stderr).not.toMatch(STACK);
  });
});

describe('a worktree folder deleted by hand', () => {
  it('shows in list; kill removes git\'s entry and the branch, and the name can be spawned again', async () => {
    const a = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'deleted', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
    rmSync(a.worktree!.path, { recursive: true, force: true });
    const listed = await cli(ts, ['list']);
    expect(listed.stdout.split('\n').find((l) => l.startsWith('deleted '))).toContain('worktree deleted');
    const killed = await cli(ts, ['kill', 'deleted']);
    expect(killed.exitCode, killed.stderr).toBe(0);
    expect(await git(repo, ['worktree', 'list', '--porcelain'], ts.env)).not.toContain(a.worktree!.path);
    expect(await git(repo, ['branch', '--list', 'deleted'], ts.env)).toBe('');
    const again = await cli(ts, ['spawn', '--name', 'deleted', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(existsSync(a.worktree!.path)).toBe(true);
  });
});
