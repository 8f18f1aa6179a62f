// Writing a file the user may keep as a symlink (settings.json -> ~/dotfiles/...): the content
// changes where the link leads, and the link itself stays.
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { othersCanSwap } from './others-can-swap.js';

/**
 * The path a chain of symlinks at path ends at (path itself if it is no link); a dangling link gives
 * its target. Refused (usage errors): a loop, and an end in a folder another user could swap the
 * file in (writable by others without the sticky bit, or theirs): hooks written there could be
 * replaced by theirs, which the agents would then run as this user.
 */
export function finalTarget(path: string): string {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(p).isSymbolicLink();
    } catch {
      return checkedFolder(path, p); // missing: the write creates it here, at the end of the chain
    }
    if (!isLink) return checkedFolder(path, p);
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw usageError('SYMLINK_LOOP', `${path}: its symbolic links lead round in a loop (or more than 40 deep); it was left as it is.`, `Check where it leads (\`ls -l ${path}\`) and fix the link.`);
}

/** target, once the folders above it are found to be ones only this user (or root) can change. */
function checkedFolder(path: string, target: string): string {
  const unsafe = othersCanSwap(dirname(target));
  if (unsafe === null) return target;
  const where = target === path ? `${path}:` : `${path} leads to ${target}, and`;
  throw usageError('UNSAFE_SETTINGS_FOLDER', `${where} ${unsafe.folder} ${unsafe.why}: they could replace what tmuxcodex writes with hooks of their own; it was left as it is.`, `Keep the file in a folder of your own (\`chmod o-w ${unsafe.folder}\`, or move it), then run the command again.`);
}

/**
 * Replaces the content of path atomically where its symlinks lead (a rename over the link would
 * turn it into a regular file and leave the linked file stale), keeping the file's mode.
 */
export function writeFileThroughLinks(path: string, data: string): void {
  const target = finalTarget(path);
  let mode = 0o600;
  try { mode = statSync(target).mode & 0o777; } catch { /* a new file: private */ }
  writeFileAtomic(target, data, mode);
}
