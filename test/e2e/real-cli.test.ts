// The REAL Codex CLI and Claude Code (pinned in test/real-cli/versions.json, installed by
// scripts/install-agent-clis.sh into a cache folder) run through tmuxcodex in a real tmux server,
// offline against the fake model servers in test/real-cli/. For each: spawn, three turns (send,
// wait --idle), fresh, tmux kill-server + resurrect, one more turn; after every step list --json
// (context used, window, percent, turns, session id, lineage, state, model) must equal what the
// CLI itself shows: its transcript, read by the test's own reader (test/real-cli/read-transcript.ts),
// its own session registry, and for Claude's window `claude -p --output-format json` modelUsage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli, cliJson } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { slack } from '../helpers/slack.js';
import { userConfigPath } from '../../src/config/load.js';
import { tmux } from '../../src/tmux/command.js';
import type { AgentRecord } from '../../src/core/agent.js';
import { claudeTranscriptPath, codexPromptsByTurn, codexRollouts, codexTurnTriggers, liveClaudeSessions, readClaudeTranscript, readCodexRollout, type TranscriptView } from '../real-cli/read-transcript.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const versions = JSON.parse(readFileSync(here('../real-cli/versions.json'), 'utf8')) as { codex: string; claude: string };
const INSTALL = 'bash scripts/install-agent-clis.sh';
// The same folder the install script uses (read from the real environment, never written here).
const cliDir = process.env.TMUXCODEX_AGENT_CLIS
  ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tmuxcodex', 'agent-clis', `${versions.codex}-${versions.claude}`);
const ANTHROPIC_KEY = 'sk-ant-fake-0123456789abcdefghij';

let ts: TestServer;
let repo: string;
let codexBin: string;
let claudeBin: string;
let claudeContextWindow: { model: string; contextWindow: number };
const servers: ChildProcess[] = [];

/** The installed version of an npm package in the CLI cache, or null. */
function installedVersion(pkg: string): string | null {
  try { return (JSON.parse(readFileSync(join(cliDir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version; } catch { return null; }
}

/** Starts one of test/real-cli's fake model servers as its own process; resolves to its port. */
async function startServer(script: string): Promise<number> {
  const child = spawn(process.execPath, [here(`../real-cli/${script}`)], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code} before listening`)));
  });
  return Number(/^port (\d+)$/.exec(line)![1]);
}

const agents = async () => (await cliJson<{ agents: AgentRecord[] }>(ts, ['list'])).agents;
const agent = async (name: string) => (await agents()).find((a) => a.name === name)!;

/** The fields compared, as list --json shows them. */
const shown = (a: AgentRecord) => ({
  usedTokens: a.context?.usedTokens ?? null, windowTokens: a.context?.windowTokens ?? null, percent: a.context?.percent ?? null,
  turns: a.conversation?.turns ?? 0, sessionId: a.sessionId, lineage: a.conversation?.lineage ?? [], state: a.state, model: a.model,
});
const percentOf = (used: number | null, window: number | null) => (used === null || !window ? null : Math.round((used / window) * 1000) / 10);

/** Polls list --json until it equals the expectation (the daemon reads the transcript a moment later), then asserts it. */
async function expectListed(name: string, expected: ReturnType<typeof shown>, step: string): Promise<AgentRecord> {
  let last: AgentRecord | undefined;
  await waitFor(async () => { last = await agent(name); return JSON.stringify(shown(last)) === JSON.stringify(expected); }, { timeoutMs: 5000, what: `${name} ${step}` }).catch(() => {});
  expect(shown(last!), `${name} after ${step}`).toEqual(expected);
  return last!;
}

/** send + wait --idle, as a user would. */
async function turn(name: string, text: string): Promise<void> {
  const sent = await cli(ts, ['send', name, text]);
  expect(sent.exitCode, sent.stderr).toBe(0);
  const waited = await cli(ts, ['wait', name, '--idle', '--timeout', '60', '--json'], { timeoutMs: 70_000 });
  expect(waited.exitCode, `${name}: wait --idle after "${text}": ${waited.stderr}\n${(await cli(ts, ['capture', name])).stdout}`).toBe(0);
}

// Missing CLIs fail each test with the command that installs them (a failing beforeAll would show the tests as skipped).
const missing = installedVersion('@openai/codex') !== versions.codex || installedVersion('@anthropic-ai/claude-code') !== versions.claude
  ? `The real agent CLIs (@openai/codex@${versions.codex}, @anthropic-ai/claude-code@${versions.claude}) are not installed in ${cliDir}.\n  Install them with: ${INSTALL}   (.ci/run does this; TMUXCODEX_AGENT_CLIS picks another folder)`
  : null;
const requireClis = () => { if (missing) throw new Error(missing); };

beforeAll(async () => {
  if (missing) return;
  codexBin = join(cliDir, 'node_modules', '.bin', 'codex');
  // claude-code's postinstall puts the native binary at bin/claude.exe; if npm skipped it, that is a small stub.
  const linked = join(cliDir, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
  claudeBin = statSync(linked).size > 1_000_000 ? join(cliDir, 'node_modules', '.bin', 'claude') : join(cliDir, 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');
  const [openaiPort, anthropicPort] = await Promise.all([startServer('fake-openai.mjs'), startServer('fake-anthropic.mjs')]);

  ts = createTestServer('realcli');
  // Nothing of the caller's agent setup leaks in: no real keys, models or base URLs.
  for (const k of Object.keys(ts.env)) if (/^(ANTHROPIC_|OPENAI_|CLAUDE|CODEX_)/.test(k)) delete ts.env[k];
  Object.assign(ts.env, {
    CODEX_HOME: join(ts.root, 'codex-home'), CLAUDE_CONFIG_DIR: join(ts.root, 'claude-config'), TMPDIR: join(ts.root, 'tmp'),
    FAKE_OPENAI_API_KEY: 'sk-fake', ANTHROPIC_BASE_URL: `http://127.0.0.1:${anthropicPort}`, ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1',
  });
  for (const d of [ts.env.CODEX_HOME!, ts.env.CLAUDE_CONFIG_DIR!, ts.env.TMPDIR!]) mkdirSync(d, { recursive: true });
  repo = await makeRepo(join(ts.root, 'repo'), ts.env);

  // Codex: the fake provider, a bundled model, and no start-up screens (model notice, trust).
  writeFileSync(join(ts.env.CODEX_HOME!, 'config.toml'), [
    'model = "gpt-5.5"', 'model_provider = "fake"', 'approval_policy = "never"', 'sandbox_mode = "read-only"',
    '[model_providers.fake]', 'name = "Fake OpenAI (local)"', `base_url = "http://127.0.0.1:${openaiPort}/v1"`, 'env_key = "FAKE_OPENAI_API_KEY"', 'wire_api = "responses"',
    '[tui]', 'screen_reader_detection_done = true',
    '[notice.model_migrations]', '"gpt-5.5" = "gpt-6-sol"',
    `[projects.${JSON.stringify(repo)}]`, 'trust_level = "trusted"', '',
  ].join('\n'));
  // Claude Code: onboarding done (it would probe api.anthropic.com and exit), the key approved, the repository trusted.
  writeFileSync(join(ts.env.CLAUDE_CONFIG_DIR!, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true, lastOnboardingVersion: versions.claude, theme: 'dark',
    customApiKeyResponses: { approved: [ANTHROPIC_KEY.slice(-20)], rejected: [] },
    projects: { [repo]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
  }));

  // Claude's window, as the CLI itself reports it: -p --output-format json, once, in another folder.
  const probeDir = join(ts.root, 'window-probe');
  mkdirSync(probeDir);
  const probe = await execa(claudeBin, ['-p', '--output-format', 'json', 'which window?'], { cwd: probeDir, env: ts.env, extendEnv: false, reject: false, timeout: slack(30_000), stdin: 'ignore' });
  expect(probe.exitCode, String(probe.stderr)).toBe(0);
  const usage = (JSON.parse(String(probe.stdout)) as { modelUsage: Record<string, { contextWindow: number }> }).modelUsage;
  const [model, u] = Object.entries(usage)[0]!;
  claudeContextWindow = { model, contextWindow: u.contextWindow };

  const config = userConfigPath(ts.env);
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(config, [
    'profiles:',
    // --no-daemon: the TUI process writes its own rollout (no shared app-server outliving the test).
    `  codex: { command: [${JSON.stringify(codexBin)}, --no-daemon], taskArgs: ["--"] }`,
    `  claude: { command: [${JSON.stringify(claudeBin)}], taskArgs: ["--"] }`,
    '',
  ].join('\n'));
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
}, slack(60_000));

afterAll(async () => {
  if (ts) {
    await cli(ts, ['daemon', 'stop']);
    await ts.dispose();
  }
  for (const s of servers) s.kill();
});

/** Kills the tmux server and brings the agents back with resurrect, as after a reboot. */
async function killServerAndResurrect(name: string): Promise<void> {
  await ts.tmux(tmux.killServer()).catch(() => {});
  await waitFor(async () => (await agent(name)).state === 'gone', { timeoutMs: 15_000, what: `${name} gone after kill-server` });
  const res = await cli(ts, ['resurrect', '--json'], { cwd: repo, timeoutMs: 40_000 });
  expect(res.exitCode, res.stderr).toBe(0);
}

describe(`Codex CLI ${versions.codex} (real) through tmuxcodex`, () => {
  it('spawn, three turns, fresh, kill-server + resurrect: list --json equals the rollout after every step', async () => {
    requireClis();
    const started = Date.now();
    const spawned = await cliJson<AgentRecord>(ts, ['spawn', 'codex', '--name', 'cx', '--worktree', 'shared'], { cwd: repo });
    expect(spawned.transcriptFormat).toBe('codex');
    // Before the first prompt Codex has written nothing: no id, no context.
    await waitFor(async () => (await agent('cx')).state === 'starting' || (await agent('cx')).state === 'idle', { what: 'cx up' });
    expect(codexRollouts(ts.env.CODEX_HOME!)).toEqual([]);
    const expectFromRollout = (file: string, lineage: string[], step: string) => {
      const v: TranscriptView = readCodexRollout(file);
      expect(v.turnOpen, `the rollout shows an unfinished turn after ${step}`).toBe(false);
      return expectListed('cx', { usedTokens: v.usedTokens, windowTokens: v.windowTokens, percent: percentOf(v.usedTokens, v.windowTokens), turns: v.turns, sessionId: v.sessionId, lineage, state: 'idle', model: v.model }, step);
    };

    let rollout = '';
    for (const [i, text] of ['hello from tmuxcodex', 'second turn', 'third turn'].entries()) {
      await turn('cx', text);
      const files = codexRollouts(ts.env.CODEX_HOME!);
      expect(files, 'one rollout for one session').toHaveLength(1);
      rollout = files[0]!;
      const a = await expectFromRollout(rollout, [], `turn ${i + 1}`);
      expect(a.transcriptPath).toBe(rollout);
      expect(a.conversation?.turns).toBe(i + 1);
    }
    // Busy: a prompt queued while a turn runs is taken right after it, in a turn of its own (never
    // inside the running one), and wait --idle waits for that turn, not just for the running one's end.
    const slow = await cli(ts, ['send', 'cx', 'SLOW_REPLY: 4000 take your time', '--json']);
    expect((JSON.parse(slow.stdout) as { via: string }).via).toBe('queue');
    await waitFor(async () => (await agent('cx')).state === 'working', { timeoutMs: 15_000, what: 'cx busy with the slow turn' });
    const queued = await cli(ts, ['send', 'cx', 'queued while busy', '--json']);
    expect((JSON.parse(queued.stdout) as { via: string }).via).toBe('queue');
    const waitedQueued = await cli(ts, ['wait', 'cx', '--idle', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(waitedQueued.exitCode, waitedQueued.stderr).toBe(0);
    expect(readCodexRollout(rollout).turns, 'wait --idle returned after the queued turn').toBe(5);
    await expectFromRollout(rollout, [], 'the turn queued while busy');
    // The first prompt was typed (no rollout, so no thread to queue to yet); the others went through
    // `codex queue`, and Codex ran each as a turn of its own, started by the queue.
    expect(codexTurnTriggers(rollout)).toEqual(['user', 'queue', 'queue', 'queue', 'queue']);
    expect(codexPromptsByTurn(rollout)).toEqual([['hello from tmuxcodex'], ['second turn'], ['third turn'], ['SLOW_REPLY: 4000 take your time'], ['queued while busy']]);
    const first = readCodexRollout(rollout);

    // fresh: a new session in the same pane; its first prompt is the handoff brief.
    const fresh = await cliJson<{ agent: AgentRecord; previousSessionId: string }>(ts, ['fresh', 'cx']);
    expect(fresh.previousSessionId).toBe(first.sessionId);
    const waited = await cli(ts, ['wait', 'cx', '--idle', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(waited.exitCode, waited.stderr).toBe(0);
    const newFile = await waitFor(() => codexRollouts(ts.env.CODEX_HOME!).find((f) => f !== rollout && readCodexRollout(f).usedTokens !== null), { timeoutMs: 30_000, what: 'the fresh session\'s rollout' });
    await waitFor(() => !readCodexRollout(newFile).turnOpen, { timeoutMs: 30_000, what: 'the brief\'s turn to end' });
    let a = await expectFromRollout(newFile, [first.sessionId!], 'fresh');
    expect(a.sessionId).not.toBe(first.sessionId);
    expect(readCodexRollout(rollout), 'the old rollout is left as it was').toEqual(first);

    // tmux kill-server + resurrect: the same session comes back (codex resume <id>), same figures.
    const beforeKill = readCodexRollout(newFile);
    await killServerAndResurrect('cx');
    await waitFor(async () => (await agent('cx')).state !== 'gone' && (await agent('cx')).context !== null, { timeoutMs: 30_000, what: 'cx back' });
    a = await expectFromRollout(newFile, [first.sessionId!], 'resurrect');
    expect(shown(a)).toMatchObject({ sessionId: beforeKill.sessionId, usedTokens: beforeKill.usedTokens, turns: beforeKill.turns });
    // The resumed session takes a prompt and appends to the same file.
    await turn('cx', 'after resurrect');
    a = await expectFromRollout(newFile, [first.sessionId!], 'a turn after resurrect');
    expect(a.conversation?.turns).toBe(beforeKill.turns + 1);
    expect(codexTurnTriggers(newFile).at(-1), 'the resumed thread took the prompt from the queue').toBe('queue');
    expect(codexRollouts(ts.env.CODEX_HOME!)).toHaveLength(2);
    console.log(`real Codex CLI: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await cli(ts, ['kill', 'cx']);
  }, slack(120_000));
});

describe(`Claude Code ${versions.claude} (real) through tmuxcodex`, () => {
  it('spawn, three turns, fresh, kill-server + resurrect: list --json equals the transcript, the session registry and -p modelUsage after every step', async () => {
    requireClis();
    const started = Date.now();
    const cfg = ts.env.CLAUDE_CONFIG_DIR!;
    const spawned = await cliJson<AgentRecord>(ts, ['spawn', 'claude', '--name', 'cl', '--worktree', 'shared'], { cwd: repo });
    const expectFromTranscript = (sessionId: string, lineage: string[], step: string) => {
      const file = claudeTranscriptPath(cfg, repo, sessionId);
      expect(existsSync(file), `${file} after ${step}`).toBe(true);
      const v = readClaudeTranscript(file);
      expect(v.turnOpen, `the transcript shows an unfinished turn after ${step}`).toBe(false);
      // The transcript names the model without a window; the window is the one the CLI reports for that model.
      expect(v.model).toBe(claudeContextWindow.model.replace(/\[1m\]$/, ''));
      const window = claudeContextWindow.contextWindow;
      return expectListed('cl', { usedTokens: v.usedTokens, windowTokens: window, percent: percentOf(v.usedTokens, window), turns: v.turns, sessionId: v.sessionId, lineage, state: 'idle', model: claudeContextWindow.model }, step);
    };

    // The first prompt goes in at once, while the TUI is still starting (it drops that Enter; send presses it again).
    for (const [i, text] of ['hello from tmuxcodex', 'second turn', 'third turn'].entries()) {
      await turn('cl', text);
      const a = await expectFromTranscript(spawned.sessionId!, [], `turn ${i + 1}`);
      expect(a.conversation?.turns).toBe(i + 1);
    }
    // The id tmuxcodex chose is the one the running CLI registers for itself, with the state list shows.
    expect(liveClaudeSessions(cfg).filter((s) => s.cwd === repo).map((s) => [s.sessionId, s.status])).toEqual([[spawned.sessionId, 'idle']]);
    const firstId = spawned.sessionId!;
    const first = readClaudeTranscript(claudeTranscriptPath(cfg, repo, firstId));

    const fresh = await cliJson<{ agent: AgentRecord; previousSessionId: string }>(ts, ['fresh', 'cl']);
    expect(fresh.previousSessionId).toBe(firstId);
    const newId = fresh.agent.sessionId!;
    expect(newId).not.toBe(firstId);
    expect((await waitFor(() => liveClaudeSessions(cfg).find((s) => s.sessionId === newId), { timeoutMs: 20_000, what: 'the fresh session registered' })).cwd).toBe(repo);
    await waitFor(() => existsSync(claudeTranscriptPath(cfg, repo, newId)) && !readClaudeTranscript(claudeTranscriptPath(cfg, repo, newId)).turnOpen && readClaudeTranscript(claudeTranscriptPath(cfg, repo, newId)).usedTokens !== null, { timeoutMs: 30_000, what: 'the brief\'s turn' });
    const waited = await cli(ts, ['wait', 'cl', '--idle', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(waited.exitCode, waited.stderr).toBe(0);
    await expectFromTranscript(newId, [firstId], 'fresh');
    expect(readClaudeTranscript(claudeTranscriptPath(cfg, repo, firstId))).toEqual(first);

    const beforeKill = readClaudeTranscript(claudeTranscriptPath(cfg, repo, newId));
    await killServerAndResurrect('cl');
    await waitFor(async () => (await agent('cl')).state !== 'gone' && (await agent('cl')).context !== null, { timeoutMs: 30_000, what: 'cl back' });
    let a = await expectFromTranscript(newId, [firstId], 'resurrect');
    expect(shown(a)).toMatchObject({ usedTokens: beforeKill.usedTokens, turns: beforeKill.turns });
    // Sent while the resumed TUI is still starting.
    await turn('cl', 'after resurrect');
    expect(liveClaudeSessions(cfg).filter((s) => s.cwd === repo).map((s) => s.sessionId)).toEqual([newId]);
    a = await expectFromTranscript(newId, [firstId], 'a turn after resurrect');
    expect(a.conversation?.turns).toBe(beforeKill.turns + 1);
    console.log(`real Claude Code: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await cli(ts, ['kill', 'cl']);
  }, slack(120_000));

  it('with no hooks installed, a dialog and a permission prompt show as waiting (and what for) as sessions/<pid>.json says, then idle', async () => {
    requireClis();
    const cfg = ts.env.CLAUDE_CONFIG_DIR!;
    expect(existsSync(join(cfg, 'settings.json')) ? readFileSync(join(cfg, 'settings.json'), 'utf8') : '').not.toContain('hooks');
    const spawned = await cliJson<AgentRecord>(ts, ['spawn', 'claude', '--name', 'cw', '--worktree', 'shared'], { cwd: repo });
    await turn('cw', 'hello');
    /** What Claude's own file says for this session (the truth list --json is checked against). */
    const file = () => liveClaudeSessions(cfg).find((s) => s.sessionId === spawned.sessionId);
    /** Waits until list --json and the file both say waiting for `why`. */
    const waitingFor = (why: string) => waitFor(async () => {
      const a = await agent('cw');
      return a.state === 'waiting' && a.waitingFor === why && file()?.status === 'waiting' && file()?.waitingFor === why ? a : null;
    }, { timeoutMs: 30_000, what: `cw waiting for ${why} (last: ${JSON.stringify(file())})` });
    // The fake model asks for a command that fails; offline, auto mode cannot check it (FORMATS.md §5.1):
    // first a dialog, then the permission prompt.
    expect((await cli(ts, ['send', 'cw', "RUN_SHELL: sh -c 'echo FAIL; exit 1'"])).exitCode).toBe(0);
    const dialog = await waitingFor('dialog open');
    expect((await ts.tmux(tmux.showPaneOption(dialog.paneId!, '@tmuxcodex-state'))).trim()).toBe('waiting');
    /** Presses keys as a person would, again if the screen did not take them yet (the dialog may still be drawing). */
    const press = async (keys: string[], taken: () => boolean, what: string) => waitFor(async () => {
      if (taken()) return true;
      for (const k of keys) await ts.tmux({ words: ['send-keys', '-t', dialog.paneId!, k] });
      return waitFor(taken, { timeoutMs: 2000, what }).catch(() => false);
    }, { timeoutMs: 30_000, what });
    await press(['Enter'], () => file()?.waitingFor !== 'dialog open', 'the dialog answered (Enter: stay in auto mode)');
    await waitingFor('permission prompt');
    await press(['Down', 'Enter'], () => file()?.status !== 'waiting', 'the permission prompt answered (Yes)');
    const idle = await waitFor(async () => { const a = await agent('cw'); return a.state === 'idle' && file()?.status === 'idle' ? a : null; }, { timeoutMs: 30_000, what: 'cw idle after the command ran' });
    expect(idle.waitingFor ?? null).toBeNull();
    await cli(ts, ['kill', 'cw']);
  }, slack(90_000));
});
