// Watching a repository's git folder for what moves a branch, a HEAD or an index (not logs or
// objects). Events only say what file changed: callers re-read the state with git.
import chokidar, { type FSWatcher } from 'chokidar';
import { join } from 'node:path';

/** Watches commonDir's refs, packed-refs, HEAD, index and each worktree's HEAD and index. */
export function watchGitDir(commonDir: string, onChange: (path: string) => void): FSWatcher {
  const w = chokidar.watch([join(commonDir, 'refs', 'heads'), join(commonDir, 'packed-refs'), join(commonDir, 'HEAD'), join(commonDir, 'index'), join(commonDir, 'worktrees')], {
    ignoreInitial: true,
    // Git replaces files by renaming a lock over them; no need to wait and merge unlink+add.
    atomic: false,
    ignored: (p, st) => p.endsWith('.lock') || (!!st?.isFile() && /\/worktrees\/[^/]+\/(?!HEAD$|index$)[^/]+$/.test(p)),
    depth: 8,
  });
  w.on('all', (_event, path) => onChange(path));
  return w;
}
