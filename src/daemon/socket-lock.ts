// The lock that keeps one daemon per tmux server, released by the kernel however its holder dies:
// a listening unix socket inside the daemon's private (0700) runtime folder.
//
// Why not the abstract socket it replaces (\0tmuxcodex-daemon-UID-KEY): its name is predictable
// and abstract names belong to no folder, so any local user could bind it first and keep the
// daemon from ever starting. Inside the private folder only this user can create the file. A
// listening socket (not a pid file alone) because a holder that dies stops answering at once: its
// file stays, but connect() is refused, so a stale lock is told from a live one without guessing
// from pids. It works the same on Linux and macOS, with no native addon for flock().
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';

let held: { server: Server; path: string; ino: number } | null = null;

/** True if a live process listens on the unix socket at path (a stopped one counts: the kernel queues). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT'));
  });
}

/** Listens on path; false if the file is already there (live or stale). */
function listenOn(path: string): Promise<Server | null> {
  const server = createServer((c) => c.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(null) : reject(e)));
    server.listen(path, () => resolve(server));
  });
}

/**
 * Takes the lock at path (a socket file in the private runtime folder). Returns false if a live
 * process holds it. A stale file (its holder died) is first moved aside under a name of our own
 * and checked again there, so a lock another starter has just taken is never removed: if the
 * moved file turns out live, it is linked back.
 */
export async function holdSocketLock(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const server = await listenOn(path);
    if (server) {
      chmodSync(path, 0o600);
      server.unref(); // held for the life of the process, without keeping it alive
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

/** Releases the socket lock if this process holds it, removing its file only if it is still ours. */
export function releaseSocketLock(): void {
  if (!held) return;
  const { server, path, ino } = held;
  held = null;
  server.close();
  try {
    if (lstatSync(path).ino === ino) unlinkSync(path);
  } catch { /* already gone */ }
}
