// Writing a file the user may keep as a symlink (settings.json -> ~/dotfiles/...): the content
// changes where the link leads, and the link itself stays.
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from './atomic.js';

/** The path a chain of symlinks at path ends at (path itself if it is no link); a dangling link gives its target. */
export function finalTarget(path: string): string {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(p).isSymbolicLink();
    } catch {
      return p; // missing: the write creates it here, at the end of the chain
    }
    if (!isLink) return p;
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
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
