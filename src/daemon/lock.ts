// One daemon per tmux server: an exclusive lock file holding the owner's pid.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { releaseSocketLock } from './socket-lock.js';
import { processAlive } from '../proc/alive.js';

// processAlive lives in proc/ so that the tmux link (src/tmux/) can ask it too; re-exported for the daemon's callers.
export { processAlive };

/** True if pid is alive and its command line looks like one of our daemons (not a recycled pid). */
export function isOurDaemon(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    // The daemon runs as tmuxcodexd.js, or as `tmuxcodex daemon run` in the foreground.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('tmuxcodexd.js') || a === 'tmuxcodexd') || (argv.some((a) => a.includes('tmuxcodex')) && argv.includes('daemon') && argv.includes('run'));
  } catch {
    return true; // no /proc (macOS): trust liveness
  }
}

/** The pid recorded in a lock file, or null. */
export function readLockPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock for this process. Returns null on success, or the pid of the live daemon that
 * holds it. A lock left by a dead process is taken over; two processes racing over the same stale
 * lock settle it by re-reading after a pause: the last writer wins, the other backs off.
 */
export async function acquireLock(path: string): Promise<number | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      await sleep(30);
      const now = readLockPid(path);
      if (now === process.pid) return null;
      if (now !== null && isOurDaemon(now)) return now;
      continue;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLockPid(path);
    if (holder !== null && holder !== process.pid && isOurDaemon(holder)) return holder;
    try { unlinkSync(path); } catch { /* someone else removed it first */ }
  }
  const holder = readLockPid(path);
  return holder ?? -1;
}

/** Releases the lock if this process still holds it. */
export function releaseLock(path: string): void {
  releaseSocketLock();
  if (readLockPid(path) === process.pid) {
    try { unlinkSync(path); } catch { /* already gone */ }
  }
}
