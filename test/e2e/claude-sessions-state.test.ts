// "Waiting for you" with no hooks installed (issue 29, item 3): Claude Code 2.1.332 keeps its own
// status in $CLAUDE_CONFIG_DIR/sessions/<pid>.json (idle, busy, waiting and why). The fake agent
// writes that file as the real one does (test/fake-agent/session-registry.mjs); the daemon watches
// the folder and list --json and the pane's state option follow it, checked against the file itself.
// send --when-idle holds a prompt until the turn running ends, checked against the transcript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, FAKE_AGENT } from '../helpers/cli.js';
import { daemonPaths } from '../../src/daemon/paths.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { userConfigPath } from '../../src/config/load.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';

let ts: TestServer;
let repo: string;

const agent = async (name: string) => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === name)!;
const paneOption = async (a: AgentRecord, option: string) => (await ts.tmux(tmux.showPaneOption(a.paneId!, option)).catch(() => '')).trim();
/** What Claude's own file says for the process in the agent's pane (the truth the daemon is checked against). */
async function sessionsFile(a: AgentRecord): Promise<{ status: string; waitingFor?: string; sessionId: string }> {
  const pid = (await ts.tmux(tmux.display(a.paneId!, '#{pane_pid}'))).trim();
  return JSON.parse(readFileSync(join(ts.env.CLAUDE_CONFIG_DIR!, 'sessions', `${pid}.json`), 'utf8')) as { status: string; waitingFor?: string; sessionId: string };
}

/** Types a line into the agent, then waits until its record satisfies ok. */
async function sendAndWait(name: string, text: string, ok: (a: AgentRecord) => boolean, what: string): Promise<AgentRecord> {
  const sent = await cli(ts, ['send', name, text]);
  expect(sent.exitCode, sent.stderr).toBe(0);
  return waitFor(async () => { const a = await agent(name); return ok(a) ? a : null; }, { timeoutMs: 10_000, what });
}

beforeAll(async () => {
  ts = createTestServer('ccsessions');
  ts.env.CLAUDE_CONFIG_DIR = join(ts.root, 'claude-config');
  // The fake Claude keeps sessions/<pid>.json, as Claude Code 2.1.332 does.
  ts.env.FAKE_CLAUDE_SESSIONS = '1';
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  const config = userConfigPath(ts.env);
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(config, ['profiles:', `  claude: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude], taskArgs: ["--"] }`, ''].join('\n'));
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('Claude agents\' state from sessions/<pid>.json, no hooks installed', () => {
  it('goes waiting (with what for) at a permission prompt and back to idle, in list --json and on the pane', async () => {
    expect(existsSync(join(ts.env.CLAUDE_CONFIG_DIR!, 'settings.json'))).toBe(false); // no hooks anywhere
    const spawned = await cliJson<AgentRecord>(ts, ['spawn', 'claude', '--name', 's1', '--worktree', 'shared'], { cwd: repo });
    // Before any prompt there is no transcript: the file alone says idle (the transcript would say starting).
    const first = await waitFor(async () => { const a = await agent('s1'); return a.state === 'idle' ? a : null; }, { what: 's1 idle from its sessions file' });
    expect(first.conversation?.turns ?? 0).toBe(0);
    expect(await sessionsFile(first)).toMatchObject({ status: 'idle', sessionId: spawned.sessionId });

    await sendAndWait('s1', 'hello', (x) => x.state === 'idle' && x.conversation?.turns === 1, 's1 first turn');
    const before = (await agent('s1')).context?.usedTokens;
    // The tool_use line (which alone says working) is written 400 ms after Claude shows the prompt.
    const waiting = await sendAndWait('s1', 'ask-late deploy', (x) => x.state === 'waiting', 's1 waiting for permission');
    expect(waiting.waitingFor).toBe('permission prompt');
    expect(await sessionsFile(waiting)).toMatchObject({ status: 'waiting', waitingFor: 'permission prompt' });
    expect(await paneOption(waiting, '@tmuxcodex-state')).toBe('waiting');
    // Once the late line is read (the context moved), the agent still waits: the file, not the transcript, says so.
    const read = await waitFor(async () => { const x = await agent('s1'); return x.context?.usedTokens !== before ? x : null; }, { timeoutMs: 10_000, what: 'the late tool_use line read' });
    expect(read).toMatchObject({ state: 'waiting', waitingFor: 'permission prompt' });

    const idle = await sendAndWait('s1', 'yes', (x) => x.state === 'idle' && x.conversation?.turns === 2, 's1 idle after the allowed tool');
    expect(idle.waitingFor ?? null).toBeNull();
    expect((await sessionsFile(idle)).status).toBe('idle');
    await waitFor(async () => (await paneOption(idle, '@tmuxcodex-state')) === 'idle', { what: 's1 pane state idle' });
  });

  it('shows busy as working for as long as the turn runs', async () => {
    const working = await sendAndWait('s1', 'hold a long answer', (x) => x.state === 'working', 's1 working');
    expect((await sessionsFile(working)).status).toBe('busy');
    expect(await paneOption(working, '@tmuxcodex-state')).toBe('working');
    await sendAndWait('s1', 'release', (x) => x.state === 'idle' && x.conversation?.turns === 3, 's1 idle after release');
  });

  it('send --when-idle holds a prompt during a turn and types it once the turn ends', async () => {
    const before = await agent('s1');
    const prompts = () => readFileSync(before.transcriptPath!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type?: string; message?: { content?: unknown } })
      .filter((r) => r.type === 'user' && typeof r.message?.content === 'string').map((r) => r.message!.content as string);
    const turns = before.conversation!.turns;
    await sendAndWait('s1', 'hold the first job', (x) => x.state === 'working', 's1 working on the first job');
    const log = daemonPaths(ts.server.socketPath, ts.env).log;
    const logged = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('send to s1: held until its turn ends')).length : 0);
    const heldBefore = logged();
    const held = cli(ts, ['send', 's1', '--when-idle', 'the next job', '--json']);
    let settled = false;
    void held.then(() => { settled = true; });
    // The daemon has the request and holds it: nothing typed, nothing in the transcript, the CLI still waits.
    await waitFor(() => logged() > heldBefore, { what: 'the daemon holding the prompt' });
    expect(settled).toBe(false);
    expect(prompts()).not.toContain('the next job');
    expect((await cli(ts, ['capture', 's1'])).stdout).not.toContain('the next job');
    expect((await cli(ts, ['send', 's1', 'release'])).exitCode).toBe(0);
    const res = await held;
    expect(res.exitCode, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as { via: string }).via).toBe('keys');
    // In the transcript: the held turn, then the prompt sent with --when-idle, each a turn of its own.
    const done = await waitFor(async () => { const a = await agent('s1'); return a.state === 'idle' && a.conversation?.turns === turns + 2 ? a : null; }, { timeoutMs: 10_000, what: 's1 idle after the held prompt\'s turn' });
    expect(prompts().slice(-2)).toEqual(['the first job', 'the next job']); // "hold " is the fake agent's command word
    expect(done.state).toBe('idle');
  });
});
