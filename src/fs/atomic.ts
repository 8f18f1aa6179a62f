// Atomic file writes: temp file in the same folder, fsync, rename.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes data to path so that readers see either the old or the new content, never half. The temp
 * file is created new (O_EXCL, under a random name): in a folder others can write, a symlink or a
 * file of theirs planted at a guessable name would otherwise be written through, or become path.
 */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // A half-written temp file (disk full) or one that cannot take the name (a folder there) goes.
    rmSync(tmp, { force: true });
    throw e;
  }
}
