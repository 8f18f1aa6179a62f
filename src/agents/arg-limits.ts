// The kernel's limits on what a program can be started with (execve): one argument or environment
// string at most MAX_ARG_STRLEN (32 pages: 131,072 bytes with its NUL), all of them together about
// ARG_MAX. Over either, the agent's program cannot start (E2BIG) and its pane dies at once, so a
// spawn checks first and refuses with the limit, before anything is made.
import type { ProgramSpec } from '../tmux/command.js';
import { usageError } from '../errors.js';

/** Longest single argument or NAME=value string, in bytes (the NUL not counted). */
export const MAX_ARG_BYTES = 131_071;
/** All arguments and environment strings together, with room left for the environment tmux adds. */
export const MAX_ARGS_TOTAL_BYTES = 1_900_000;

/** Throws a usage error when program or env could not be passed to execve; task names the task for the message. */
export function checkArgLimits(program: ProgramSpec | null, env: Record<string, string>, task: string | null): void {
  const args = program === null ? [] : program.kind === 'argv' ? [...program.argv] : [program.command];
  const strings = [...args.map((a) => ({ what: a === task ? 'The task' : 'An argument of the agent\'s command', bytes: Buffer.byteLength(a) })),
    ...Object.entries(env).map(([k, v]) => ({ what: `The environment variable ${k}`, bytes: Buffer.byteLength(`${k}=${v}`) }))];
  const long = strings.find((s) => s.bytes > MAX_ARG_BYTES);
  if (long) {
    throw usageError('ARGUMENT_TOO_LONG', `${long.what} is ${long.bytes.toLocaleString('en')} bytes; a program can be given at most ${MAX_ARG_BYTES.toLocaleString('en')} bytes in one argument or variable (the kernel's limit), so the agent could not start. Nothing was created.`,
      long.what === 'The task' ? 'Put the text in a file in the worktree and give a short task that points to it, e.g. --task "Do what TASK.md says".' : 'Pass the value through a file instead.');
  }
  const total = strings.reduce((n, s) => n + s.bytes + 1, 0);
  if (total > MAX_ARGS_TOTAL_BYTES) {
    throw usageError('ARGUMENTS_TOO_LONG', `The agent's command, task and environment come to ${total.toLocaleString('en')} bytes; a program can be started with at most about ${MAX_ARGS_TOTAL_BYTES.toLocaleString('en')} (the kernel's limit), so the agent could not start. Nothing was created.`, 'Put long text in a file and pass its name.');
  }
}
