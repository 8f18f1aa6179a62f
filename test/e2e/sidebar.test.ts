// The blessed sidebar in pane 0, through a real tmux client on a pty: it lists the agents from the
// daemon, j/k and Enter go to an agent's pane, x asks and stops one, ? shows the keys, and it says
// when the daemon is gone and comes back by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, FAKE_AGENT } from '../helpers/cli.js';
import { userConfigPath } from '../../src/config/load.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { waitFor } from '../helpers/wait-for.js';
import { startPty, type PtyRun } from '../helpers/pty.js';
import { tmux } from '../../src/tmux/command.js';
import { tmuxBinary } from '../../src/tmux/binary.js';
import type { AgentRecord } from '../../src/core/agent.js';
import type { PaneId } from '../../src/tmux/ids.js';

let ts: TestServer;
let repo: string;
let term: PtyRun;
let a2: AgentRecord;
let sidebarPane: PaneId;

/** The sidebar's screen as tmux holds it (no -J: full-width lines must not be joined). */
const sidebar = async () => ts.tmux(tmux.raw('capture-pane', '-p', '-t', sidebarPane));
const shows = (text: string, what: string, timeoutMs = 8000) => waitFor(async () => (await sidebar()).includes(text), { timeoutMs, what }).catch(async (e: Error) => {
  throw new Error(`${e.message}\n--- sidebar ---\n${await sidebar()}`);
});
const activePane = async () => (await ts.tmux(tmux.listClients('#{client_control_mode} #{pane_id}'))).split('\n').find((l) => l.startsWith('0 '))?.slice(2);

beforeAll(async () => {
  ts = createTestServer('sidebar');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  await git(repo, ['config', 'user.name', 'Repo User'], ts.env);
  await git(repo, ['config', 'user.email', 'repo@example.com'], ts.env);
  // A Claude profile run by the fake agent, which writes Claude Code's transcript format.
  ts.env.CLAUDE_CONFIG_DIR = join(ts.root, 'claude-config');
  const config = userConfigPath(ts.env);
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(config, `profiles:\n  claude: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude], taskArgs: ["--"] }\n`);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  await cliJson<AgentRecord>(ts, ['spawn', '--name', 'a1', '--cmd', 'exec sleep 600'], { cwd: repo });
  a2 = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'a2', '--cmd', 'exec sleep 600'], { cwd: repo });
  sidebarPane = (await ts.tmux(tmux.listPanesInSession('agents', '#{pane_id} #{@tmuxcodex-role}'))).split('\n').find((l) => l.endsWith(' sidebar'))!.split(' ')[0]! as PaneId;
  term = startPty(tmuxBinary(ts.env), ['-u', '-L', ts.socketName, 'attach-session', '-t', '=agents'], { cols: 120, rows: 40, cwd: repo, env: ts.env });
  await waitFor(async () => (await activePane()) !== undefined, { timeoutMs: 10_000, what: 'the tty client' });
});

afterAll(async () => {
  term?.kill();
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('the sidebar', () => {
  it('lists the agents from the daemon, one block each', async () => {
    await shows('● a2 cmd · running', 'a2 in the sidebar');
    const text = await sidebar();
    expect(text).toContain('tmuxcodex  2 agents');
    expect(text).toContain('● a1 cmd · running');
    expect(text.split('\n').every((l) => [...l].length <= 30)).toBe(true);
  });

  it('j then Enter goes to the second agent\'s pane', async () => {
    await ts.tmux(tmux.selectPane(sidebarPane));
    await waitFor(async () => (await activePane()) === sidebarPane, { what: 'the sidebar selected' });
    term.write('j');
    // The selected agent's pane is marked for its border (drawn reversed).
    await waitFor(async () => (await ts.tmux(tmux.display(a2.paneId!, '#{@tmuxcodex-selected}'))).trim() === '1', { timeoutMs: 8000, what: 'a2 marked selected' });
    term.write('\r');
    await waitFor(async () => (await activePane()) === a2.paneId, { timeoutMs: 8000, what: 'the client on a2' });
  });

  it('? shows the keys; q closes them', async () => {
    await ts.tmux(tmux.selectPane(sidebarPane));
    await waitFor(async () => (await activePane()) === sidebarPane, { what: 'the sidebar selected' });
    term.write('?');
    await shows('go to its pane', 'the keys');
    term.write('q');
    await waitFor(async () => !(await sidebar()).includes('go to its pane'), { what: 'the keys closed' });
  });

  it('x asks first, then stops the selected agent', async () => {
    term.write('k'); // back to a1 (a2 was selected)
    term.write('j'); // and to a2 again: the selection moves round
    term.write('x');
    await shows('Stop a2?', 'the question');
    expect((await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.map((a) => a.name).sort()).toEqual(['a1', 'a2']);
    term.write('y');
    await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.map((a) => a.name).join() === 'a1', { timeoutMs: 8000, what: 'a2 stopped' });
    await shows('tmuxcodex  1 agents', 'the sidebar without a2');
  });

  it('M asks, then merges the selected agent\'s branch into its target and tidies it away (issue 5)', async () => {
    const m1 = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'm1', '--worktree', 'new', '--cmd', 'exec sleep 600'], { cwd: repo });
    writeFileSync(join(m1.worktree!.path, 'm1.txt'), 'work of m1\n');
    await git(m1.worktree!.path, ['add', 'm1.txt'], ts.env);
    await git(m1.worktree!.path, ['commit', '-q', '-m', 'm1 work'], ts.env);
    await shows('● m1 cmd · running', 'm1 in the sidebar');
    await ts.tmux(tmux.selectPane(sidebarPane));
    await waitFor(async () => (await activePane()) === sidebarPane, { what: 'the sidebar selected' });
    term.write('j'); // a1 -> m1
    term.write('M');
    await shows('Merge m1 into main', 'the question');
    term.write('y');
    await waitFor(async () => (await git(repo, ['log', '-1', '--format=%P', 'main'], ts.env)).trim().split(' ').length === 2, { timeoutMs: 10_000, what: 'the merge commit' });
    expect(await git(repo, ['show', 'main:m1.txt'], ts.env)).toBe('work of m1');
    await waitFor(async () => !(await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.some((a) => a.name === 'm1'), { timeoutMs: 10_000, what: 'm1 tidied away' });
  });

  it('shows a live context bar and the session age from an agent\'s transcript', async () => {
    // A 200k window (the fake agent's model would be 1M, where the bar stays empty at these sizes).
    await cliJson<AgentRecord>(ts, ['spawn', 'claude', '--name', 'c1', '--worktree', 'shared', '--context-window', '200000'], { cwd: repo });
    expect((await cli(ts, ['send', 'c1', 'hello'])).exitCode).toBe(0);
    // 15000 of 200k: 8% of a 20-cell bar.
    await shows('██░░░░░░░░░░░░░░░░░░ 8%', 'c1\'s context bar');
    expect(await sidebar()).toMatch(/\d+s · 1t/);
    expect((await cli(ts, ['send', 'c1', 'again'])).exitCode).toBe(0);
    await shows('██░░░░░░░░░░░░░░░░░░ 8%', 'the bar after turn 2 (16500: still 8%)');
    await waitFor(async () => /· 2t/.test(await sidebar()), { timeoutMs: 8000, what: 'two turns' });
  });

  it('a sidebar made narrower by hand goes back to its width', async () => {
    await ts.tmux(tmux.raw('resize-pane', '-t', sidebarPane, '-x', '12'));
    await waitFor(async () => (await ts.tmux(tmux.display(sidebarPane, '#{pane_width}'))).trim() === '30', { timeoutMs: 8000, what: 'the sidebar 30 wide again' });
  });

  it('says when the daemon is gone, and comes back with it', async () => {
    expect((await cli(ts, ['daemon', 'stop'])).exitCode).toBe(0);
    await shows('daemon stopped; waiting', 'the daemon-gone line');
    expect((await cli(ts, ['daemon', 'start'])).exitCode).toBe(0);
    await waitFor(async () => !(await sidebar()).includes('daemon stopped'), { timeoutMs: 10_000, what: 'the sidebar reconnected' });
    expect(await sidebar()).toContain('● a1 cmd · running');
  });
});
