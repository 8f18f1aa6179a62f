// Making the folders tmuxcodex keeps its state and log in, with a clear error when that cannot be
// done. Node's recursive mkdir reports a read-only file system as ENOENT (it tries the parent,
// which exists), so the cause is found by asking the nearest folder that exists.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { failure } from '../errors.js';

/** Why nothing can be created under dir: the nearest existing folder's answer to a write check. */
function whyUnwritable(dir: string, e: NodeJS.ErrnoException): string {
  let near = dir;
  while (!existsSync(near) && dirname(near) !== near) near = dirname(near);
  try {
    accessSync(near, constants.W_OK);
  } catch (w) {
    const code = (w as NodeJS.ErrnoException).code;
    return `${near} is ${code === 'EROFS' ? 'on a read-only file system' : 'not writable'} (${code})`;
  }
  return `${e.code ?? 'error'}: ${e.message}`;
}

/** Makes dir (and its parents) with mode; a failure says which folder, why, and what to do. */
export function makeWritableDir(dir: string, what: string, mode = 0o700): void {
  try {
    mkdirSync(dir, { recursive: true, mode });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw failure('STATE_DIR_UNWRITABLE', `Cannot use ${dir} as ${what}: ${whyUnwritable(dir, e as NodeJS.ErrnoException)}.`,
      'Make it writable, or point XDG_STATE_HOME at a folder you can write, then run the command again.', e);
  }
}
