import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { str } from '../command.js';
import { usageError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { BUILTIN_PROFILES, programFor, type Profile } from '../../agents/profiles.js';
import { findWorktreeTop } from '../../git/find-top.js';
import type { WorktreeRequest } from '../../agents/worktree-choice.js';
import type { SpawnParams } from '../../daemon/protocol.js';
import { printJson } from '../output.js';

/** Parses repeated --env K=V into a map, rejecting malformed entries. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    const key = eq === -1 ? p : p.slice(0, eq);
    if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw usageError('BAD_ENV', `--env "${p}" is not of the form NAME=VALUE.`, 'Example: --env PORT=3001');
    env[key] = p.slice(eq + 1);
  }
  return env;
}

function readTask(ctx: CommandContext): string | null {
  const task = str(ctx, 'task');
  const file = str(ctx, 'task-file');
  if (task !== null && file !== null) throw usageError('TASK_TWICE', 'Give the task either with --task or with --task-file, not both.');
  if (file === null) return task;
  try {
    return readFileSync(resolve(ctx.cwd, file), 'utf8');
  } catch (e) {
    throw usageError('TASK_FILE_UNREADABLE', `Cannot read the task file ${file}: ${(e as Error).message}`);
  }
}

/** What the user asked for: the caller's worktree (shared) or an existing one; the daemon checks it. */
function worktreeRequest(ctx: CommandContext): WorktreeRequest {
  const choice = str(ctx, 'worktree') ?? 'shared';
  if (choice === 'new') {
    throw usageError('WORKTREE_NEW_UNAVAILABLE', 'Creating a new worktree per agent (--worktree new) is not available in this version.', 'Use --worktree shared (the default) or --worktree PATH of an existing worktree.');
  }
  if (choice === 'shared') return { mode: 'shared', path: ctx.cwd, given: choice };
  return { mode: 'existing', path: resolve(ctx.cwd, choice), given: choice };
}

/** Built-in profiles plus those from the config. */
async function allProfiles(ctx: CommandContext, repoRoot: string | null): Promise<Record<string, Profile>> {
  const { config } = await loadConfig({ configFile: ctx.target.configFile, repoRoot, env: ctx.env });
  const profiles: Record<string, Profile> = { ...BUILTIN_PROFILES };
  for (const [name, p] of Object.entries(config.profiles)) {
    profiles[name] = { name, argv: p.command, taskArgs: (t) => (p.taskArgs ? [...p.taskArgs, t] : []) };
  }
  return profiles;
}

export const spawn: Command = {
  name: 'spawn',
  usage: 'spawn [PROFILE] [--name N] [--worktree shared|PATH] [--target B] [--task TEXT | --task-file F] [--parent AGENT] [--env K=V]... [--cmd "COMMAND"]',
  summary: 'start an agent in a new pane (profiles: shell, codex, claude, aider, gemini, opencode, or any --cmd)',
  options: {
    name: { type: 'string', short: 'n', arg: 'N', help: 'agent name (default PROFILE-N)' },
    worktree: { type: 'string', arg: 'shared|PATH', help: 'work in the caller\'s worktree (default) or an existing one' },
    branch: { type: 'string', arg: 'B', help: 'branch for a new worktree (with worktree provisioning)' },
    base: { type: 'string', arg: 'REF', help: 'base for a new worktree (with worktree provisioning)' },
    target: { type: 'string', arg: 'BRANCH', help: 'the branch this agent\'s work is meant to land on' },
    task: { type: 'string', arg: 'TEXT', help: 'first prompt for the agent' },
    'task-file': { type: 'string', arg: 'F', help: 'read the first prompt from a file' },
    parent: { type: 'string', arg: 'AGENT', help: 'the agent that spawned this one' },
    env: { type: 'list', short: 'e', arg: 'K=V', help: 'extra environment for the agent (repeatable)' },
    cmd: { type: 'string', arg: 'COMMAND', help: 'run this shell command instead of a profile' },
    session: { type: 'string', arg: 'NAME', help: 'agents session name' },
  },
  async run(ctx) {
    if (ctx.positionals.length > 1) throw usageError('TOO_MANY_ARGS', `spawn takes one PROFILE, got ${ctx.positionals.length}: ${ctx.positionals.join(' ')}.`, 'Quote a task: --task "fix the login bug".');
    const cmd = str(ctx, 'cmd');
    const profile = ctx.positionals[0] ?? (cmd !== null ? 'cmd' : 'shell');
    const name = str(ctx, 'name');
    if (name !== null && name.trim() === '') throw usageError('BAD_AGENT_NAME', 'The agent name is empty.', 'Give --name a value such as "a1".');
    if (str(ctx, 'branch') !== null || str(ctx, 'base') !== null) {
      throw usageError('WORKTREE_NEW_UNAVAILABLE', '--branch and --base apply to a new worktree, which this version cannot create yet.', 'Create the worktree with `git worktree add` and pass --worktree PATH.');
    }
    const task = readTask(ctx);
    const env = parseEnvPairs((ctx.options.env as string[] | undefined) ?? []);
    const worktree = worktreeRequest(ctx);
    const program = programFor({ profile, cmd, task, profiles: await allProfiles(ctx, findWorktreeTop(worktree.path)), env: ctx.env });
    const params: SpawnParams = {
      profile, name, cwd: ctx.cwd, program, env, worktree, base: null, target: str(ctx, 'target'),
      task, parentId: str(ctx, 'parent') ?? ctx.env.TMUXCODEX_AGENT_ID ?? null, session: str(ctx, 'session'),
    };
    const client = await ctx.daemon();
    const agent = await client.request('spawn', params);
    client.close();
    if (ctx.json) printJson(agent);
    else process.stdout.write(`spawned ${agent.name} (${agent.id}) in pane ${agent.paneId}\n`);
  },
};
