// The CLIs' own sessions beside the agents, and an agent pane that runs something else, through
// `list` on a real tmux server with the daemon running. Claude's `-w NAME --tmux` session is made
// on the server exactly as Claude makes it (FORMATS.md 5.4: the worktree at .claude/worktrees/NAME
// on branch worktree-NAME, `new-session -d -s <repo>_worktree-NAME -e CLAUDE_CODE_TMUX_SESSION=…
// -c <worktree>`, and its sessions/<pid>.json naming the tmux pane); a `claude --bg` session is its
// sessions/<pid>.json (kind "bg", jobId) of a live process. The answers are checked against tmux's
// own list-sessions and pane_current_command, Claude's files, and git's worktree list and status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, FAKE_AGENT } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { tmux } from '../../src/tmux/command.js';

let ts: TestServer;
let repo: string;
let claudeDir: string;
let bgProcess: ChildProcess;

interface Unmanaged { kind: string; id: string; pid: number | null; sessionId: string | null; cwd: string; worktree: string | null; name: string | null; status: string | null; attach: string }
interface ListJson { agents: Array<{ name: string; paneId: string; paneRuns?: string | null }>; unmanaged: Unmanaged[] }
interface MapJson { rows: Array<{ worktree: string | null; branch: string | null; dirty: number | null; agents: string[]; madeBy: { by: string; name: string } | null }> }

/** Claude's sessions/<pid>.json, in the shape 2.1.332 writes (claude332-session-registry-*.json). */
function registryEntry(pid: number, fields: Record<string, unknown>): void {
  mkdirSync(join(claudeDir, 'sessions'), { recursive: true });
  writeFileSync(join(claudeDir, 'sessions', `${pid}.json`), JSON.stringify({
    pid, startedAt: Date.now(), procStart: '1', version: '2.1.332', peerProtocol: 1, peerFeatures: ['notify_idle'], entrypoint: 'cli',
    pidDomain: 'linux:0:pid:[1]', asksForConvertedSkills: null, messagingSocketPath: `/tmp/cc-socks/${pid}.sock`, nameSince: Date.now(), updatedAt: Date.now(), statusUpdatedAt: Date.now(), ...fields,
  }));
}

beforeAll(async () => {
  ts = createTestServer('unmanaged');
  claudeDir = join(ts.root, 'claude-config');
  ts.env.CLAUDE_CONFIG_DIR = claudeDir;
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  // Who commits there (a pick, Claude's own commits): the repository's identity, as a person has one.
  await git(repo, ['config', 'user.name', 'Person'], ts.env);
  await git(repo, ['config', 'user.email', 'person@example.com'], ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
});

afterAll(async () => {
  bgProcess?.kill();
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe("the CLIs' own sessions in list", () => {
  it('lists a `claude -w NAME --tmux` session with its worktree, and the map shows that worktree as Claude\'s, not as dirty files of the checkout', async () => {
    const wt = join(repo, '.claude', 'worktrees', 'feat6');
    await git(repo, ['worktree', 'add', '-q', '--lock', '--reason', 'claude session feat6 (pid 1 start 1)', '-b', 'worktree-feat6', wt, 'HEAD'], ts.env);
    await ts.tmux(tmux.raw('new-session', '-d', '-s', 'repo_worktree-feat6', '-e', 'CLAUDE_CODE_TMUX_SESSION=repo_worktree-feat6', '-e', 'CLAUDE_CODE_TMUX_PREFIX=C-b', '-e', `CLAUDE_CONFIG_DIR=${claudeDir}`, '-c', wt, '--', 'sleep', '600'));
    const [pid, where] = (await ts.tmux(tmux.raw('display-message', '-p', '-t', '=repo_worktree-feat6:', '#{pane_pid} #{session_name}:#{window_id}.#{pane_id}'))).trim().split(' ');
    registryEntry(Number(pid), { sessionId: '3d2a8373-a268-4cd9-b7e9-6f44729d8a11', cwd: wt, kind: 'interactive', tmux: where, name: 'feat6-12', nameSource: 'derived', status: 'idle' });
    writeFileSync(join(wt, 'wip.txt'), 'work in the Claude worktree\n');

    const sessions = (await ts.tmux(tmux.raw('list-sessions', '-F', '#{session_name}\t#{session_path}'))).trim().split('\n').map((l) => l.split('\t'));
    expect(sessions).toContainEqual(['repo_worktree-feat6', wt]);
    const list = await cliJson<ListJson>(ts, ['list'], { cwd: repo });
    const s = list.unmanaged.find((u) => u.id === 'repo_worktree-feat6');
    expect(s).toEqual({ kind: 'claude-tmux', id: 'repo_worktree-feat6', pid: Number(pid), sessionId: '3d2a8373-a268-4cd9-b7e9-6f44729d8a11', cwd: wt, worktree: wt, name: 'feat6-12', status: 'idle', attach: `tmux -S ${ts.server.socketPath} attach -t =repo_worktree-feat6` });
    // The agents session itself is never listed as unmanaged.
    expect(list.unmanaged.map((u) => u.id)).not.toContain('agents');
    const table = await cli(ts, ['list'], { cwd: repo });
    expect(table.stdout).toContain('unmanaged');
    expect(table.stdout).toContain('repo_worktree-feat6');

    // git counts the nested worktree as an untracked folder of the checkout; the map does not.
    expect(await git(repo, ['status', '--porcelain', '--untracked-files=all'], ts.env)).toContain('.claude/worktrees/feat6/');
    const map = await cliJson<MapJson>(ts, ['map'], { cwd: repo });
    const paths = (await git(repo, ['worktree', 'list', '--porcelain'], ts.env)).split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9));
    expect(map.rows.map((r) => r.worktree).filter(Boolean).sort()).toEqual([...paths].sort());
    expect(map.rows.find((r) => r.worktree === repo)).toMatchObject({ dirty: 0 });
    expect(map.rows.find((r) => r.worktree === wt)).toMatchObject({ branch: 'worktree-feat6', dirty: 1, agents: [], madeBy: { by: 'claude', name: 'feat6' } });
    expect((await cli(ts, ['map'], { cwd: repo })).stdout).toMatch(/worktree-feat6\s+- \(claude: feat6\)/);

    // A fix on main brought into the Claude worktree by its folder: refused while it has work of its own, as git status says.
    writeFileSync(join(repo, 'fix.txt'), 'fixed\n');
    await git(repo, ['add', 'fix.txt'], ts.env);
    await git(repo, ['commit', '-q', '-m', 'the fix'], ts.env);
    const fix = (await git(repo, ['rev-parse', 'HEAD'], ts.env)).trim();
    const dirty = await cli(ts, ['propagate', fix, '--to', wt, '--json'], { cwd: repo });
    expect(dirty.exitCode).toBe(1);
    expect((await git(wt, ['status', '--porcelain'], ts.env)).trim()).toBe('?? wip.txt');
    expect((JSON.parse(dirty.stdout) as { results: Array<{ worktree: string; outcome: string }> }).results).toMatchObject([{ worktree: wt, outcome: 'skipped-dirty' }]);
    await git(wt, ['add', 'wip.txt'], ts.env);
    await git(wt, ['commit', '-q', '-m', 'claude work'], ts.env);
    const applied = await cli(ts, ['propagate', fix, '--to', wt, '--json'], { cwd: repo });
    expect(applied.exitCode, applied.stdout).toBe(0);
    expect(await git(wt, ['log', '-1', '--format=%B'], ts.env)).toContain(`(cherry picked from commit ${fix})`);
    // Neither an agent nor a worktree: a clear refusal, exit 2.
    expect((await cli(ts, ['propagate', fix, '--to', join(ts.root, 'nowhere')], { cwd: repo })).exitCode).toBe(2);

    // An agent working in the checkout that holds the Claude worktree: the daemon's live git line
    // does not count that worktree, though git's own status of the checkout lists it.
    expect((await cli(ts, ['spawn', '--name', 'inmain', '--worktree', repo, '--cmd', 'exec sleep 600'], { cwd: repo })).exitCode).toBe(0);
    const live = await waitFor(async () => (await cliJson<{ agents: Array<{ name: string; git: { dirty: number } | null }> }>(ts, ['list'], { cwd: repo })).agents.find((a) => a.name === 'inmain')?.git, { what: 'the git line of the agent in the checkout' });
    expect((await git(repo, ['status', '--porcelain', '--untracked-files=all'], ts.env)).trim()).toBe('?? .claude/worktrees/feat6/');
    expect(live.dirty).toBe(0);
    expect((await cli(ts, ['kill', 'inmain'], { cwd: repo })).exitCode).toBe(0);
  });

  it('lists a `claude --bg` session with the command that attaches to it', async () => {
    // A live process stands for the background session's TUI (its pid is what Claude's file names).
    bgProcess = spawn('sleep', ['600'], { stdio: 'ignore' });
    registryEntry(bgProcess.pid!, { sessionId: '66f59ea9-819b-48f5-bd2d-e50a7dea2422', cwd: repo, kind: 'bg', name: 'hello from bg', jobId: '66f59ea9', status: 'busy' });
    // And a file left by a session that is gone: not listed.
    registryEntry(2 ** 22 + 17, { sessionId: '00000000-0000-0000-0000-000000000000', cwd: repo, kind: 'bg', name: 'dead', jobId: '00000000', status: 'idle' });
    const list = await cliJson<ListJson>(ts, ['list'], { cwd: repo });
    const bg = list.unmanaged.filter((u) => u.kind === 'claude-bg');
    expect(bg).toEqual([{ kind: 'claude-bg', id: '66f59ea9', pid: bgProcess.pid, sessionId: '66f59ea9-819b-48f5-bd2d-e50a7dea2422', cwd: repo, worktree: null, name: 'hello from bg', status: 'busy', attach: 'claude attach 66f59ea9' }]);
    expect((await cli(ts, ['list'], { cwd: repo })).stdout).toContain('claude attach 66f59ea9');
  });

  it("says so when an agent's pane no longer runs its CLI", async () => {
    // The person's command leaves a program behind when the agent's CLI ends.
    expect((await cli(ts, ['spawn', 'claude', '--name', 'quitter', '--cmd', `node ${FAKE_AGENT}; exec sleep 600`], { cwd: repo })).exitCode).toBe(0);
    const agent = () => cliJson<ListJson>(ts, ['list'], { cwd: repo }).then((l) => l.agents.find((a) => a.name === 'quitter')!);
    const paneId = (await agent()).paneId;
    const current = async () => (await ts.tmux(tmux.raw('display-message', '-p', '-t', paneId, '#{pane_current_command}'))).trim();
    expect(await current()).toBe('sh');
    expect((await agent()).paneRuns).toBeNull();
    await ts.tmux(tmux.raw('send-keys', '-t', paneId, 'quit', 'Enter'));
    await waitFor(async () => (await current()) === 'sleep', { what: 'the pane to run sleep after the agent quit' });
    expect((await agent()).paneRuns).toBe('sleep');
    const row = (await cli(ts, ['list'], { cwd: repo })).stdout.split('\n').find((l) => l.startsWith('quitter'));
    expect(row).toContain('runs sleep');
  });
});
