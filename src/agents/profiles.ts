// Built-in agent profiles: how to start each agent CLI, and how it takes an initial task.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ProgramSpec } from '../tmux/command.js';
import { usageError } from '../errors.js';

export interface Profile {
  name: string;
  /** The program and its fixed arguments; null = the pane's default shell. */
  argv: readonly string[] | null;
  /** Arguments placed before a task to pass it as the first prompt; null when the CLI takes none. */
  taskPrefix: readonly string[] | null;
  /** How to install the CLI, for the message when it is not on PATH. */
  install?: string;
}

export const BUILTIN_PROFILES: Readonly<Record<string, Profile>> = {
  shell: { name: 'shell', argv: null, taskPrefix: null },
  codex: { name: 'codex', argv: ['codex'], taskPrefix: ['--'], install: 'npm install -g @openai/codex' },
  claude: { name: 'claude', argv: ['claude'], taskPrefix: ['--'], install: 'npm install -g @anthropic-ai/claude-code' },
  aider: { name: 'aider', argv: ['aider'], taskPrefix: null, install: 'python -m pip install aider-install && aider-install' },
  gemini: { name: 'gemini', argv: ['gemini'], taskPrefix: ['--prompt-interactive'], install: 'npm install -g @google/gemini-cli' },
  opencode: { name: 'opencode', argv: ['opencode'], taskPrefix: ['--prompt'], install: 'npm install -g opencode-ai' },
};

/** Looks a program up on PATH the way execvp would; returns its path or null. */
export function findOnPath(program: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = program.includes('/') ? [program] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
  for (const c of candidates) {
    try {
      accessSync(isAbsolute(c) ? c : join(process.cwd(), c), constants.X_OK);
      return c;
    } catch { /* next */ }
  }
  return null;
}

/** Resolves a profile (or --cmd) into what the pane runs; clear errors for unknown or missing programs. */
export function programFor(opts: { profile: string; cmd: string | null; task: string | null; profiles?: Readonly<Record<string, Profile>>; env?: NodeJS.ProcessEnv; sessionArgs?: readonly string[] }): ProgramSpec | null {
  if (opts.cmd !== null) {
    if (opts.cmd.trim() === '') throw usageError('EMPTY_COMMAND', '--cmd was given an empty command.', 'Pass the command line to run, e.g. --cmd "npm run dev".');
    return { kind: 'shell', command: opts.cmd };
  }
  const profiles = opts.profiles ?? BUILTIN_PROFILES;
  // Own properties only: "constructor" or "__proto__" must not find Object.prototype's.
  const profile = Object.hasOwn(profiles, opts.profile) ? profiles[opts.profile] : undefined;
  if (!profile) {
    throw usageError('UNKNOWN_PROFILE', `Unknown profile "${opts.profile}".`, `Known profiles: ${Object.keys(profiles).join(', ')}; or run any command with --cmd "...".`);
  }
  if (profile.argv === null) return null;
  const program = profile.argv[0]!;
  if (!findOnPath(program, opts.env)) {
    throw usageError('AGENT_NOT_INSTALLED', `The ${profile.name} profile runs \`${program}\`, which is not on PATH.`, `${profile.install ? `Install it (${profile.install}), or` : 'Install it, or'} run another program with --cmd "...".`);
  }
  return { kind: 'argv', argv: launchArgv(launchOf(profile, {})!, opts.sessionArgs ?? [], opts.task) };
}

/** The argv that starts an agent: its command, session arguments (a chosen id, or resume), then the task. */
export function launchArgv(launch: Pick<Launch, 'argv' | 'taskPrefix'>, sessionArgs: readonly string[], task: string | null): string[] {
  return [...launch.argv, ...sessionArgs, ...(task && launch.taskPrefix ? [...launch.taskPrefix, task] : [])];
}

/** What starts an agent again (fresh, resurrect): its command, how it takes a task, its extra environment. */
export interface Launch { argv: string[]; taskPrefix: string[] | null; env: Record<string, string> }

/** The Launch of a profile with the agent's extra environment, or null for a plain shell. */
export function launchOf(profile: Profile, env: Record<string, string>): Launch | null {
  return profile.argv ? { argv: [...profile.argv], taskPrefix: profile.taskPrefix ? [...profile.taskPrefix] : null, env: { ...env } } : null;
}
