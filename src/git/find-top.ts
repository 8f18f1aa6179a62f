// Finding a worktree's top folder without running git: the nearest folder holding `.git`.
// Used on hot CLI paths (config lookup), where starting git would cost more than the command.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest ancestor of dir (itself included) that contains `.git`, or null. */
export function findWorktreeTop(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return null;
  }
}
