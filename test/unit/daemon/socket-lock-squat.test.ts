// The abstract lock name is not secret: /proc/net/unix lists every abstract socket (@NAME) to every
// local user. Another user who read it while the daemon ran binds it once the daemon stops, and
// before, no daemon of this user could start again (holdSocketLock said "held" for ever, and the
// pid file named no one). A name held by no process of this user is now given up for a new one.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abstractLockName, holdSocketLock, releaseSocketLock } from '../../../src/daemon/socket-lock.js';
import { ensurePrivateDir } from '../../../src/daemon/paths.js';

let dir: string;
let lock: string;
let squatter: ChildProcess | null = null;

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'tmuxcodex-socklock-squat-')), 'run');
  ensurePrivateDir(dir);
  lock = join(dir, 'server-abcd1234.lk');
});
afterEach(async () => {
  releaseSocketLock();
  if (squatter && squatter.exitCode === null && squatter.signalCode === null) {
    const exited = once(squatter, 'exit');
    squatter.kill('SIGKILL');
    await exited;
  }
  squatter = null;
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.getuid?.() === 0)('the abstract lock name, squatted by another user', () => {
  it('is readable by another user while held, and once squatted by them does not keep this user from the lock', async () => {
    expect(await holdSocketLock(lock)).toBe(true);
    const name = abstractLockName(lock).slice(1); // without the leading NUL
    // nobody reads the name from the kernel's list while the daemon holds it, then waits for it to stop
    const seen = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'cat', '/proc/net/unix'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let list = '';
    seen.stdout!.on('data', (d: Buffer) => { list += d.toString(); });
    await once(seen, 'exit');
    expect(list).toContain(`@${name}`);
    releaseSocketLock();
    await new Promise((r) => setTimeout(r, 50));
    const squat = `require('net').createServer().listen(${JSON.stringify(`\0${name}`)}, () => console.log('READY'))`;
    squatter = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', squat], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    squatter.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    for (let i = 0; i < 200 && !out.includes('READY'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(out).toContain('READY');
    // this user's next daemon takes the lock all the same, under a new name
    expect(await holdSocketLock(lock)).toBe(true);
    expect(readFileSync(`${lock}.name`, 'utf8').trim()).not.toBe(name.replace('tmuxcodex-lock-', ''));
  });
});
