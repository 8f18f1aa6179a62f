// The single-daemon lock: on Linux a listening socket under an abstract name that only the private
// runtime folder tells; elsewhere a socket file in that folder. Real processes take it, die holding
// it (SIGKILL) and race for it; nobody else can create anything in the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abstractLockName, holdFileLock, holdSocketLock, releaseSocketLock } from '../../../src/daemon/socket-lock.js';
import { ensurePrivateDir } from '../../../src/daemon/paths.js';

const BUILT = fileURLToPath(new URL('../../../dist/daemon/socket-lock.js', import.meta.url));
let dir: string;
let lock: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'tmuxcodex-socklock-')), 'run');
  ensurePrivateDir(dir);
  lock = join(dir, 'server-abcd1234.lk');
});
afterEach(async () => {
  releaseSocketLock();
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

/** A process that tries the lock (fn: holdSocketLock or holdFileLock), prints "true"/"false", and (if it won) holds it until killed. */
function contender(fn = 'holdSocketLock'): { child: ChildProcess; verdict: Promise<string> } {
  const script = `import(${JSON.stringify(BUILT)}).then(async (m) => { const ok = await m.${fn}(${JSON.stringify(lock)}); console.log(String(ok)); if (ok) setInterval(() => {}, 1 << 30); })`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const verdict = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out.trim()); });
    child.once('exit', () => resolve(out.trim() || 'exited'));
  });
  return { child, verdict };
}

/** Starts a holder, then SIGKILLs it: the lock it held is left as a dead holder leaves it. */
async function deadHolder(fn = 'holdSocketLock'): Promise<void> {
  const first = contender(fn);
  expect(await first.verdict).toBe('true');
  const exited = once(first.child, 'exit');
  first.child.kill('SIGKILL');
  await exited;
}

describe.runIf(process.platform === 'linux')('holdSocketLock (Linux: an abstract name kept in the private folder)', () => {
  it('takes a free lock; its name is 32 random hex digits in a 0600 file; another process cannot take it while it is held; released, it can', async () => {
    expect(await holdSocketLock(lock)).toBe(true);
    const nameFile = `${lock}.name`;
    expect(statSync(nameFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(nameFile, 'utf8').trim()).toMatch(/^[0-9a-f]{32}$/);
    expect(abstractLockName(lock)).toBe(`\0tmuxcodex-lock-${readFileSync(nameFile, 'utf8').trim()}`);
    expect(await contender().verdict).toBe('false');
    releaseSocketLock();
    expect(await contender().verdict).toBe('true');
  });

  it('the name differs per folder and says nothing of the user or server (nobody else can guess it)', () => {
    const other = join(mkdtempSync(join(tmpdir(), 'tmuxcodex-socklock-')), 'server-abcd1234.lk');
    try {
      expect(abstractLockName(other)).not.toBe(abstractLockName(lock));
      expect(abstractLockName(lock)).not.toContain('abcd1234');
      expect(abstractLockName(lock)).not.toMatch(/tmuxcodex-daemon-/); // the old name: uid and server key
    } finally {
      rmSync(dirname(other), { recursive: true, force: true });
    }
  });

  it('a SIGKILLed holder leaves nothing to clean up: the next process takes it at once', async () => {
    await deadHolder();
    expect(await holdSocketLock(lock)).toBe(true);
    expect(readdirSync(dir)).toEqual(['server-abcd1234.lk.name']);
  });

  it('a SIGSTOPped holder still holds it', async () => {
    const first = contender();
    expect(await first.verdict).toBe('true');
    first.child.kill('SIGSTOP');
    try {
      expect(await holdSocketLock(lock)).toBe(false);
    } finally {
      first.child.kill('SIGCONT');
    }
  });

  it('of 8 processes racing for a lock whose holder was SIGKILLed, exactly one wins, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      await deadHolder();
      const racers = Array.from({ length: 8 }, () => contender());
      const verdicts = await Promise.all(racers.map((r) => r.verdict));
      expect(verdicts.filter((v) => v === 'true')).toHaveLength(1);
      expect(verdicts.filter((v) => v === 'false')).toHaveLength(7);
      for (const r of racers) r.child.kill('SIGKILL');
      await Promise.all(racers.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? once(r.child, 'exit') : null)));
    }
  });

  it('8 processes racing for a lock nobody has taken yet agree on one name, and exactly one wins', async () => {
    const racers = Array.from({ length: 8 }, () => contender());
    const verdicts = await Promise.all(racers.map((r) => r.verdict));
    expect(verdicts.filter((v) => v === 'true')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(['server-abcd1234.lk.name']); // no temp file left
  });

  it('a name file that is not what tmuxcodex wrote is refused with what to do, never used', async () => {
    writeFileSync(`${lock}.name`, 'junk\n');
    await expect(holdSocketLock(lock)).rejects.toThrow(/not what tmuxcodex wrote.*remove it/);
  });
});

describe('holdFileLock (no abstract namespace: a socket file in the private folder)', () => {
  it('takes a free lock as a 0600 socket; another process cannot take it while it is held; released, the file is gone', async () => {
    expect(await holdFileLock(lock)).toBe(true);
    const st = lstatSync(lock);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await contender('holdFileLock').verdict).toBe('false');
    releaseSocketLock();
    expect(existsSync(lock)).toBe(false);
    expect(await contender('holdFileLock').verdict).toBe('true');
  });

  it('takes over the file a SIGKILLed holder left behind', async () => {
    await deadHolder('holdFileLock');
    expect(lstatSync(lock).isSocket()).toBe(true); // left behind: the kernel closed the socket, not the file
    expect(await holdFileLock(lock)).toBe(true);
    expect(readdirSync(dir)).toEqual(['server-abcd1234.lk']); // the stale file was moved aside and removed
  });

  it('a SIGSTOPped holder still holds it', async () => {
    const first = contender('holdFileLock');
    expect(await first.verdict).toBe('true');
    first.child.kill('SIGSTOP');
    try {
      expect(await holdFileLock(lock)).toBe(false);
    } finally {
      first.child.kill('SIGCONT');
    }
  });

  it('a plain file in its place (not a socket anyone listens on) is taken over, not obeyed', async () => {
    writeFileSync(lock, 'junk');
    expect(await holdFileLock(lock)).toBe(true);
    expect(lstatSync(lock).isSocket()).toBe(true);
  });
});
