// `run` steps execute in the agent's pane before the agent starts: visible there, and on failure
// the pane shows which step failed and the agent is not started.
import type { ProgramSpec } from '../../tmux/command.js';

/**
 * A constant script: it runs its first N arguments as command lines (each through sh -c, as the
 * user wrote them in the config) and then execs the rest as the agent's argv. Nothing is spliced
 * into the script itself, so no quoting can go wrong.
 */
const SETUP_SCRIPT = [
  'n=$1; shift; i=0',
  'while [ "$i" -lt "$n" ]; do',
  '  step=$1; shift; i=$((i + 1))',
  `  printf '\\033[1mtmuxcodex setup %d/%d:\\033[0m %s\\n' "$i" "$n" "$step"`,
  '  /bin/sh -c "$step" || { s=$?; printf \'\\n\\033[1;31mtmuxcodex: setup step failed (exit %d):\\033[0m %s\\nThe agent was not started.\\n\' "$s" "$step"; sleep 1; exit "$s"; }',
  'done',
  `printf '\\033[1mtmuxcodex setup done.\\033[0m\\n'`,
  'exec "$@"',
].join('\n');

/** The agent's own argv: its program, the user's --cmd through sh -c, or the login shell. */
export function agentArgv(program: ProgramSpec | null, shell: string): string[] {
  if (program === null) return [shell];
  return program.kind === 'argv' ? [...program.argv] : ['/bin/sh', '-c', program.command];
}

/** The pane's program: the run steps first (if any), then the agent. */
export function withSetupSteps(program: ProgramSpec | null, runSteps: readonly string[], shell: string): ProgramSpec | null {
  if (runSteps.length === 0) return program;
  return { kind: 'argv', argv: ['/bin/sh', '-c', SETUP_SCRIPT, 'tmuxcodex-setup', String(runSteps.length), ...runSteps, ...agentArgv(program, shell)] };
}
