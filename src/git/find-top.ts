// Finding a worktree's top folder without running git: the nearest folder holding `.git`.
// Used on hot CLI paths (config lookup), where starting git would cost more than the command.
import { lstatSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The nearest ancestor of dir (itself included) that contains `.git`, or null. A `.git` of another
 * user ends the search with null, as git ends it ("dubious ownership"): one planted in a shared
 * folder such as /tmp would otherwise make their .tmuxcodex.yaml the config of every folder below.
 */
export function findWorktreeTop(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const owner = (() => { try { return lstatSync(join(d, '.git')).uid; } catch { return null; } })();
    if (owner !== null) return owner === userInfo().uid ? d : null;
    if (dirname(d) === d) return null;
  }
}
