// Where the daemon keeps its socket, lock, token, journal and log for one tmux server.
import { createHash } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { usageError } from '../errors.js';
import { stateHome } from '../config/dirs.js';
import { othersCanSwap } from '../fs/others-can-swap.js';

export interface DaemonPaths {
  /** Short, filesystem-safe key for the tmux server: socket basename plus a hash of its path. */
  key: string;
  runtimeDir: string;
  socket: string;
  lock: string;
  /** The single-daemon lock: a socket only this user can create (shorter name than the socket's, so it fits too). */
  lockSocket: string;
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
  // A relative XDG_RUNTIME_DIR is ignored (XDG spec): the socket's place must not depend on the working folder.
  const runtimeDir = env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR) ? join(env.XDG_RUNTIME_DIR, 'tmuxcodex') : join('/tmp', `tmuxcodex-${userInfo().uid}`);
  const stateDir = join(stateHome(env), 'tmuxcodex', key);
  return {
    key, runtimeDir, stateDir,
    socket: join(runtimeDir, `${key}.sock`),
    lock: join(runtimeDir, `${key}.lock`),
    lockSocket: join(runtimeDir, `${key}.lk`),
    token: join(runtimeDir, `${key}.token`),
    journal: join(stateDir, 'agents.json'),
    log: join(stateDir, 'daemon.log'),
    hooks: join(runtimeDir, `${key}.hooks`),
  };
}

/**
 * Creates dir as 0700 if missing, and refuses one that is a symlink, owned by another user or
 * open to others: a socket in such a folder could be replaced or read by someone else. The last
 * component is never followed: mkdir fails on whatever is there, and the folder is then opened
 * with O_NOFOLLOW, so a symlink planted at /tmp/tmuxcodex-UID is refused, never chmod-ed through.
 */
export function ensurePrivateDir(dir: string): void {
  checkAncestors(dir); // before anything is made in a place another user controls
  try {
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw badDir(dir, (e as Error).message);
  }
  // Our own folder opened up (by hand): closed again. Anything else is refused by the check.
  withPrivateDirFd(dir, (fd, st) => {
    if (st.isDirectory() && st.uid === userInfo().uid && (st.mode & 0o077) !== 0) fchmodSync(fd, 0o700);
  });
  checkPrivateDir(dir);
  checkEntriesOurs(dir);
}

/**
 * Throws if anything in dir belongs to another user: put there while the folder was open (closing
 * it again does not take it out), such as a hook folder they keep open to write fake events, or a
 * socket at the lock's name that would keep the daemon from ever starting.
 */
function checkEntriesOurs(dir: string): void {
  const uid = userInfo().uid;
  for (const name of readdirSync(dir)) {
    const owner = (() => { try { return lstatSync(join(dir, name)).uid; } catch { return uid; } })();
    if (owner !== uid) throw usageError('INSECURE_RUNTIME_DIR', `${join(dir, name)} belongs to uid ${owner}, not to you: another user put it in ${dir} while it was open to them.`, `Remove the folder (\`rm -r ${dir}\`; stop the daemon first if one runs) and try again.`);
  }
}

/**
 * Throws a usage error unless dir is a real folder (not a symlink) of this user with no access
 * for others. Clients call it before reading the token or connecting: otherwise a folder planted
 * by another user would receive their requests, -e secrets and tasks. Returns false if dir does
 * not exist (no daemon yet).
 */
export function checkPrivateDir(dir: string): boolean {
  const st = withPrivateDirFd(dir, (_fd, s) => s);
  if (st === null) return false;
  if (!st.isDirectory()) throw badDir(dir, 'it is not a folder');
  const uid = userInfo().uid;
  if (st.uid !== uid) {
    throw usageError('INSECURE_RUNTIME_DIR', `${dir} belongs to uid ${st.uid}, not to you (uid ${uid}): another user may have made it to receive your requests.`, 'Remove it, or set XDG_RUNTIME_DIR to a folder of your own.');
  }
  if ((st.mode & 0o077) !== 0) {
    throw usageError('INSECURE_RUNTIME_DIR', `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): they could replace the daemon's socket.`, `Close it with \`chmod 700 ${dir}\` (or remove it), or set XDG_RUNTIME_DIR to a folder of your own.`);
  }
  checkAncestors(dir);
  return true;
}

/**
 * Throws unless every folder above dir is root's or this user's and closed to others' writes, or
 * sticky (as /tmp is): otherwise another user could move our checked folder aside and put theirs
 * in its place between the check and the connect.
 */
function checkAncestors(dir: string): void {
  const unsafe = othersCanSwap(dirname(dir));
  if (unsafe) throw usageError('INSECURE_RUNTIME_DIR', `${unsafe.folder} (a folder above ${dir}) ${unsafe.why}: they could replace ${dir} between the check and its use.`, 'Set XDG_RUNTIME_DIR to a folder of your own whose parents only you (or root) can change.');
}

/** Opens dir without following a symlink and hands fd and its stat to use; null if dir is missing. */
function withPrivateDirFd<T>(dir: string, use: (fd: number, st: Stats) => T): T | null {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // O_NOFOLLOW on a symlink fails with ELOOP; O_DIRECTORY on anything else with ENOTDIR.
    // ENOTDIR also comes from a component above dir that is a file (XDG_RUNTIME_DIR is one): lstat fails then too.
    if (code === 'ELOOP' || (code === 'ENOTDIR' && isSymlink(dir))) {
      throw usageError('INSECURE_RUNTIME_DIR', `${dir} is a symbolic link (to ${readlinkSafe(dir)}), not a folder: another user may have planted it to receive your requests.`, `Check where it leads, remove it (\`rm ${dir}\`), or set XDG_RUNTIME_DIR to a folder of your own.`);
    }
    throw badDir(dir, code === 'ENOTDIR' ? 'it is not a folder' : (e as Error).message);
  }
  try {
    return use(fd, fstatSync(fd));
  } finally {
    closeSync(fd);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

function badDir(dir: string, why: string): Error {
  return usageError('BAD_RUNTIME_DIR', `Cannot use ${dir} for the daemon's socket: ${why}.`, 'Set XDG_RUNTIME_DIR to a folder of your own (or unset it to use /tmp).');
}
