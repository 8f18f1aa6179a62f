// Reading a file a repository (or an agent) names, which may be a symlink to anything: a FIFO,
// whose open() waits for a writer forever, or a device like /dev/zero, whose read never ends.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The bytes of path (symlinks followed) if it is a regular file; null if it is anything else. Opening never waits. */
export function readRegularFile(path: string): Buffer | null {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : null;
  } finally {
    closeSync(fd);
  }
}

/** Opens path for reading if it is a regular file (symlinks followed); null if it is anything else. Opening never waits. */
export async function openRegular(path: string): Promise<FileHandle | null> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  if ((await fh.stat().catch(() => null))?.isFile()) return fh;
  await fh.close();
  return null;
}
