// Built-in agent profiles: how to start each agent CLI, and how it takes an initial task.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ProgramSpec } from '../tmux/command.js';
import { usageError } from '../errors.js';

export interface Profile {
  name: string;
  /** The program and its fixed arguments; null = the pane's default shell. */
  argv: readonly string[] | null;
  /** Arguments that pass a task as the first prompt. */
  taskArgs: (task: string) => string[];
}

export const BUILTIN_PROFILES: Readonly<Record<string, Profile>> = {
  shell: { name: 'shell', argv: null, taskArgs: () => [] },
  codex: { name: 'codex', argv: ['codex'], taskArgs: (t) => ['--', t] },
  claude: { name: 'claude', argv: ['claude'], taskArgs: (t) => ['--', t] },
  aider: { name: 'aider', argv: ['aider'], taskArgs: () => [] },
  gemini: { name: 'gemini', argv: ['gemini'], taskArgs: (t) => ['--prompt-interactive', t] },
  opencode: { name: 'opencode', argv: ['opencode'], taskArgs: (t) => ['--prompt', t] },
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
  const profile = profiles[opts.profile];
  if (!profile) {
    throw usageError('UNKNOWN_PROFILE', `Unknown profile "${opts.profile}".`, `Known profiles: ${Object.keys(profiles).join(', ')}; or run any command with --cmd "...".`);
  }
  if (profile.argv === null) return null;
  const program = profile.argv[0]!;
  if (!findOnPath(program, opts.env)) {
    throw usageError('AGENT_NOT_INSTALLED', `The ${profile.name} profile runs \`${program}\`, which is not on PATH.`, `Install it, or run another program with --cmd "...".`);
  }
  return { kind: 'argv', argv: [...profile.argv, ...(opts.sessionArgs ?? []), ...(opts.task ? profile.taskArgs(opts.task) : [])] };
}
