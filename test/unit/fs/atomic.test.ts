// Atomic writes (fs/atomic.ts) where another user can write the folder (a settings file linked to
// a shared folder, a sticky /tmp): the temp file must be a new file of ours, never something planted
// at its name. "Another user" is the real nobody (tests run as root).
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/fs/atomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-atomic-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a shell line as nobody. */
const asNobody = (line: string) => execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '/bin/sh', '-c', line]);

describe('writeFileAtomic', () => {
  it('writes the content whole, with the mode asked, leaving no temp file', () => {
    const file = join(dir, 'a.json');
    writeFileAtomic(file, '{"a":1}\n', 0o640);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('never writes through a symlink nor into a file another user planted at the temp name', async () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep me\n');
    const file = join(shared, 'settings.json');
    // nobody plants a link to the victim at the temp name they can guess (path.PID.tmp).
    await asNobody(`ln -s ${victim} ${file}.${process.pid}.tmp`);
    writeFileAtomic(file, '{"hooks":{}}\n');
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(readFileSync(file, 'utf8')).toBe('{"hooks":{}}\n');
    expect(statSync(file).uid).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lstatSync(file).isFile()).toBe(true);
  });
});
