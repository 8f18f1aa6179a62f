import { readFileSync } from 'node:fs';
import { decodeUtf8 } from '../../fs/utf8.js';
import { join, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { flag, str } from '../command.js';
import { failure, usageError } from '../../errors.js';
import type { AgentRecord } from '../../core/agent.js';
import { loadConfig, REPO_CONFIG } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { requireTrust } from '../../agents/trust.js';
import { BUILTIN_PROFILES, launchOf, programFor, type Profile } from '../../agents/profiles.js';
import { repositoryTop } from '../../agents/git-facts.js';
import { adapterFor } from '../../transcripts/adapters.js';
import type { SpawnParams } from '../../daemon/protocol.js';
import { printJson, escapeControl } from '../output.js';

/** Parses repeated --env K=V into a map, rejecting malformed entries. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const entries: Array<[string, string]> = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    const key = eq === -1 ? p : p.slice(0, eq);
    if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw usageError('BAD_ENV', `--env "${p}" is not of the form NAME=VALUE.`, 'Example: --env PORT=3001');
    entries.push([key, p.slice(eq + 1)]);
  }
  // fromEntries makes own properties: "__proto__" is a variable like any other, not the prototype.
  return Object.fromEntries(entries);
}

function readTask(ctx: CommandContext): string | null {
  const task = str(ctx, 'task');
  const file = str(ctx, 'task-file');
  if (task !== null && file !== null) throw usageError('TASK_TWICE', 'Give the task either with --task or with --task-file, not both.');
  if (file === null) return task;
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(ctx.cwd, file));
  } catch (e) {
    throw usageError('TASK_FILE_UNREADABLE', `Cannot read the task file ${file}: ${(e as Error).message}`);
  }
  const text = decodeUtf8(bytes, `The task file ${file}`);
  if (text.includes('\0')) throw usageError('NUL_IN_ARGUMENT', `The task file ${file} contains a NUL byte, which tmux cannot pass to an agent.`, 'Give a text file as the task (is it a binary file?).');
  return text;
}

/** Profiles that are agent CLIs get a worktree of their own by default; a shell or --cmd joins the caller's. */
function defaultWorktreeMode(profile: string, cmd: string | null, parent: string | null): 'new' | 'shared' {
  if (parent !== null || cmd !== null || profile === 'shell') return 'shared';
  return 'new';
}

/** What the user asked for; the daemon checks it against the repository. */
function worktreeRequest(ctx: CommandContext, config: Config, fallback: 'new' | 'shared'): SpawnParams['worktree'] {
  const choice = str(ctx, 'worktree') ?? fallback;
  const branch = str(ctx, 'branch');
  const base = str(ctx, 'base');
  if (choice !== 'new' && (branch !== null || base !== null)) {
    throw usageError('BRANCH_WITHOUT_NEW_WORKTREE', '--branch and --base apply to a new worktree (--worktree new).', 'Add --worktree new, or leave them out.');
  }
  if (choice === 'new') return { mode: 'new', path: ctx.cwd, given: choice, branch, base, root: config.worktrees.root, targets: config.targets };
  if (choice === 'shared') return { mode: 'shared', path: ctx.cwd, given: choice };
  return { mode: 'existing', path: resolve(ctx.cwd, choice), given: choice };
}

/** How long a screen must hold still to count as a prompt waiting for input (agent-tuis.md: ~2 s for Codex). */
const STEADY_MS = 1500;
const READY_TIMEOUT_MS = 60_000;

/**
 * spawn --wait-ready: polls the daemon until the agent is idle or waiting (from its transcript), or
 * its screen has shown the same non-empty text for STEADY_MS; an agent that exits first is an error.
 */
async function waitReady(client: Awaited<ReturnType<CommandContext['daemon']>>, agent: AgentRecord): Promise<AgentRecord> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  let since = Date.now();
  for (;;) {
    const now = (await client.request('list', {})).agents.find((a) => a.id === agent.id) ?? agent;
    if (now.state === 'exited' || now.state === 'gone') throw failure('EXITED_BEFORE_READY', `Agent "${now.name}" exited (status ${now.exitCode ?? '?'}) before it was ready.`, `See what it printed: tmuxcodex capture ${now.name} --lines 100`);
    if (now.state === 'idle' || now.state === 'waiting') return now;
    const screen = (await client.request('capture', { agent: agent.id, lines: 0 }).catch(() => ({ text: '' }))).text;
    if (screen !== last) { last = screen; since = Date.now(); } else if (screen.trim() && Date.now() - since >= STEADY_MS) return now;
    if (Date.now() > deadline) throw failure('NOT_READY', `Agent "${now.name}" did not show a steady prompt within ${READY_TIMEOUT_MS / 1000} s.`, `Look at it: tmuxcodex capture ${now.name}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** spawn --ask: the form the `n` key opens in a popup, one question a line, Enter keeps the default. */
async function askMissing(ctx: CommandContext): Promise<void> {
  if (!process.stdin.isTTY) throw usageError('NOT_A_TERMINAL', 'spawn --ask asks on a terminal, and this is not one.', 'Give the options on the command line instead.');
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Answers typed (or pasted) ahead of their question are kept for it, not dropped.
  const typed: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  rl.on('line', (line) => { if (waiting) { const w = waiting; waiting = null; w(line); } else typed.push(line); });
  const next = () => new Promise<string>((resolve) => { const t = typed.shift(); if (t !== undefined) resolve(t); else waiting = resolve; });
  try {
    const ask = async (question: string, fallback: string) => {
      process.stdout.write(`${question} [${fallback}]: `);
      return (await next()).trim() || fallback;
    };
    if (!ctx.positionals[0]) ctx.positionals.unshift(await ask('profile (claude, codex, aider, gemini, opencode, shell)', 'claude'));
    if (str(ctx, 'name') === null) { const n = await ask('name', 'automatic'); if (n !== 'automatic') ctx.options.name = n; }
    if (str(ctx, 'worktree') === null) ctx.options.worktree = await ask('worktree (new, shared, or a path)', 'new');
    if (str(ctx, 'target') === null) { const t = await ask('target branch', 'default'); if (t !== 'default') ctx.options.target = t; }
    if (str(ctx, 'task') === null && str(ctx, 'task-file') === null) { const t = await ask('task', 'none'); if (t !== 'none') ctx.options.task = t; }
  } finally {
    rl.close();
  }
}

/** Built-in profiles plus those from the config. */
function allProfiles(config: Config): Record<string, Profile> {
  const profiles: Record<string, Profile> = { ...BUILTIN_PROFILES };
  for (const [name, p] of Object.entries(config.profiles)) {
    profiles[name] = { name, argv: p.command, taskPrefix: p.taskArgs };
  }
  return profiles;
}

export const spawn: Command = {
  name: 'spawn',
  usage: 'spawn [PROFILE] [--wait-ready] [--name N] [--worktree new|shared|PATH] [--branch B] [--base REF] [--target B] [--task TEXT | --task-file F] [--parent AGENT] [--env K=V]... [--cmd "COMMAND"]',
  summary: 'start an agent in a new pane (profiles: shell, codex, claude, aider, gemini, opencode, or any --cmd)',
  options: {
    name: { type: 'string', short: 'n', arg: 'N', help: 'agent name (default PROFILE-N)' },
    worktree: { type: 'string', arg: 'new|shared|PATH', help: 'a new worktree (default for agent profiles), the caller\'s (shared; default for shell and --cmd), or an existing one' },
    branch: { type: 'string', arg: 'B', help: 'branch for the new worktree (default: the agent\'s name)' },
    base: { type: 'string', arg: 'REF', help: 'where the new branch starts (default: the tip of the target)' },
    target: { type: 'string', arg: 'BRANCH', help: 'the branch this agent\'s work is meant to land on' },
    task: { type: 'string', arg: 'TEXT', help: 'first prompt for the agent' },
    'task-file': { type: 'string', arg: 'F', help: 'read the first prompt from a file' },
    parent: { type: 'string', arg: 'AGENT', help: 'the agent that spawned this one' },
    env: { type: 'list', short: 'e', arg: 'K=V', help: 'extra environment for the agent (repeatable)' },
    cmd: { type: 'string', arg: 'COMMAND', help: 'run this shell command instead of a profile' },
    session: { type: 'string', arg: 'NAME', help: 'agents session name' },
    'wait-ready': { type: 'boolean', help: 'return once the agent shows its prompt (its screen holds still) or has finished its first turn' },
    ask: { type: 'boolean', help: 'ask for the profile, name, worktree, target and task on this terminal (the key binding\'s form)' },
    'context-window': { type: 'number', arg: 'TOKENS', help: 'the model\'s context window, for the percentages (default: from the transcript, else 200k for Claude)' },
  },
  async run(ctx) {
    if (flag(ctx, 'ask')) await askMissing(ctx);
    if (ctx.positionals.length > 1) throw usageError('TOO_MANY_ARGS', `spawn takes one PROFILE, got ${ctx.positionals.length}: ${ctx.positionals.join(' ')}.`, 'Quote a task: --task "fix the login bug".');
    const cmd = str(ctx, 'cmd');
    const profile = ctx.positionals[0] ?? (cmd !== null ? 'cmd' : 'shell');
    const name = str(ctx, 'name');
    if (name !== null && name.trim() === '') throw usageError('BAD_AGENT_NAME', 'The agent name is empty.', 'Give --name a value such as "a1".');
    const task = readTask(ctx);
    const env = parseEnvPairs((ctx.options.env as string[] | undefined) ?? []);
    const repoRoot = repositoryTop(ctx.cwd);
    const { config, repoHash } = await loadConfig({ configFile: ctx.target.configFile, repoRoot, env: ctx.env });
    const parent = str(ctx, 'parent');
    // Spawned from inside an agent's pane, the caller is the parent: the child joins its worktree.
    const worktree = worktreeRequest(ctx, config, defaultWorktreeMode(profile, cmd, parent ?? ctx.env.TMUXCODEX_AGENT_ID ?? null));
    // Claude takes a session id from us, so its transcript is known before it exists.
    const own = Object.hasOwn(config.profiles, profile) ? config.profiles[profile] : undefined;
    const transcriptFormat = cmd === null ? (own?.transcript ?? (adapterFor(profile) ? profile : null)) : null;
    const session = transcriptFormat ? adapterFor(transcriptFormat)?.chooseSession() ?? null : null;
    const profiles = allProfiles(config);
    const program = programFor({ profile, cmd, task, profiles, env: ctx.env, sessionArgs: session?.args });
    const launch = cmd === null && Object.hasOwn(profiles, profile) ? launchOf(profiles[profile]!, env) : null;
    const contextWindow = (ctx.options['context-window'] as number | undefined) ?? own?.contextWindow ?? null;
    if (contextWindow !== null && !(Number.isInteger(contextWindow) && contextWindow > 0)) throw usageError('BAD_CONTEXT_WINDOW', `--context-window takes a whole number of tokens above 0, not ${contextWindow}.`, 'For example --context-window 1000000 for a 1M-token model.');
    requireTrust(config, profile, repoRoot ? join(repoRoot, REPO_CONFIG) : null, repoHash, ctx.env);
    const params: SpawnParams = {
      profile, name, cwd: ctx.cwd, program, env, worktree, base: null, target: str(ctx, 'target'),
      task, parentId: parent ?? ctx.env.TMUXCODEX_AGENT_ID ?? null, session: str(ctx, 'session'), sessionId: session?.sessionId ?? null, contextWindow, transcriptFormat, launch,
      setup: config.setup, ports: config.ports, shell: ctx.env.SHELL || '/bin/sh',
      // Set by `fix --from`, which spawns through this command (not options a user types).
      fixFor: str(ctx, 'fix-for') ? { agent: str(ctx, 'fix-for')!, toAll: ctx.options['fix-all'] === true } : null,
    };
    const client = await ctx.daemon();
    let agent = await client.request('spawn', params);
    if (flag(ctx, 'wait-ready')) agent = await waitReady(client, agent);
    client.close();
    if (ctx.json) printJson(agent);
    else {
      const where = agent.worktree?.mode === 'new' ? ` in a new worktree ${agent.worktree.path} (branch ${agent.branch})` : '';
      process.stdout.write(escapeControl(`spawned ${agent.name} (${agent.id}) in pane ${agent.paneId}${where}${agent.ports.length ? `, PORT ${agent.ports[0]}` : ''}\n`, true));
    }
  },
};
