// thresholds.autoFresh: between-turns (issue 18 item 3), played as a day: an agent works turn after
// turn, crosses contextCritical in the middle of a turn (a tool call), and gets its fresh session only
// once that turn has ended: one fresh per crossing, the brief saying why, the lineage kept, an event
// and the notify command told. Then a manual fresh says it was asked for. The agent is the fake CLI
// writing Claude Code's real transcript format (test/fake-agent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson, CLI, FAKE_AGENT } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { userConfigPath } from '../../src/config/load.js';
import type { AgentRecord } from '../../src/core/agent.js';

let ts: TestServer;
let repo: string;
let events: ChildProcess | undefined;
/** Attention events in the order the daemon sent them. */
const seen: Array<{ kind: string; agent: string; text: string }> = [];

const agent = async (name: string) => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents.find((a) => a.name === name)!;

async function sendAndWait(name: string, text: string, ok: (a: AgentRecord) => boolean, what: string): Promise<AgentRecord> {
  expect((await cli(ts, ['send', name, text])).exitCode).toBe(0);
  return waitFor(async () => { const a = await agent(name); return ok(a) ? a : null; }, { timeoutMs: 10_000, what });
}

beforeAll(async () => {
  ts = createTestServer('autofresh');
  ts.env.CLAUDE_CONFIG_DIR = join(ts.root, 'claude-config');
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  const config = userConfigPath(ts.env);
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(config, [
    'profiles:',
    `  claude: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}, --format, claude], taskArgs: ["--"] }`,
    'thresholds: { contextWarn: 10, contextCritical: 20, autoFresh: between-turns }',
    `notify: { command: [sh, -c, 'printf "%s|%s\\n" "$TMUXCODEX_EVENT" "$1" >> ${join(ts.root, 'notified.log')}', notify], on: [fresh] }`,
    '',
  ].join('\n'));
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  events = spawn(process.execPath, [CLI, '-L', ts.socketName, 'events', '--follow', '--json'], { env: ts.env, cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
  const firstLine = new Promise<void>((resolve) => createInterface({ input: events!.stdout! }).on('line', (line) => {
    resolve();
    const e = JSON.parse(line) as { event: string; kind?: string; agent?: AgentRecord; text?: string };
    if (e.event === 'agent-attention') seen.push({ kind: e.kind!, agent: e.agent!.name, text: e.text! });
  }));
  await firstLine;
});

afterAll(async () => {
  events?.kill();
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
});

describe('autoFresh: between-turns', () => {
  it('starts one fresh session after the turn in which the context crossed contextCritical ends, never inside it', async () => {
    // A 100k window: turns 1-4 are 15%..19.5%; the tool call of turn 5 reaches 20% mid-turn, its end 21%.
    await cliJson(ts, ['spawn', 'claude', '--name', 'f1', '--worktree', 'shared', '--context-window', '100000'], { cwd: repo });
    let a = await sendAndWait('f1', 'one', (x) => x.conversation?.turns === 1 && x.state === 'idle', 'turn 1');
    const first = a.sessionId!;
    for (const [i, t] of ['two', 'three', 'four'].entries()) a = await sendAndWait('f1', t, (x) => x.conversation?.turns === i + 2 && x.state === 'idle', `turn ${t}`);
    expect(a.context?.percent).toBe(19.5);
    // Over the threshold while the turn still runs (a tool call): the session is left alone.
    a = await sendAndWait('f1', 'ask run the tests', (x) => x.context?.usedTokens === 20000, 'the mid-turn crossing');
    expect(a.state).not.toBe('idle');
    expect(a.sessionId).toBe(first);
    expect(seen.filter((e) => e.agent === 'f1' && e.kind === 'fresh')).toEqual([]);
    // The turn ends: now the fresh session starts, with the brief as its first prompt.
    expect((await cli(ts, ['send', 'f1', 'yes'])).exitCode).toBe(0);
    const fresh = await waitFor(async () => { const x = await agent('f1'); return x.sessionId !== first ? x : null; }, { timeoutMs: 10_000, what: 'the fresh session' });
    expect(fresh.conversation?.lineage).toEqual([first]);
    // The finished turn came before the fresh session: the fresh event follows the turn's end.
    const kinds = seen.filter((e) => e.agent === 'f1').map((e) => e.kind);
    expect(kinds.lastIndexOf('finished')).toBeLessThan(kinds.indexOf('fresh'));
    expect(seen.find((e) => e.agent === 'f1' && e.kind === 'context' && e.text.includes('over 20%'))?.text)
      .toBe('f1: context 20% (over 20%); a fresh session with a handoff brief starts once its turn ends');
    // The brief says why, and holds the turn that had just ended.
    const brief = await waitFor(async () => {
      const out = (await cli(ts, ['capture', 'f1', '--lines', '500'])).stdout;
      return out.includes('task: # Handoff brief: f1') ? out : null;
    }, { what: 'the brief given to the new session' });
    expect(brief).toContain('whose context was 20% full (the limit is 20%)');
    // The new session's first turn (the brief) is below the threshold: no second fresh session.
    const after = await waitFor(async () => { const x = await agent('f1'); return x.conversation?.turns === 1 && x.state === 'idle' ? x : null; }, { timeoutMs: 10_000, what: 'the new session\'s first turn' });
    expect(after.context?.percent).toBe(15);
    await sendAndWait('f1', 'carry on', (x) => x.conversation?.turns === 2 && x.state === 'idle', 'the next turn');
    expect(seen.filter((e) => e.agent === 'f1' && e.kind === 'fresh')).toHaveLength(1);
    expect((await agent('f1')).conversation?.lineage).toEqual([first]);
    const log = await waitFor(() => { try { return readFileSync(join(ts.root, 'notified.log'), 'utf8') || null; } catch { return null; } }, { what: 'the notify command' });
    expect(log).toBe('fresh|f1: its turn ended with context 20%; starting a fresh session with a handoff brief\n');
  });

  it('a fresh session asked for by hand says so in its brief', async () => {
    const before = await agent('f1');
    const res = await cliJson<{ agent: AgentRecord; brief: string }>(ts, ['fresh', 'f1']);
    expect(readFileSync(res.brief, 'utf8')).toContain('You continue the work of an earlier session of this agent, which the person asked to restart fresh.');
    expect(res.agent.conversation?.lineage).toEqual([...before.conversation!.lineage, before.sessionId]);
  });
});
