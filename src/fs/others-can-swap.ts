// Whether another local user could replace what this user makes at a path: they can if they own a
// folder on the way, or may write one that has no sticky bit (rename ours aside, put theirs there).
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

/** path and every folder above it, nearest first. */
const upFrom = (path: string): string[] => (dirname(path) === path ? [path] : [path, ...upFrom(dirname(path))]);

/** Why another user controls a folder with this stat, or null. */
function othersControl(st: Stats): string | null {
  if (st.uid !== 0 && st.uid !== userInfo().uid) return `belongs to uid ${st.uid}`;
  if ((st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) return `can be written by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`;
  return null; // sticky (as /tmp is): only owners may remove or rename what is in it
}

/**
 * The first folder at or above path that another user controls, with why; null if only this user
 * or root can change them. Both the folders as spelled (a symlink on the way is replaced through
 * its parent, which is checked) and where the symlinks lead; folders not made yet are skipped.
 */
export function othersCanSwap(path: string): { folder: string; why: string } | null {
  const spelled = upFrom(path);
  const nearest = spelled.find((p) => { try { lstatSync(p); return true; } catch { return false; } });
  let real: string[] = [];
  try { real = nearest ? upFrom(realpathSync(nearest)) : []; } catch { /* gone meanwhile */ }
  for (const [folder, follow] of [...spelled.map((p) => [p, false] as const), ...real.map((p) => [p, true] as const)]) {
    let st: Stats;
    try {
      st = follow ? statSync(folder) : lstatSync(folder);
    } catch {
      continue; // not made yet: made by this user
    }
    if (st.isSymbolicLink()) continue; // where it leads is checked on the real path
    const why = othersControl(st);
    if (why) return { folder, why };
  }
  return null;
}
