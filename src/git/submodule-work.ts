// Work inside a worktree's git submodules: their repositories live in the worktree's own admin
// folder (.git/worktrees/<name>/modules/), so removing the worktree takes with it any edit made in a
// submodule and any commit made there that no remote and no other checkout has. An archive of the
// worktree holds only the submodule's commit id, not its work: such work is reported so the kill
// can refuse instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gitRaw } from './worktree.js';

/** Paths of the submodules (gitlinks) the index of dir records. */
async function submodulePaths(dir: string): Promise<string[]> {
  const fields = (await gitRaw(dir, ['ls-files', '-s', '-z'])).split('\0');
  return fields.filter((f) => f.startsWith('160000 ')).map((f) => f.slice(f.indexOf('\t') + 1));
}

/** Commits of the submodule at sub that exist only there: on no remote-tracking ref, not in the main checkout's copy of it. */
async function onlyHere(sub: string, commonModules: string | null): Promise<string[]> {
  const commits = (await gitRaw(sub, ['rev-list', 'HEAD', '--branches', '--not', '--remotes'])).split('\n').filter(Boolean);
  if (!commonModules || !existsSync(commonModules)) return commits;
  // In the main checkout's copy of the submodule (its own .git/modules/<path>) the commit survives.
  if (!commits.length) return [];
  const answers = (await gitRaw(commonModules, ['cat-file', '--batch-check'], { input: commits.join('\n') + '\n' })).split('\n');
  return commits.filter((_, i) => !/^[0-9a-f]+ commit /.test(answers[i] ?? ''));
}

/**
 * What in worktree's initialized submodules (recursively) would be lost with the worktree, one line
 * each ("lib: uncommitted changes", "lib: 2 commit(s) on no remote"); empty when nothing would be.
 */
export async function unsavedSubmoduleWork(worktree: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  const paths = await submodulePaths(worktree);
  if (!paths.length) return found;
  const common = (await gitRaw(worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  for (const path of paths) {
    const sub = join(worktree, path);
    if (!existsSync(join(sub, '.git'))) continue; // not checked out: nothing of it lives here
    const name = `${prefix}${path}`;
    if ((await gitRaw(sub, ['status', '--porcelain', '-z', '--untracked-files=all', '--ignore-submodules=none'])).length) found.push(`${name}: uncommitted changes`);
    const own = await onlyHere(sub, join(common, 'modules', path));
    if (own.length) found.push(`${name}: ${own.length} commit(s) on no remote`);
    found.push(...(await unsavedSubmoduleWork(sub, `${name}/`)));
  }
  return found;
}
