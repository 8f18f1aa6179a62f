// Atomic file writes: temp file in the same folder, fsync, rename.
import { openSync, writeSync, fsyncSync, closeSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes data to path so that readers see either the old or the new content, never half. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
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
