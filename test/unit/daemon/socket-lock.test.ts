// The single-daemon lock: a listening socket in the private runtime folder. Real processes take it,
// die holding it (SIGKILL) and race for it; nobody else can create anything in the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdSocketLock, releaseSocketLock } from '../../../src/daemon/socket-lock.js';
import { ensurePrivateDir } from '../../../src/daemon/paths.js';
import { waitFor } from '../../helpers/wait-for.js';

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

/** A process that tries the lock, prints "true"/"false", and (if it won) holds it until killed. */
function contender(): { child: ChildProcess; verdict: Promise<string> } {
  const script = `import(${JSON.stringify(BUILT)}).then(async (m) => { const ok = await m.holdSocketLock(${JSON.stringify(lock)}); console.log(String(ok)); if (ok) setInterval(() => {}, 1 << 30); })`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const verdict = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out.trim()); });
    child.once('exit', () => resolve(out.trim() || 'exited'));
  });
  return { child, verdict };
}

describe('holdSocketLock', () => {
  it('takes a free lock as a 0600 socket; another process cannot take it while it is held; released, the file is gone', async () => {
    expect(await holdSocketLock(lock)).toBe(true);
    const st = lstatSync(lock);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await contender().verdict).toBe('false');
    releaseSocketLock();
    expect(existsSync(lock)).toBe(false);
    expect(await contender().verdict).toBe('true');
  });

  it('takes over the file a SIGKILLed holder left behind', async () => {
    const first = contender();
    expect(await first.verdict).toBe('true');
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await exited;
    expect(lstatSync(lock).isSocket()).toBe(true); // left behind: the kernel closed the socket, not the file
    expect(await holdSocketLock(lock)).toBe(true);
    expect(readdirSync(dir)).toEqual(['server-abcd1234.lk']); // the stale file was moved aside and removed
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

  it('of 8 processes racing over a stale lock, exactly one wins', async () => {
    const first = contender();
    expect(await first.verdict).toBe('true');
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await exited;
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => contender().verdict));
    expect(verdicts.filter((v) => v === 'true')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'false')).toHaveLength(7);
    await waitFor(() => readdirSync(dir).length === 1, { timeoutMs: 5000, what: 'no moved-aside files left' });
  });

  it('a plain file in its place (not a socket anyone listens on) is taken over, not obeyed', async () => {
    writeFileSync(lock, 'junk');
    expect(await holdSocketLock(lock)).toBe(true);
    expect(lstatSync(lock).isSocket()).toBe(true);
  });
});
