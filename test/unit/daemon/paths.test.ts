// The daemon's runtime folder: made 0700, and refused when it is a symlink, another user's, or open
// to others. Real folders in a temp dir; "another user" is the real nobody (tests run as root).
import { chmodSync, chownSync, lchownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPrivateDir, daemonPaths, ensurePrivateDir } from '../../../src/daemon/paths.js';
import { refusal } from '../../helpers/refusal.js';

const NOBODY = 65534;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-paths-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe('daemonPaths', () => {
  it('uses /tmp/tmuxcodex-UID without XDG_RUNTIME_DIR, and $XDG_RUNTIME_DIR/tmuxcodex with it', () => {
    expect(daemonPaths('/tmp/tmux-0/default', {}).runtimeDir).toBe(`/tmp/tmuxcodex-${userInfo().uid}`);
    expect(daemonPaths('/tmp/tmux-0/default', { XDG_RUNTIME_DIR: '/run/user/7' }).runtimeDir).toBe('/run/user/7/tmuxcodex');
    // Relative values are ignored (XDG spec): the runtime folder and the journal never depend on the working folder.
    expect(daemonPaths('/tmp/tmux-0/default', { XDG_RUNTIME_DIR: 'run' }).runtimeDir).toBe(`/tmp/tmuxcodex-${userInfo().uid}`);
    expect(daemonPaths('/tmp/tmux-0/default', { XDG_STATE_HOME: 'state', HOME: '' }).stateDir.startsWith(join(userInfo().homedir, '.local', 'state', 'tmuxcodex'))).toBe(true);
  });
});

describe('ensurePrivateDir', () => {
  it('creates a 0700 folder (and its parent), and closes our own folder that was opened', () => {
    const d = join(dir, 'run', 'tmuxcodex');
    ensurePrivateDir(d);
    expect(mode(d)).toBe(0o700);
    chmodSync(d, 0o755);
    ensurePrivateDir(d);
    expect(mode(d)).toBe(0o700);
  });

  it('closes our own folder that was open, but refuses it when another user put something in it meanwhile', async () => {
    chmodSync(dir, 0o755);
    const d = join(dir, 'tmuxcodex-0');
    mkdirSync(d);
    chmodSync(d, 0o777);
    // While it was open, nobody made the hook folder (and could keep it open to write fake events).
    await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'mkdir', '-m', '777', join(d, 'x-1234abcd.hooks')]);
    const e = refusal(() => ensurePrivateDir(d));
    expect(e.code).toBe('INSECURE_RUNTIME_DIR');
    expect(e.message).toBe(`${join(d, 'x-1234abcd.hooks')} belongs to uid ${NOBODY}, not to you: another user put it in ${d} while it was open to them.`);
    rmSync(join(d, 'x-1234abcd.hooks'), { recursive: true });
    ensurePrivateDir(d);
    expect(mode(d)).toBe(0o700);
  });

  it('refuses a symlink, even to a folder of ours, and never changes what it points to', () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o755 });
    chmodSync(elsewhere, 0o755);
    const d = join(dir, 'tmuxcodex-0');
    symlinkSync(elsewhere, d);
    const e = refusal(() => ensurePrivateDir(d));
    expect(e.code).toBe('INSECURE_RUNTIME_DIR');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${d} is a symbolic link (to ${elsewhere}), not a folder: another user may have planted it to receive your requests.`);
    expect(mode(elsewhere)).toBe(0o755);
  });

  it('refuses a folder, or a symlink, planted by nobody (tests run as root)', () => {
    const d = join(dir, 'tmuxcodex-0');
    mkdirSync(d, { mode: 0o700 });
    chownSync(d, NOBODY, NOBODY);
    expect(refusal(() => ensurePrivateDir(d)).message).toBe(`${d} belongs to uid ${NOBODY}, not to you (uid 0): another user may have made it to receive your requests.`);
    const link = join(dir, 'tmuxcodex-link');
    symlinkSync(d, link);
    lchownSync(link, NOBODY, NOBODY);
    expect(refusal(() => ensurePrivateDir(link)).code).toBe('INSECURE_RUNTIME_DIR');
  });

  it('refuses a file in the folder\'s place', () => {
    const d = join(dir, 'file');
    writeFileSync(d, '');
    const e = refusal(() => ensurePrivateDir(d));
    expect(e.code).toBe('BAD_RUNTIME_DIR');
    expect(e.message).toBe(`Cannot use ${d} for the daemon's socket: it is not a folder.`);
  });
});

describe('checkPrivateDir (what a client checks before it reads the token or connects)', () => {
  it('is false for a missing folder and true for our own 0700 folder', () => {
    expect(checkPrivateDir(join(dir, 'missing'))).toBe(false);
    const d = join(dir, 'ok');
    mkdirSync(d, { mode: 0o700 });
    expect(checkPrivateDir(d)).toBe(true);
  });

  it('refuses our own folder open to others, without changing it', () => {
    const d = join(dir, 'open');
    mkdirSync(d);
    chmodSync(d, 0o777);
    const e = refusal(() => checkPrivateDir(d));
    expect(e.code).toBe('INSECURE_RUNTIME_DIR');
    expect(e.message).toBe(`${d} is open to other users (mode 0777): they could replace the daemon's socket.`);
    expect(mode(d)).toBe(0o777);
  });

  it('refuses a symlink to our own private folder', () => {
    const real = join(dir, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, join(dir, 'link'));
    expect(refusal(() => checkPrivateDir(join(dir, 'link'))).code).toBe('INSECURE_RUNTIME_DIR');
  });

  it('refuses our own 0700 folder inside one others can write without the sticky bit: they could swap it between check and use', async () => {
    chmodSync(dir, 0o755); // nobody may pass through the temp folder, as through /
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const d = join(shared, 'tmuxcodex');
    mkdirSync(d, { mode: 0o700 });
    // What nobody can do there: move our folder aside and put theirs in its place.
    await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'mv', d, join(shared, 'moved')]);
    expect(statSync(join(shared, 'moved')).uid).toBe(0);
    mkdirSync(d, { mode: 0o700 });
    const e = refusal(() => checkPrivateDir(d));
    expect(e.code).toBe('INSECURE_RUNTIME_DIR');
    expect(e.message).toBe(`${shared} (a folder above ${d}) can be written by other users (mode 0777): they could replace ${d} between the check and its use.`);
    expect(refusal(() => ensurePrivateDir(d)).code).toBe('INSECURE_RUNTIME_DIR');
    // The same one higher up, and a folder above owned by another user.
    expect(refusal(() => checkPrivateDir(join(shared, 'x')) || ensurePrivateDir(join(shared, 'x', 'tmuxcodex'))).code).toBe('INSECURE_RUNTIME_DIR');
    const theirs = join(dir, 'theirs');
    mkdirSync(join(theirs, 'tmuxcodex'), { recursive: true, mode: 0o700 });
    chownSync(theirs, NOBODY, NOBODY);
    expect(refusal(() => checkPrivateDir(join(theirs, 'tmuxcodex'))).message).toBe(`${theirs} (a folder above ${join(theirs, 'tmuxcodex')}) belongs to uid ${NOBODY}: they could replace ${join(theirs, 'tmuxcodex')} between the check and its use.`);
  });

  it('accepts a folder in one others can write with the sticky bit (as /tmp is)', () => {
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const d = join(sticky, 'tmuxcodex');
    ensurePrivateDir(d);
    expect(checkPrivateDir(d)).toBe(true);
  });
});

