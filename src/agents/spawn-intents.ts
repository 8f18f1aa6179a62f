// What a spawn is about to make, written down before it makes it: a daemon killed half way through
// a spawn (after `git worktree add`, before the agent is recorded) leaves an intent behind, and the
// next daemon undoes the half-made worktree (and the branch it created, if nothing was committed on
// it) instead of leaving a folder no record knows, once it has proved that the folder is still
// the worktree that spawn made (spawn-identity.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { deleteBranch, gitRaw, resolveCommit, worktreeGitDir } from '../git/worktree.js';
import { notTheSpawnsWorktree, SPAWN_MARKER } from './spawn-identity.js';

export { spawnLockReason } from './spawn-identity.js';

export interface SpawnIntent { source: string; path: string; branch: string; create: boolean; baseCommit: string }

export class SpawnIntents {
  constructor(private readonly dir: string) {}

  /** Records an intent; returns its id (the undo and the end of the spawn remove it). */
  begin(intent: SpawnIntent): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(6).toString('hex');
    writeFileAtomic(join(this.dir, `${id}.json`), JSON.stringify(intent));
    return id;
  }

  /** Marks the worktree the spawn made as its own (a marker in its admin folder), then lifts git's lock. */
  async claim(id: string, path: string): Promise<void> {
    const admin = (await gitRaw(path, ['rev-parse', '--absolute-git-dir'])).trim();
    writeFileSync(join(admin, SPAWN_MARKER), `${id}\n`);
    await gitRaw(path, ['worktree', 'unlock', path]);
  }

  end(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /**
   * Undoes what interrupted spawns left: a worktree no agent record knows is removed (its files
   * were provisioned, never worked in), and a branch created for it, still at its base, deleted.
   * Returns what was done, for the log.
   */
  async recover(known: ReadonlySet<string>): Promise<string[]> {
    const done: string[] = [];
    for (const file of existsSync(this.dir) ? readdirSync(this.dir).filter((f) => f.endsWith('.json')) : []) {
      const full = join(this.dir, file);
      let intent: SpawnIntent;
      try {
        intent = JSON.parse(readFileSync(full, 'utf8')) as SpawnIntent;
      } catch {
        rmSync(full, { force: true });
        continue;
      }
      const real = existsSync(intent.path) ? realpathSync(intent.path) : intent.path;
      if (!known.has(intent.path) && !known.has(real)) {
        if (existsSync(intent.path)) {
          const why = await notTheSpawnsWorktree(file.slice(0, -'.json'.length), intent).catch((e: Error) => `it could not be checked: ${e.message}`);
          if (why) {
            done.push(`left ${intent.path} alone, though an interrupted spawn meant to make a worktree there: ${why}`);
            rmSync(full, { force: true });
            continue;
          }
          // Twice --force: the spawn's worktree may still be locked by git with the spawn's reason. If
          // git does not know it as a worktree, it is removed by hand only if it is what `git worktree add` was making.
          const removed = await gitRaw(intent.source, ['worktree', 'remove', '--force', '--force', '--', intent.path], { timeoutMs: 300_000 }).then(() => true, async () => {
            if (!(await halfMadeWorktree(intent.source, intent.path))) return false;
            rmSync(intent.path, { recursive: true, force: true });
            return true;
          });
          done.push(removed ? `removed the half-made worktree ${intent.path}` : `left ${intent.path} alone: git does not know it as a worktree, and it is not one being made`);
        }
        await gitRaw(intent.source, ['worktree', 'prune']).catch(() => {});
        if (intent.create && (await resolveCommit(intent.source, `refs/heads/${intent.branch}`)) === intent.baseCommit) {
          await deleteBranch(intent.source, intent.branch).catch(() => {});
          done.push(`deleted its branch ${intent.branch} (nothing was committed on it)`);
        }
      }
      rmSync(full, { force: true });
    }
    return done;
  }
}

/**
 * True if path is a worktree git was making for source when it was cut off: an empty folder, or
 * one whose .git names a folder under source's worktrees/. Anything else there is someone's own.
 */
async function halfMadeWorktree(source: string, path: string): Promise<boolean> {
  if (readdirSync(path).length === 0) return true;
  const gitDir = worktreeGitDir(path);
  if (gitDir === null) return false;
  const common = await gitRaw(source, ['rev-parse', '--git-common-dir']).then((o) => resolve(source, o.trim()), () => null);
  return common !== null && gitDir.startsWith(join(common, 'worktrees') + sep);
}

