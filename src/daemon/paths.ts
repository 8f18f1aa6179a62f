// Where the daemon keeps its socket, lock, token, journal and log for one tmux server.
import { createHash } from 'node:crypto';
import { mkdirSync, statSync, chmodSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { usageError } from '../errors.js';

export interface DaemonPaths {
  /** Short, filesystem-safe key for the tmux server: socket basename plus a hash of its path. */
  key: string;
  runtimeDir: string;
  socket: string;
  lock: string;
  token: string;
  stateDir: string;
  journal: string;
  log: string;
  /** The agents' hook event files (tmux/agent-hook.sh appends there; the daemon watches it). */
  hooks: string;
}

/** The paths for the daemon of the tmux server at tmuxSocketPath. */
export function daemonPaths(tmuxSocketPath: string, env: NodeJS.ProcessEnv = process.env): DaemonPaths {
  const hash = createHash('sha256').update(tmuxSocketPath).digest('hex').slice(0, 8);
  const key = `${basename(tmuxSocketPath).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-${hash}`;
  const runtimeDir = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'tmuxcodex') : join('/tmp', `tmuxcodex-${userInfo().uid}`);
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || userInfo().homedir, '.local', 'state');
  const stateDir = join(stateHome, 'tmuxcodex', key);
  return {
    key, runtimeDir, stateDir,
    socket: join(runtimeDir, `${key}.sock`),
    lock: join(runtimeDir, `${key}.lock`),
    token: join(runtimeDir, `${key}.token`),
    journal: join(stateDir, 'agents.json'),
    log: join(stateDir, 'daemon.log'),
    hooks: join(runtimeDir, `${key}.hooks`),
  };
}

/**
 * Creates dir as 0700 if missing, and refuses one owned by another user or open to others:
 * a socket in such a folder could be replaced or read by someone else.
 */
export function ensurePrivateDir(dir: string): void {
  let st;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = statSync(dir);
    if (!st.isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw usageError('BAD_RUNTIME_DIR', `Cannot use ${dir} for the daemon's socket: ${(e as Error).message}.`, 'Set XDG_RUNTIME_DIR to a folder of your own (or unset it to use /tmp).');
  }
  const uid = userInfo().uid;
  if (st.uid !== uid) {
    throw usageError('INSECURE_RUNTIME_DIR', `${dir} belongs to uid ${st.uid}, not to you (uid ${uid}).`, 'Remove it, or set XDG_RUNTIME_DIR to a folder of your own.');
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
