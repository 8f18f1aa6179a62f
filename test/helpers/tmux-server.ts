// A private tmux server per test file: its own -L socket under a temp TMUX_TMPDIR, -f /dev/null,
// and a temp HOME/XDG tree, so tests never touch the user's server, config or home directory.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/proc/run.js';
import { toArgv, tmux, type TmuxCommand, type TmuxServer } from '../../src/tmux/command.js';
import { resolveServer, tmuxBinary } from '../../src/tmux/binary.js';
import { slack } from './slack.js';

let counter = 0;

export interface TestServer {
  /** Root temp folder; everything the test creates lives below it. */
  root: string;
  /** The -L name, unique per test file run. */
  socketName: string;
  server: TmuxServer & { socketPath: string };
  /** Environment for child processes (CLI, daemon, tmux): temp HOME and XDG dirs, no $TMUX. */
  env: NodeJS.ProcessEnv;
  /** Runs one tmux command as a separate client on this server and returns stdout. */
  tmux(command: TmuxCommand): Promise<string>;
  /** Kills the server and removes every temp file. */
  dispose(): Promise<void>;
}

/** Builds the isolated environment every tmux/daemon test runs under. */
export function isolatedEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TMUX') || k.startsWith('XDG_') || k.startsWith('GIT_')) delete env[k];
  const dirs = { HOME: 'home', XDG_RUNTIME_DIR: 'run', XDG_STATE_HOME: 'state', XDG_CONFIG_HOME: 'config', TMUX_TMPDIR: 'tmux' } as const;
  for (const [k, d] of Object.entries(dirs)) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    env[k] = join(root, d);
  }
  env.TMUXCODEX_TMUX_CONFIG = '/dev/null';
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = join(root, 'home', '.gitconfig-test');
  env.LANG = 'C.UTF-8';
  env.SHELL = '/bin/sh';
  return env;
}

/** Creates (but does not start) a private tmux server; the first new-session starts it. */
export function createTestServer(label = 'x'): TestServer {
  const root = mkdtempSync(join(tmpdir(), `tmuxcodex-test-${label}-`));
  const env = isolatedEnv(root);
  const socketName = `tmuxcodex-test-${process.pid}-${++counter}`;
  const server = resolveServer({ socketName }, env);
  const exec = async (command: TmuxCommand): Promise<string> =>
    (await run(tmuxBinary(env), toArgv(server, command), { timeoutMs: slack(10_000), env })).stdout;
  return {
    root, socketName, server, env,
    tmux: exec,
    async dispose() {
      await exec(tmux.killServer()).catch(() => {});
      if (!process.env.TMUXCODEX_TEST_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
}
