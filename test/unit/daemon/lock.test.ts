// The daemon lock: a pid file taken exclusively. A lock left by a dead process, or by a live process
// that is not one of our daemons (a recycled pid), is taken over; a live daemon's lock is not.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, isOurDaemon, processAlive, readLockPid, releaseLock } from '../../../src/daemon/lock.js';

let dir: string;
let lock: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-lock-'));
  lock = join(dir, 'server-abcd1234.lock');
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync('true');
  expect(r.status).toBe(0);
  expect(r.pid).toBeGreaterThan(0);
  return r.pid!;
}

/** Starts a long-lived child and waits until it has exec'd. */
async function live(command: string, args: string[]): Promise<number> {
  const c = spawn(command, args, { stdio: 'ignore' });
  children.push(c);
  await once(c, 'spawn');
  return c.pid!;
}

/** isOurDaemon reads /proc/PID/cmdline; without /proc (macOS) it trusts liveness alone. */
const HAS_PROC = existsSync('/proc/self/cmdline');

/** A process whose command line looks like one of our daemons. */
const fakeDaemon = () => live(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', 'tmuxcodexd', '--fake-for-test']);

describe('processAlive and isOurDaemon', () => {
  it('tells live processes from dead ones', async () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
    expect(processAlive(await live('sleep', ['60']))).toBe(true);
  });

  it('counts a live process as our daemon only if its command line names tmuxcodex', async () => {
    expect(isOurDaemon(deadPid())).toBe(false);
    expect(isOurDaemon(await live('sleep', ['60']))).toBe(!HAS_PROC);
    expect(isOurDaemon(await fakeDaemon())).toBe(true);
  });
});

describe('readLockPid', () => {
  it.each([
    ['1234\n', 1234], [' 42 \n', 42], ['0\n', null], ['-5\n', null], ['12abc\n', null], ['1.5\n', null], ['', null], ['garbage', null],
  ])('reads %j as %j', (content, pid) => {
    writeFileSync(lock, content);
    expect(readLockPid(lock)).toBe(pid);
  });

  it('is null for a missing file', () => {
    expect(readLockPid(lock)).toBeNull();
  });
});

describe('acquireLock', () => {
  it('takes a fresh lock, writing this pid to a private file', async () => {
    expect(await acquireLock(lock)).toBeNull();
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    expect(statSync(lock).mode & 0o777).toBe(0o600);
  });

  it('succeeds again in the process that holds it', async () => {
    expect(await acquireLock(lock)).toBeNull();
    expect(await acquireLock(lock)).toBeNull();
    expect(readLockPid(lock)).toBe(process.pid);
  });

  it('takes over a lock left by a dead process', async () => {
    writeFileSync(lock, `${deadPid()}\n`);
    expect(await acquireLock(lock)).toBeNull();
    expect(readLockPid(lock)).toBe(process.pid);
  });

  it('takes over a lock whose pid now belongs to a live process that is not our daemon', async () => {
    const sleeper = await live('sleep', ['60']);
    writeFileSync(lock, `${sleeper}\n`);
    // With /proc the recycled pid is seen for what it is; without, a live pid is trusted as the holder.
    expect(await acquireLock(lock)).toBe(HAS_PROC ? null : sleeper);
    expect(readLockPid(lock)).toBe(HAS_PROC ? process.pid : sleeper);
    expect(processAlive(sleeper)).toBe(true); // never killed
  });

  it('takes over a lock file that holds no pid', async () => {
    writeFileSync(lock, 'not a pid\n');
    expect(await acquireLock(lock)).toBeNull();
    expect(readLockPid(lock)).toBe(process.pid);
  });

  it('returns the pid of a live daemon that holds the lock, leaving its file alone', async () => {
    const daemon = await fakeDaemon();
    writeFileSync(lock, `${daemon}\n`);
    expect(await acquireLock(lock)).toBe(daemon);
    expect(readFileSync(lock, 'utf8')).toBe(`${daemon}\n`);
  });

  it('fails loudly when the folder does not exist (the caller creates it)', async () => {
    await expect(acquireLock(join(dir, 'missing', 'x.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('releaseLock', () => {
  it('removes the lock this process holds', async () => {
    expect(await acquireLock(lock)).toBeNull();
    releaseLock(lock);
    expect(existsSync(lock)).toBe(false);
  });

  it('leaves another process\'s lock in place', async () => {
    const daemon = await fakeDaemon();
    writeFileSync(lock, `${daemon}\n`);
    releaseLock(lock);
    expect(readFileSync(lock, 'utf8')).toBe(`${daemon}\n`);
    writeFileSync(lock, `${deadPid()}\n`);
    releaseLock(lock); // even a stale one: only acquireLock takes locks over
    expect(existsSync(lock)).toBe(true);
  });

  it('does nothing when there is no lock', () => {
    expect(() => releaseLock(lock)).not.toThrow();
    expect(existsSync(lock)).toBe(false);
  });

  it('lets the next acquire start fresh', async () => {
    expect(await acquireLock(lock)).toBeNull();
    releaseLock(lock);
    expect(await acquireLock(lock)).toBeNull();
    expect(readLockPid(lock)).toBe(process.pid);
  });
});
