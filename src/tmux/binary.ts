// Finding tmux, checking its version, and resolving which server a command means.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { run, ProcessError } from '../proc/run.js';
import { usageError } from '../errors.js';
import { toArgv, tmux, type TmuxCommand, type TmuxServer } from './command.js';

export const MIN_TMUX: readonly [number, number] = [3, 2];

/** The tmux program to run: TMUXCODEX_TMUX for tests of other builds, else `tmux` on PATH. */
export function tmuxBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TMUXCODEX_TMUX || 'tmux';
}

/** Parses `tmux -V` output ("tmux 3.3a", "tmux next-3.5", "tmux master") into [major, minor], or null. */
export function parseTmuxVersion(text: string): [number, number] | null {
  const m = /(\d+)\.(\d+)/.exec(text);
  if (!m) return /master/.test(text) ? [99, 0] : null;
  return [Number(m[1]), Number(m[2])];
}

/** `tmux -V` as tmux prints it ("tmux 3.3a"); throws the run error when tmux is missing or fails. */
export async function tmuxVersionText(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return (await run(tmuxBinary(env), toArgv({}, tmux.version()).slice(1), { timeoutMs: 5000 })).stdout.trim();
}

/** Whether tmux version v has what tmuxcodex needs (control-mode subscriptions, popups: 3.2). */
export function tmuxIsNewEnough(v: readonly [number, number] | null): boolean {
  return v !== null && (v[0] > MIN_TMUX[0] || (v[0] === MIN_TMUX[0] && v[1] >= MIN_TMUX[1]));
}

/** Checks that tmux exists and is new enough; returns its version string. */
export async function checkTmux(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const bin = tmuxBinary(env);
  let out: string;
  try {
    out = await tmuxVersionText(env);
  } catch (e) {
    const missing = e instanceof ProcessError && e.exitCode === null;
    throw usageError('TMUX_NOT_FOUND', missing ? `tmux was not found (tried \`${bin}\`).` : `\`${bin} -V\` failed: ${(e as Error).message}`,
      `Install tmux ${MIN_TMUX.join('.')} or newer (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux).`);
  }
  if (!tmuxIsNewEnough(parseTmuxVersion(out))) {
    throw usageError('TMUX_TOO_OLD', `tmuxcodex needs tmux ${MIN_TMUX.join('.')} or newer, but \`${bin} -V\` says "${out}".`,
      'Control-mode subscriptions (refresh-client -B) and split-window -e arrived in tmux 3.2; upgrade tmux.');
  }
  return out;
}

/** env without $TMUX/$TMUX_PANE: a tmux client we start must not think it runs nested in a pane. */
export function tmuxClientEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  delete clean.TMUX;
  delete clean.TMUX_PANE;
  return clean;
}

/** The directory tmux keeps its sockets in for this user (tmux.c: TMUX_TMPDIR or /tmp, then tmux-UID). */
export function tmuxSocketDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.TMUX_TMPDIR || '/tmp', `tmux-${userInfo().uid}`);
}

/**
 * Resolves the -L/-S choice (or $TMUX, or tmux's default) to an explicit server: always a socket
 * path (the daemon's key), plus the -L name when there is one, so that the daemon, the CLI and every
 * child tmux agree on the server whatever $TMUX says later.
 */
export function resolveServer(opts: { socketName?: string; socketPath?: string }, env: NodeJS.ProcessEnv = process.env): TmuxServer & { socketPath: string } {
  const configFile = env.TMUXCODEX_TMUX_CONFIG || undefined;
  if (opts.socketPath) return { socketPath: opts.socketPath, configFile };
  if (opts.socketName) {
    if (opts.socketName.includes('/')) throw usageError('BAD_SOCKET_NAME', `tmux socket name "${opts.socketName}" contains '/'.`, 'Use -S PATH for a socket path, -L NAME for a name.');
    return { socketName: opts.socketName, socketPath: join(tmuxSocketDir(env), opts.socketName), configFile };
  }
  const inside = env.TMUX?.split(',')[0];
  if (inside) return { socketPath: inside, configFile };
  return { socketName: 'default', socketPath: join(tmuxSocketDir(env), 'default'), configFile };
}

/** Runs one tmux command as its own client process (bootstrapping, and the CLI's few direct calls). */
export async function tmuxOnce(server: TmuxServer, command: TmuxCommand, env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<string> {
  return (await run(tmuxBinary(env), toArgv(server, command), { timeoutMs, env: tmuxClientEnv(env) })).stdout;
}

/** How to attach a terminal to a tmux session of this server, given the server's socket. */
export function tmuxAttachCommand(socket: string | null, session: string): string {
  const q = (s: string) => (/^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  // From outside tmux; inside it, `switch-client` with the same -t moves the current client there.
  return `tmux${socket ? ` -S ${q(socket)}` : ''} attach -t ${q(`=${session}`)}`;
}
