// The lock that keeps one daemon per tmux server, released by the kernel however its holder dies.
//
// On Linux: a listening socket in the abstract namespace under a name nobody else can know. The
// name is random, kept in a 0600 file in the daemon's private (0700) runtime folder. bind() is
// atomic and the kernel frees the name the moment its holder dies, so there is never a stale lock
// to clean up, and so no window in which two starters can both win (the socket-file lock before it
// had to move a dead holder's file aside, and under load 3 of 8 racing starters once won). The
// predictable abstract name before that (\0tmuxcodex-daemon-UID-KEY) could be bound first by any
// local user; this one is read only through the private folder.
//
// Elsewhere (no abstract namespace): a listening unix socket file in the private folder; a dead
// holder's file is moved aside and checked again; the pid file (lock.ts) settles the rare tie.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, lstatSync, readdirSync, readFileSync, readlinkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { connect, createServer, type Server } from 'node:net';

let held: { server: Server; path: string; ino: number | null } | null = null;

const NAME_PATTERN = /^[0-9a-f]{32}$/;

/** Writes a fresh random name to a temp file beside nameFile; returns its path (the caller puts it in place). */
function newNameFile(nameFile: string): string {
  const tmp = `${nameFile}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, `${randomBytes(16).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return tmp;
}

/** The abstract socket name for the lock at path: made once (atomically, complete), then read. */
export function abstractLockName(path: string): string {
  const nameFile = `${path}.name`;
  if (!existsSync(nameFile)) {
    const tmp = newNameFile(nameFile);
    // link() either puts the whole file at the name or fails because a racing starter's is there.
    try { linkSync(tmp, nameFile); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; } finally { unlinkSync(tmp); }
  }
  const name = lstatSync(nameFile).isFile() ? readFileSync(nameFile, 'utf8').trim() : '';
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`the daemon lock's name file ${nameFile} is not what tmuxcodex wrote (32 hex digits); remove it and start again`);
  }
  return `\0tmuxcodex-lock-${name}`;
}

/** Writes a fresh random name for the lock at path, in place of the one there (whole, atomically). */
function renewAbstractLockName(path: string): void {
  const nameFile = `${path}.name`;
  const tmp = newNameFile(nameFile);
  try { renameSync(tmp, nameFile); } catch (e) { try { unlinkSync(tmp); } catch { /* gone */ } throw e; }
}

/**
 * True only when the kernel lists a socket bound to the abstract name and none of this user's
 * processes has it open. Anything unsure (no /proc, the name not listed, a socket found) is false:
 * the name is then left alone, as held.
 */
function heldByOthersOnly(abstractName: string): boolean {
  let table: string;
  try { table = readFileSync('/proc/net/unix', 'utf8'); } catch { return false; }
  const at = `@${abstractName.slice(1)}`;
  const inodes = new Set<string>();
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    // Node binds the whole sun_path: the name is listed padded with NULs, shown as @.
    if (f.length >= 8 && f[7]!.replace(/@+$/, '') === at) inodes.add(f[6]!);
  }
  if (!inodes.size) return false;
  const uid = userInfo().uid;
  let pids: string[];
  try { pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p)); } catch { return false; }
  for (const pid of pids) {
    try {
      // The status file, not the folder's owner: a process that changed its uid is shown as root's.
      const ids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (!ids || (Number(ids[1]) !== uid && Number(ids[2]) !== uid)) continue;
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return false;
      }
    } catch { /* exited, or not ours to read */ }
  }
  return true;
}

/** Listens on path (a file or an abstract name); null if it is taken (live or, for a file, stale). */
function listenOn(path: string): Promise<Server | null> {
  const server = createServer((c) => c.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(null) : reject(e)));
    server.listen(path, () => resolve(server));
  });
}

/** True if a live process listens on the unix socket at path (a stopped one counts: the kernel queues). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT'));
  });
}

/** Takes the lock for path (a place in the private runtime folder). Returns false if a live process holds it. */
export async function holdSocketLock(path: string): Promise<boolean> {
  return process.platform === 'linux' ? holdAbstractLock(path) : holdFileLock(path);
}

async function holdAbstractLock(path: string): Promise<boolean> {
  let name = abstractLockName(path);
  let server = await listenOn(name);
  // The name is no secret after all: /proc/net/unix lists every abstract socket to every local
  // user. One who read it binds it once our daemon stops; a name no process of ours holds is then
  // given up for a new one (racing starters that both renew settle on the pid file, as elsewhere).
  if (!server && heldByOthersOnly(name)) {
    renewAbstractLockName(path);
    name = abstractLockName(path);
    server = await listenOn(name);
  }
  if (!server) return false;
  server.unref(); // held for the life of the process, without keeping it alive
  held = { server, path, ino: null };
  return true;
}

/**
 * The socket-file lock: a stale file (its holder died) is first moved aside under a name of our
 * own and checked again there, so a lock another starter has just taken is never removed: if the
 * moved file turns out live, it is linked back.
 */
export async function holdFileLock(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const server = await listenOn(path);
    if (server) {
      chmodSync(path, 0o600);
      server.unref();
      held = { server, path, ino: lstatSync(path).ino };
      return true;
    }
    if (await answers(path)) return false;
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // another starter moved it first
      throw e;
    }
    if (await answers(aside)) {
      try { linkSync(aside, path); } catch { /* a third starter holds path now: the pid file settles it */ }
      unlinkSync(aside);
      return false;
    }
    unlinkSync(aside);
  }
  return false;
}

/** Releases the lock if this process holds it (a socket file only if it is still ours). */
export function releaseSocketLock(): void {
  if (!held) return;
  const { server, path, ino } = held;
  held = null;
  server.close();
  if (ino === null) return; // an abstract name: gone with the socket
  try {
    if (lstatSync(path).ino === ino) unlinkSync(path);
  } catch { /* already gone */ }
}
