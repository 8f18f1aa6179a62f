// Driving agents from an agent: a fake integrator (a real process in an agent pane) spawns three
// children at once through the CLI, sends each a multi-line task, waits for them and captures them.
// Checked: the tree, the panes, the texts delivered byte for byte (in the children's own
// transcripts), and the events stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, CLI, FAKE_AGENT } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { userConfigPath } from '../../src/config/load.js';
import type { AgentRecord } from '../../src/core/agent.js';
import { slack } from '../helpers/slack.js';
import { tmux } from '../../src/tmux/command.js';

const INTEGRATOR = fileURLToPath(new URL('../fake-agent/integrator.mjs', import.meta.url));
let ts: TestServer;
let repo: string;
let events: ChildProcess;
const seen: Array<{ event: string; agent?: AgentRecord; changed?: string[] }> = [];
const tasks: Record<string, string> = {};

beforeAll(async () => {
  ts = createTestServer('orchestration');
  ts.env.CLAUDE_CONFIG_DIR = join(ts.root, 'claude-config');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  const config = userConfigPath(ts.env);
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(config, `profiles:\n  claude: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude], taskArgs: ["--"] }\n`);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  events = spawn(process.execPath, [CLI, '-L', ts.socketName, 'events', '--follow', '--json'], { env: ts.env, cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
  createInterface({ input: events.stdout! }).on('line', (l) => seen.push(JSON.parse(l)));
  await waitFor(() => seen.some((e) => e.event === 'snapshot'), { what: 'the event stream' });
  // Multi-line tasks with unicode and tabs: each line is a prompt to the line-reading fake agent.
  mkdirSync(join(ts.root, 'tasks'));
  for (const [i, name] of ['child-1', 'child-2', 'child-3'].entries()) {
    tasks[name] = `task ${i + 1}: read src/parser.ts\nthen write tests — ünïcödé ✓\n\tindented line ${'x'.repeat(i * 50)}\n`;
    writeFileSync(join(ts.root, 'tasks', `${name}.txt`), tasks[name]!);
  }
});

afterAll(async () => {
  events?.kill();
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

interface Result { error?: string; me: string; spawned: AgentRecord[]; waited: Array<{ agent: AgentRecord; timedOut: boolean; reached: boolean }>; captures: Array<{ text: string }> }

describe('an integrator agent drives three sub-agents through the CLI', () => {
  let lead: AgentRecord;
  let result: Result;

  it('spawns, sends, waits and captures: all from inside its own pane', async () => {
    const out = join(ts.root, 'integrator.json');
    lead = await cliJson<AgentRecord>(ts, ['spawn', '--name', 'lead', '--cmd', `${JSON.stringify(process.execPath)} ${JSON.stringify(INTEGRATOR)} ${JSON.stringify(out)} ${JSON.stringify(CLI)} ${JSON.stringify(join(ts.root, 'tasks'))}`], { cwd: repo });
    await waitFor(() => existsSync(out), { timeoutMs: 85_000, what: 'the integrator to finish' });
    result = JSON.parse(readFileSync(out, 'utf8')) as Result;
    expect(result.error).toBeUndefined();
    expect(result.me).toBe(lead.id);
    expect(result.waited.map((w) => [w.timedOut, w.reached])).toEqual([[false, true], [false, true], [false, true]]);
  }, slack(90_000));

  it('the children are the lead\'s, each in a pane of its own, in the lead\'s worktree', async () => {
    const { agents } = await cliJson<{ agents: AgentRecord[] }>(ts, ['list']);
    const children = agents.filter((a) => a.parentId === lead.id).sort((a, b) => a.name.localeCompare(b.name));
    expect(children.map((c) => c.name)).toEqual(['child-1', 'child-2', 'child-3']);
    expect(new Set(children.map((c) => c.paneId)).size).toBe(3);
    for (const c of children) expect(c).toMatchObject({ state: 'idle', worktree: { path: repo, mode: 'shared' } });
    // list shows the tree.
    const text = (await cli(ts, ['list'])).stdout;
    expect(text).toMatch(/\nlead .*(\n↳ child-\d .*){3}/);
  });

  it('each child got its task byte for byte: its transcript holds every line as a prompt, in order', async () => {
    const { agents } = await cliJson<{ agents: AgentRecord[] }>(ts, ['list']);
    for (const name of ['child-1', 'child-2', 'child-3']) {
      const c = agents.find((a) => a.name === name)!;
      const prompts = readFileSync(c.transcriptPath!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; message?: { content: unknown }; promptId?: string })
        .filter((r) => r.type === 'user' && r.promptId).map((r) => r.message!.content as string);
      expect(prompts).toEqual(tasks[name]!.split('\n').filter((l) => l.trim()));
    }
    // What the integrator captured is each child's screen, answers included.
    expect(result.captures[0]!.text).toContain('answer 1 to: task 1: read src/parser.ts');
  });

  it('the events stream told the story: each child spawned with its parent, working, then idle', async () => {
    for (const name of ['child-1', 'child-2', 'child-3']) {
      expect(seen.find((e) => e.event === 'agent-added' && e.agent?.name === name)?.agent?.parentId).toBe(lead.id);
      const states = seen.filter((e) => e.event === 'agent-updated' && e.agent?.name === name && e.changed?.includes('state')).map((e) => e.agent!.state);
      expect(states).toContain('idle');
    }
  });

  it('killing the lead while its children run asks what to do with them; --children kill stops all four', async () => {
    const refused = await cli(ts, ['kill', 'lead', '--json']);
    expect(refused.exitCode).toBe(2);
    for (const name of ['child-1', 'child-2', 'child-3']) expect(refused.stderr).toContain(name);
    expect((await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents).toHaveLength(4);
    const res = await cliJson<{ children: unknown[] }>(ts, ['kill', 'lead', '--children', 'kill']);
    expect(res.children).toHaveLength(3);
    expect((await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents).toHaveLength(0);
  });
});

describe('ten at once', () => {
  it('ten spawns at the same moment all succeed, each in its own pane, and ten sends at once do not mix', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const spawned = await Promise.all(names.map((name) => cliJson<AgentRecord>(ts, ['spawn', '--name', name, '--worktree', 'shared', '--cmd', `${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_AGENT)}`], { cwd: repo })));
    expect(new Set(spawned.map((a) => a.paneId)).size).toBe(10);
    const results = await Promise.all(names.map((name) => cli(ts, ['send', name, `message for ${name}: ${name.repeat(40)}`])));
    expect(results.map((r) => r.exitCode)).toEqual(names.map(() => 0));
    for (const name of names) {
      const screen = await waitFor(async () => { const t = (await cli(ts, ['capture', name, '--lines', '50'])).stdout; return t.includes(`echo: message for ${name}`) ? t : null; }, { timeoutMs: 10_000, what: `${name}'s echo` });
      // Only its own text reached it, whole.
      expect(screen).toContain(`echo: message for ${name}: ${name.repeat(40)}`);
      for (const other of names.filter((n) => n !== name)) expect(screen).not.toContain(`message for ${other}`);
    }
    await Promise.all(names.map((name) => cli(ts, ['kill', name])));
  });
});

describe('bad input', () => {
  it('send refuses control characters, and an exited agent; 1 MB of text goes in whole', async () => {
    await cliJson(ts, ['spawn', 'claude', '--name', 'big', '--worktree', 'shared'], { cwd: repo });
    const esc = await cli(ts, ['send', 'big', 'hi \u001b[201~ there']);
    expect(esc.exitCode).toBe(2);
    expect(esc.stderr).toContain('control character (0x1b)');
    // One line of 1 MB: one prompt in the transcript, whole.
    const line = 'y'.repeat(1 << 20);
    const file = join(ts.root, 'big.txt');
    writeFileSync(file, line);
    expect((await cli(ts, ['send', 'big', '--file', file])).exitCode).toBe(0);
    const a = await waitFor(async () => { const x = (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((y) => y.name === 'big')!; return x.conversation?.turns === 1 ? x : null; }, { timeoutMs: 20_000, what: 'the 1 MB prompt' });
    const prompt = readFileSync(a.transcriptPath!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; promptId?: string; message?: { content: string } }).find((r) => r.type === 'user' && r.promptId)!;
    expect(prompt.message!.content.length).toBe(1 << 20);
    expect((await cli(ts, ['send', 'big', 'exit 3'])).exitCode).toBe(0);
    await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((y) => y.name === 'big')?.state === 'exited', { timeoutMs: 10_000, what: 'big exited' });
    const late = await cli(ts, ['send', 'big', 'anyone there?']);
    expect(late.exitCode).toBe(2);
    expect(late.stderr).toContain('has exited');
  });

  it('send --no-enter refuses a carriage return (it is Enter): nothing of the text runs', async () => {
    await cliJson(ts, ['spawn', 'shell', '--name', 'cr', '--worktree', 'shared'], { cwd: repo });
    const dir = join(ts.root, 'cr-canaries');
    mkdirSync(dir);
    const res = await cli(ts, ['send', 'cr', '--no-enter', `touch ${join(dir, 'A')}\rtouch ${join(dir, 'B')}`]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('control character (0x0d)');
    // The shell reads its input in order: once a later command has run, anything typed before it would have too.
    expect((await cli(ts, ['send', 'cr', `touch ${join(dir, 'after')}`])).exitCode).toBe(0);
    await waitFor(() => existsSync(join(dir, 'after')), { timeoutMs: 10_000, what: 'the command sent after the refusal' });
    expect(readdirSync(dir)).toEqual(['after']);
    await cli(ts, ['kill', 'cr']);
  });

  it('wait on an agent that disappears returns (exit 3), and a spawn from a pane that is not an agent has no parent', async () => {
    const w1 = await cliJson<AgentRecord>(ts, ['spawn', 'claude', '--name', 'w1', '--worktree', 'shared'], { cwd: repo });
    const waiting = cli(ts, ['wait', 'w1', '--idle', '--timeout', '30']);
    await waitFor(async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.some((a) => a.name === 'w1'), { what: 'w1' });
    // The pane goes away under it (tmux's own kill-pane, as a person's C-b x): whether the wait
    // reached the daemon before or after, the agent is gone and the answer is exit 3. (After a
    // `tmuxcodex kill` the name is unknown, which a wait that came late rightly refuses with 2.)
    await ts.tmux(tmux.killPane(w1.paneId!));
    const res = await waiting;
    expect(res.exitCode, res.stderr).toBe(3);
    // TMUXCODEX_AGENT_ID of no agent: refused with a clear message rather than a wrong parent.
    const orphan = await cli(ts, ['spawn', 'shell', '--name', 'o1'], { cwd: repo, env: { TMUXCODEX_AGENT_ID: 'deadbeef' } });
    expect(orphan.exitCode).toBe(2);
    expect(orphan.stderr).toContain('deadbeef');
  });
});
