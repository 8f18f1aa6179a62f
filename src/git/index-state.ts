// The worktree's own index as a tree: content staged there (one version staged, the file edited
// again since) is work too, and an archive keeps it. Read from a copy, so the index is not touched.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { failure } from '../errors.js';
import { gitRaw } from './worktree.js';

/** The tree the worktree's index holds (headTree when it has no index file); refuses an index with unresolved conflicts. */
export async function indexTreeOf(worktree: string, scratch: string, headTree: string): Promise<string> {
  const index = (await gitRaw(worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
  if (!existsSync(index)) return headTree;
  const copy = join(scratch, 'index-copy');
  copyFileSync(index, copy);
  try {
    return (await gitRaw(worktree, ['write-tree'], { env: { ...process.env, GIT_INDEX_FILE: copy } })).trim();
  } catch (e) {
    throw failure('ARCHIVE_UNMERGED', `${worktree} is in the middle of resolving a conflict (its index holds unmerged paths), which an archive cannot keep; nothing was removed.`, 'Finish or abort the merge, rebase or cherry-pick there, then kill again.', e);
  }
}
