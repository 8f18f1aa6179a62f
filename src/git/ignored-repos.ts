// Git repositories inside a worktree that the worktree's .gitignore hides (an agent's clone in an
// ignored folder): an archive never holds ignored files, so commits made there and pushed nowhere
// would go with the worktree. They are found so the kill can refuse, as for other nested repositories.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gitRaw } from './worktree.js';

/** Ignored folders of worktree (as git lists them, ending in '/'), without their contents. */
async function ignoredFolders(worktree: string): Promise<string[]> {
  const out = await gitRaw(worktree, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { timeoutMs: 120_000 });
  return out.split('\0').filter((p) => p.endsWith('/'));
}

/** Whether the repository at dir has commits on no remote-tracking ref (none at all counts as none). */
async function hasCommitsOfItsOwn(dir: string): Promise<boolean> {
  const out = await gitRaw(dir, ['rev-list', '-n1', '--branches', '--tags', '--not', '--remotes'], { okExitCodes: [128] }).catch(() => '');
  const head = await gitRaw(dir, ['rev-list', '-n1', 'HEAD', '--not', '--remotes'], { okExitCodes: [128] }).catch(() => '');
  return out.trim() !== '' || head.trim() !== '';
}

/** The ignored folders of worktree that are git repositories with commits pushed nowhere. */
export async function ignoredReposWithOwnCommits(worktree: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of await ignoredFolders(worktree)) {
    const dir = join(worktree, folder);
    if (existsSync(join(dir, '.git')) && (await hasCommitsOfItsOwn(dir))) found.push(folder.slice(0, -1));
  }
  return found;
}
