// Whether another local user could replace what this user makes at a path: they can if they own a
// folder on the way, or may write one that has no sticky bit (rename ours aside, put theirs there).
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

/**
 * The first folder at or above path (the nearest existing one, then each above it, symlinks
 * followed) that another user controls, with why; null if only this user or root can change them.
 */
export function othersCanSwap(path: string): { folder: string; why: string } | null {
  const uid = userInfo().uid;
  for (let p = path; ; p = dirname(p)) {
    const st = (() => { try { return statSync(p); } catch { return null; } })();
    if (st) {
      if (st.uid !== 0 && st.uid !== uid) return { folder: p, why: `belongs to uid ${st.uid}` };
      if ((st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) return { folder: p, why: `can be written by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})` };
    }
    if (dirname(p) === p) return null;
  }
}
