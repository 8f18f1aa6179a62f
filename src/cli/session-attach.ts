// Putting the person's terminal on the agents session: attach from outside tmux, switch-client inside.
import { realpathSync } from 'node:fs';
import { run, runInteractive } from '../proc/run.js';
import { attachArgv, exactSession, tmux, toArgv, type TmuxServer } from '../tmux/command.js';
import { tmuxBinary, tmuxClientEnv } from '../tmux/binary.js';
import { usageError } from '../errors.js';

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/** True when this process runs in a pane of server (so attach would nest). */
export function insideServer(server: TmuxServer & { socketPath: string }, env: NodeJS.ProcessEnv): boolean {
  const inside = env.TMUX?.split(',')[0];
  return Boolean(inside && samePath(inside, server.socketPath));
}

/**
 * Fails when attaching would need a terminal and there is none. Called before anything is created,
 * so that this usage error (exit 2) leaves no session behind; inside the server no terminal is needed.
 */
export function requireTerminalToAttach(server: TmuxServer & { socketPath: string }, env: NodeJS.ProcessEnv): void {
  if (insideServer(server, env)) return;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError('NOT_A_TERMINAL', 'Attaching needs a terminal, and this command is not running in one.', 'Run it from an interactive shell or SSH login, or use `tmuxcodex up --detached`.');
  }
}

/** Attaches this terminal to session, or switches the current client when already inside the server. */
export async function attachSession(server: TmuxServer & { socketPath: string }, session: string, readonly: boolean, env: NodeJS.ProcessEnv): Promise<number> {
  if (insideServer(server, env)) {
    // tmux refuses a nested attach from its own pane; switch-client moves the current client instead.
    await run(tmuxBinary(env), toArgv(server, tmux.switchClient(exactSession(session))), { timeoutMs: 5000, env });
    return 0;
  }
  requireTerminalToAttach(server, env);
  return runInteractive(tmuxBinary(env), attachArgv(server, session, readonly), { env: tmuxClientEnv(env) });
}

/** Moves the current client to a pane, when this process runs inside the same server. */
export async function switchToPane(server: TmuxServer & { socketPath: string }, paneId: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!insideServer(server, env)) return false;
  await run(tmuxBinary(env), toArgv(server, tmux.switchClient(paneId)), { timeoutMs: 5000, env });
  return true;
}
