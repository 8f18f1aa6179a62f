// Agents' own transcripts through the daemon: a fake agent writes real-format Codex and Claude Code
// lines (test/fake-agent/transcript-writer.mjs, shapes from shared/fixtures/transcripts) and list
// --json shows what FORMATS.md says to compute, turn by turn, through compaction; the pane options
// for borders follow; two Codex agents in one folder keep their own transcripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, CLI, FAKE_AGENT } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { userConfigPath } from '../../src/config/load.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';

let ts: TestServer;
let repo: string;
let events: ChildProcess | undefined;

const agents = async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents;
const agent = async (name: string) => (await agents()).find((a) => a.name === name)!;

/** Types a line into an agent, then waits until its record satisfies ok. */
async function sendAndWait(name: string, text: string, ok: (a: AgentRecord) => boolean, what: string): Promise<AgentRecord> {
  expect((await cli(ts, ['send', name, text])).exitCode).toBe(0);
  return waitFor(async () => { const a = await agent(name); return ok(a) ? a : null; }, { timeoutMs: 10_000, what });
}

const paneOption = async (a: AgentRecord, option: string) => (await ts.tmux(tmux.showPaneOption(a.paneId!, option)).catch(() => '')).trim();

beforeAll(async () => {
  ts = createTestServer('sessions');
  // Where the agents' CLIs keep their sessions, isolated per test run; the daemon reads the same.
  ts.env.CODEX_HOME = join(ts.root, 'codex-home');
  ts.env.CLAUDE_CONFIG_DIR = join(ts.root, 'claude-config');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  const config = userConfigPath(ts.env);
  mkdirSync(dirname(config), { recursive: true });
  // The built-in names, run by the fake agent writing that CLI's format.
  writeFileSync(config, [
    'profiles:',
    `  codex: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, codex], taskArgs: ["--"] }`,
    `  claude: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude], taskArgs: ["--"] }`,
    `  claude200k: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude, --model, claude-opus-4-8], taskArgs: ["--"], transcript: claude }`,
    `  reviewer: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude], taskArgs: ["--"], transcript: claude, contextWindow: 1000000 }`,
    'thresholds: { contextWarn: 10, contextCritical: 20, message: true }',
    // The notify command gets the text as its last argument, the kind and agent in its environment.
    `notify: { command: [sh, -c, 'printf "%s|%s|%s\\n" "$TMUXCODEX_EVENT" "$TMUXCODEX_AGENT_NAME" "$1" >> ${join(ts.root, 'notified.log')}', notify], on: [finished, context] }`,
    '',
  ].join('\n'));
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
});

afterAll(async () => {
  events?.kill();
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('Claude Code transcripts', () => {
  it('follows context, turns and state turn by turn, through compaction', async () => {
    const c1 = await cliJson<AgentRecord>(ts, ['spawn', 'claude', '--name', 'c1', '--worktree', 'shared'], { cwd: repo });
    // The session id is chosen at spawn (--session-id), so it is known before any transcript.
    expect(c1.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c1.transcriptFormat).toBe('claude');
    const started = await waitFor(async () => { const a = await agent('c1'); return a.state === 'starting' ? a : null; }, { what: 'c1 starting (no transcript yet)' });
    expect(started.context).toBeNull();

    // input + cache_creation + cache_read of the last assistant line. No model configured: Claude Code
    // 2.1.197 runs a fresh session on claude-opus-4-8[1m] (1M) though its transcript names claude-opus-4-8.
    let a = await sendAndWait('c1', 'hello', (x) => x.context?.usedTokens === 15000, 'turn 1');
    expect(a.context).toMatchObject({ usedTokens: 15000, windowTokens: 1000000, percent: 1.5 });
    expect(a.model).toBe('claude-opus-4-8[1m]');
    expect(a).toMatchObject({ state: 'idle', sessionId: c1.sessionId });
    expect(a.conversation).toMatchObject({ turns: 1, compactions: 0 });
    expect(existsSync(a.transcriptPath!)).toBe(true);
    expect(a.transcriptPath).toContain(`/claude-config/projects/`);
    a = await sendAndWait('c1', 'second', (x) => x.context?.usedTokens === 16500, 'turn 2');
    expect(a.conversation?.turns).toBe(2);
    // compact_boundary: postTokens until the next assistant line.
    a = await sendAndWait('c1', 'compact', (x) => x.context?.usedTokens === 587, 'the compaction');
    expect(a.conversation).toMatchObject({ turns: 2, compactions: 1 });
    a = await sendAndWait('c1', 'third', (x) => x.context?.usedTokens === 2087, 'turn 3 after compaction');
    expect(a.context?.percent).toBe(0.2);
    expect(a.conversation?.turns).toBe(3);
    expect(Date.parse(a.conversation!.startedAt!)).toBeLessThanOrEqual(Date.parse(a.conversation!.lastActivityAt!));
    // Mirrored on the pane for borders (and for a daemon that starts again).
    expect(await paneOption(a, '@tmuxcodex-ctx')).toBe('0%');
    expect(await paneOption(a, '@tmuxcodex-model')).toBe('claude-opus-4-8[1m]');
    expect(await paneOption(a, '@tmuxcodex-state')).toBe('idle');
    expect(await paneOption(a, '@tmuxcodex-session-id')).toBe(c1.sessionId);
  });

  it('shows working while a turn runs, idle after', async () => {
    // The turn runs until it is released: seen working however late the daemon reads.
    await sendAndWait('c1', 'hold a slow answer', (x) => x.state === 'working', 'c1 working');
    expect((await cli(ts, ['send', 'c1', 'release'])).exitCode).toBe(0);
    const a = await waitFor(async () => { const x = await agent('c1'); return x.state === 'idle' && x.conversation?.turns === 4 ? x : null; }, { timeoutMs: 10_000, what: 'c1 idle again' });
    expect(a.context?.usedTokens).toBe(3587);
  });

  it('a model configured on the command line sets the window: claude-opus-4-8 without [1m] is 200k', async () => {
    const m = await cliJson<AgentRecord>(ts, ['spawn', 'claude200k', '--name', 'm1', '--worktree', 'shared'], { cwd: repo });
    expect(m.model).toBe('claude-opus-4-8');
    const a = await sendAndWait('m1', 'hello', (x) => x.context?.usedTokens === 15000, 'm1 turn 1');
    expect(a).toMatchObject({ model: 'claude-opus-4-8', context: { windowTokens: 200000, percent: 7.5 } });
    expect((await cli(ts, ['kill', 'm1'])).exitCode).toBe(0); // its pane would narrow the others' screens
  });

  it('a profile of another name reads its transcript format and window from the config', async () => {
    const r = await cliJson<AgentRecord>(ts, ['spawn', 'reviewer', '--name', 'r1', '--worktree', 'shared', '--task', 'review the diff'], { cwd: repo });
    expect(r).toMatchObject({ transcriptFormat: 'claude', contextWindow: 1000000 });
    const a = await waitFor(async () => { const x = await agent('r1'); return x.context ? x : null; }, { timeoutMs: 10_000, what: 'r1 context from its task turn' });
    expect(a.context).toMatchObject({ usedTokens: 15000, windowTokens: 1000000, percent: 1.5 });
  });
});

describe('Codex transcripts', () => {
  it('follows context, window and turns from token_count, through compaction', async () => {
    await cliJson<AgentRecord>(ts, ['spawn', 'codex', '--name', 'x1', '--worktree', 'shared'], { cwd: repo });
    const before = await waitFor(async () => { const a = await agent('x1'); return a.state === 'starting' ? a : null; }, { what: 'x1 starting' });
    expect(before.sessionId).toBeNull(); // Codex picks its own id, and writes nothing before the first prompt
    let a = await sendAndWait('x1', 'hello', (x) => x.context?.usedTokens === 12042, 'turn 1');
    expect(a.context).toMatchObject({ usedTokens: 12042, windowTokens: 190000, percent: 6.3 });
    expect(a.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // a UUIDv7
    expect(a.transcriptPath).toMatch(new RegExp(`/codex-home/sessions/\\d{4}/\\d{2}/\\d{2}/rollout-.*-${a.sessionId}\\.jsonl$`));
    a = await sendAndWait('x1', 'second', (x) => x.context?.usedTokens === 13542, 'turn 2');
    a = await sendAndWait('x1', 'compact', (x) => x.context?.usedTokens === 6866, 'the compaction');
    expect(a.conversation).toMatchObject({ turns: 2, compactions: 1 });
    a = await sendAndWait('x1', 'third', (x) => x.context?.usedTokens === 8366, 'turn 3');
    expect(a).toMatchObject({ state: 'idle', conversation: { turns: 3 } });
    expect(await paneOption(a, '@tmuxcodex-ctx')).toBe('4%');
  });

  it('two Codex agents in one folder keep their own transcripts, whichever speaks first', async () => {
    const y1 = await cliJson<AgentRecord>(ts, ['spawn', 'codex', '--name', 'y1', '--worktree', 'shared'], { cwd: repo });
    const y2 = await cliJson<AgentRecord>(ts, ['spawn', 'codex', '--name', 'y2', '--worktree', 'shared'], { cwd: repo });
    // The agent that started second speaks first.
    const b = await sendAndWait('y2', 'from y2', (x) => x.context !== null, 'y2 context');
    const a = await sendAndWait('y1', 'from y1', (x) => x.context !== null, 'y1 context');
    expect(a.sessionId).not.toBe(b.sessionId);
    // Each agent printed its own session id in its banner: the daemon matched the right one.
    for (const [rec, found] of [[y1, a], [y2, b]] as const) {
      const screen = await cli(ts, ['capture', rec.name]);
      expect(screen.stdout).toContain(`codex session ${found.sessionId}`);
    }
  });
});

describe('fresh', () => {
  it('starts a new Claude session in the same pane with the handoff brief as its first prompt, keeping the lineage', async () => {
    const before = await agent('c1');
    const res = await cliJson<{ agent: AgentRecord; brief: string; previousSessionId: string }>(ts, ['fresh', 'c1']);
    expect(res.previousSessionId).toBe(before.sessionId);
    expect(res.agent.sessionId).not.toBe(before.sessionId);
    expect(res.agent).toMatchObject({ paneId: before.paneId, state: 'starting', context: null });
    expect(res.agent.conversation).toMatchObject({ lineage: [before.sessionId], turns: 0 });
    const brief = readFileSync(res.brief, 'utf8');
    for (const part of ['# Handoff brief: c1', '## The task', '## Where the work is', `- folder: ${repo}`, '## The last prompts', '> a slow answer', '## The last answer', 'answer 4 to: a slow answer', `## The earlier session\n${before.sessionId}`]) expect(brief).toContain(part);
    // The new session's first turn is the brief: its own transcript, counted from zero.
    const a = await waitFor(async () => { const x = await agent('c1'); return x.context ? x : null; }, { timeoutMs: 10_000, what: 'the new session\'s first turn' });
    expect(a.context?.usedTokens).toBe(15000);
    expect(a.conversation).toMatchObject({ turns: 1, lineage: [before.sessionId] });
    expect(a.transcriptPath).toContain(`${res.agent.sessionId}.jsonl`);
    expect(Date.parse(a.conversation!.freshStartedAt!)).toBeGreaterThan(Date.parse(before.conversation!.startedAt!));
    expect((await cli(ts, ['capture', 'c1', '--lines', '500'])).stdout).toContain('task: # Handoff brief: c1');
    expect(await paneOption(a, '@tmuxcodex-lineage')).toBe(before.sessionId);
  });

  it('for Codex, finds the new session (not the old one) once it writes', async () => {
    const before = await agent('x1');
    await cliJson(ts, ['fresh', 'x1']);
    const a = await waitFor(async () => { const x = await agent('x1'); return x.context && x.sessionId ? x : null; }, { timeoutMs: 10_000, what: 'x1\'s new session' });
    expect(a.sessionId).not.toBe(before.sessionId);
    expect(a.context?.usedTokens).toBe(12042);
    expect(a.conversation).toMatchObject({ turns: 1, lineage: [before.sessionId] });
  });

  it('refuses an agent that is not an agent CLI, with exit 2', async () => {
    await cliJson(ts, ['spawn', 'shell', '--name', 'sh1'], { cwd: repo });
    const res = await cli(ts, ['fresh', 'sh1']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('not an agent CLI');
    await cli(ts, ['kill', 'sh1']);
  });
});

describe('resurrect', () => {
  it('after tmux kill-server, brings every agent back in a pane, resuming its session by id', async () => {
    const before = (await agents()).filter((a) => ['c1', 'x1', 'r1'].includes(a.name));
    expect(before).toHaveLength(3);
    await ts.tmux(tmux.killServer()).catch(() => {});
    await waitFor(async () => (await agents()).filter((a) => a.state === 'gone').length >= 3, { timeoutMs: 15_000, what: 'the agents to be gone' });
    const res = await cli(ts, ['resurrect', '--json'], { cwd: repo });
    expect(res.exitCode, res.stderr).toBe(0);
    const results = (JSON.parse(res.stdout) as { results: Array<{ agent: string; resumed: string | null; paneId: string | null }> }).results;
    for (const b of before) {
      expect(results.find((r) => r.agent === b.name)).toMatchObject({ resumed: b.sessionId });
      const a = await waitFor(async () => { const x = await agent(b.name); return x.state !== 'gone' && x.context ? x : null; }, { timeoutMs: 10_000, what: `${b.name} back with its transcript` });
      expect(a).toMatchObject({ id: b.id, sessionId: b.sessionId, transcriptPath: b.transcriptPath });
      expect(a.paneId).not.toBeNull();
      expect((await cli(ts, ['capture', b.name])).stdout).toContain('resumed');
    }
    // Claude takes a resumed session's model from its transcript (no [1m]): tmuxcodex names it again,
    // so the 1M session comes back with 1M, not 200k.
    expect((await cli(ts, ['capture', 'c1'])).stdout).toContain('model claude-opus-4-8[1m] resumed');
    expect((await agent('c1')).context?.windowTokens).toBe(1000000);
    // The resumed Codex session appends to its own file: the next turn continues its numbers.
    const x1 = await agent('x1');
    const after = await sendAndWait('x1', 'after resurrect', (x) => (x.conversation?.turns ?? 0) > x1.conversation!.turns, 'x1 turn after resurrect');
    expect(after.context?.usedTokens).toBe(x1.context!.usedTokens + 1500);
  });
});

describe('wait --idle', () => {
  it('returns once the agent has finished what it was just sent, not on the idle state from before', async () => {
    await cliJson(ts, ['spawn', 'claude', '--name', 'q1', '--worktree', 'shared'], { cwd: repo });
    await sendAndWait('q1', 'hello', (x) => x.state === 'idle' && x.conversation?.turns === 1, 'q1 idle after turn 1');
    // Sent, then waited for at once: q1 is still idle from turn 1 when the wait starts.
    expect((await cli(ts, ['send', 'q1', 'work 1500 a longer job'])).exitCode).toBe(0);
    const res = await cliJson<{ agent: AgentRecord; timedOut: boolean }>(ts, ['wait', 'q1', '--idle', '--timeout', '20']);
    expect(res.timedOut).toBe(false);
    expect(res.agent).toMatchObject({ state: 'idle', conversation: { turns: 2 } });
    expect(res.agent.context?.usedTokens).toBe(16500);
  });
});

describe('attention', () => {
  it('tells when a turn ends and when the context crosses the thresholds: events, and the notify command', async () => {
    const seen: Array<{ kind: string; agent: string; text: string }> = [];
    events = spawn(process.execPath, [CLI, '-L', ts.socketName, 'events', '--follow', '--json'], { env: ts.env, cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
    createInterface({ input: events.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as { event: string; kind?: string; agent?: AgentRecord; text?: string };
      if (e.event === 'agent-attention') seen.push({ kind: e.kind!, agent: e.agent!.name, text: e.text! });
    });
    await waitFor(() => events!.stdout!.readableLength >= 0 && seen !== null, { what: 'the event stream' });
    // A 100k window: the first turn (15000) is over warn (10%), the fifth (21000) over critical (20%).
    await cliJson(ts, ['spawn', 'claude', '--name', 'w1', '--worktree', 'shared', '--context-window', '100000'], { cwd: repo });
    await waitFor(async () => (await agent('w1')).state === 'starting', { what: 'w1 starting' });
    // Held until released, so the one-second look for a transcript that does not exist yet sees the turn running.
    await sendAndWait('w1', 'hold first', (x) => x.state === 'working', 'w1 working');
    expect((await cli(ts, ['send', 'w1', 'release'])).exitCode).toBe(0);
    await waitFor(() => seen.some((e) => e.agent === 'w1' && e.kind === 'finished'), { timeoutMs: 10_000, what: 'a finished event' });
    await waitFor(() => seen.some((e) => e.agent === 'w1' && e.kind === 'context'), { timeoutMs: 10_000, what: 'the warn event' });
    for (const t of ['two', 'three', 'four']) await sendAndWait('w1', t, (x) => x.conversation?.turns === ['two', 'three', 'four'].indexOf(t) + 2, `turn ${t}`);
    expect(seen.filter((e) => e.agent === 'w1' && e.kind === 'context')).toHaveLength(1); // 15% .. 19.5%: still the one warning
    await sendAndWait('w1', 'five', (x) => x.context?.usedTokens === 21000, 'turn five');
    await waitFor(() => seen.filter((e) => e.agent === 'w1' && e.kind === 'context').length === 2, { timeoutMs: 10_000, what: 'the critical event' });
    const context = seen.filter((e) => e.agent === 'w1' && e.kind === 'context');
    expect(context[0]!.text).toBe('w1: context 15% (over 10%); tmuxcodex fresh w1 starts a new session with a handoff brief');
    expect(context[1]!.text).toContain('w1: context 21% (over 20%)');
    const log = await waitFor(() => { try { const t = readFileSync(join(ts.root, 'notified.log'), 'utf8'); return t.split('\n').filter((l) => l.includes('|w1|')).length >= 3 ? t : null; } catch { return null; } }, { timeoutMs: 10_000, what: 'the notify command\'s log' });
    expect(log).toContain('finished|w1|w1 finished its turn');
    expect(log).toContain('context|w1|w1: context 15% (over 10%)');
    expect(log).toContain('context|w1|w1: context 21% (over 20%)');
  });
});

describe('hooks', () => {
  it('hooks install wires Claude Code\'s hooks: a permission prompt shows as waiting, allowing it as working, then idle', async () => {
    const res = await cli(ts, ['hooks', 'install', '--claude', '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const settings = JSON.parse(readFileSync(join(ts.env.CLAUDE_CONFIG_DIR!, 'settings.json'), 'utf8')) as { hooks: Record<string, unknown[]> };
    expect(Object.keys(settings.hooks).sort()).toEqual(['Notification', 'PreToolUse', 'Stop', 'UserPromptSubmit']);
    await cliJson(ts, ['spawn', 'claude', '--name', 'k1', '--worktree', 'shared'], { cwd: repo });
    await sendAndWait('k1', 'hello', (x) => x.state === 'idle' && x.conversation?.turns === 1, 'k1 first turn');
    // The model wants to run a tool; Claude asks the person and runs the Notification hook.
    const waiting = await sendAndWait('k1', 'ask run the tests', (x) => x.state === 'waiting', 'k1 waiting for permission');
    expect(await paneOption(waiting, '@tmuxcodex-state')).toBe('waiting');
    // A waiting agent is told about (the attention event of the earlier test's stream).
    await sendAndWait('k1', 'yes', (x) => x.state === 'idle' && x.conversation?.turns === 2, 'k1 idle after the allowed tool');
  });

  it('a permission prompt stays waiting when the tool_use line is read after the hook, until the person answers', async () => {
    // The hook reaches the daemon first; the transcript's tool_use line (which alone says working)
    // is read 400 ms later. The agent waits for the person all along, and must be shown so.
    const before = (await agent('k1')).context?.usedTokens;
    await sendAndWait('k1', 'ask-late deploy', (x) => x.state === 'waiting', 'k1 waiting for permission');
    // The tool_use line carries usage: once the context moved, the daemon has read it and decided.
    const read = await waitFor(async () => { const x = await agent('k1'); return x.context?.usedTokens !== before ? x : null; }, { timeoutMs: 10_000, what: 'the late tool_use line read' });
    expect(read.state).toBe('waiting');
    expect(await paneOption(read, '@tmuxcodex-state')).toBe('waiting');
    await sendAndWait('k1', 'yes', (x) => x.state === 'idle' && x.conversation?.turns === 3, 'k1 idle after the allowed tool');
  });

  it('a hook call outside a tmuxcodex agent, or for an agent the daemon does not know, does nothing and exits 0', async () => {
    const outside = await cli(ts, ['hook', 'claude', 'tmuxcodex-hook=Notification'], { env: { TMUXCODEX_AGENT_ID: '' } });
    expect(outside).toMatchObject({ exitCode: 0, stdout: '' });
    const unknown = await cli(ts, ['hook', 'claude', 'tmuxcodex-hook=Notification'], { env: { TMUXCODEX_AGENT_ID: 'ffffffff' } });
    expect(unknown).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });
});
