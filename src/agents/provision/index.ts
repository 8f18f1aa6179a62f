// Provisioning a new worktree: the declared steps, or sensible defaults, applied in order.
// copy, symlink and clone run here (in the daemon); run steps are returned for the agent's pane.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readRegularFile } from '../../fs/read-regular.js';
import { lstat, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SetupStep } from '../../config/schema.js';
import { cloneTree, refillSpare, scopeOfDir, unshareTree } from './clone.js';
import { runInBackground } from './background.js';
import { copyMatching, symlinkPaths, untrackedEntries } from './files.js';
import { sourceInside, targetInside } from './contain.js';
import { parsePatternFile } from './glob.js';

/** Lock files and the install command each calls for, in the order they are looked for. */
export const LOCKFILES: ReadonlyArray<{ file: string; install: string }> = [
  { file: 'package-lock.json', install: 'npm ci' },
  { file: 'npm-shrinkwrap.json', install: 'npm ci' },
  { file: 'pnpm-lock.yaml', install: 'pnpm install --frozen-lockfile' },
  { file: 'yarn.lock', install: 'yarn install --frozen-lockfile' },
];

export interface ProvisionResult {
  /** What was done, one line each, for the log and the spawn output. */
  done: string[];
  /** Command lines to run in the pane before the agent. */
  runSteps: string[];
  /** Work to start once the agent runs (preparing the next spawn's clone). */
  background: Array<() => Promise<void>>;
  /** Folders cloned, with the lock-file hash they match. */
  clones: Array<{ dir: string; key: string }>;
  /** Paths copied by copy steps (files or folders), relative to the worktree. */
  copied: string[];
}

/** The first lock file present at the top of dir. */
export function findLockfile(dir: string): { file: string; install: string } | null {
  return LOCKFILES.find((l) => existsSync(join(dir, l.file))) ?? null;
}

function sameBytes(a: string, b: string): boolean {
  try {
    // Lock files are the repository's: a symlink to a FIFO or /dev/zero is no lock file to compare.
    const [x, y] = [readRegularFile(a), readRegularFile(b)];
    return x !== null && y !== null && x.equals(y);
  } catch {
    return false;
  }
}

/**
 * The steps used when no config declares any: copy git-ignored .env* files; for a Node project
 * whose lock file is identical to the source's, clone node_modules; otherwise install in the pane.
 */
export function defaultSteps(source: string, target: string): SetupStep[] {
  const steps: SetupStep[] = [{ copy: ['.env*'], origin: 'user' }];
  if (!existsSync(join(target, 'package.json'))) return steps;
  const lock = findLockfile(target);
  if (lock && sameBytes(join(source, lock.file), join(target, lock.file)) && existsSync(join(source, 'node_modules'))) {
    steps.push({ clone: 'node_modules', origin: 'user' });
  } else {
    steps.push({ run: lock?.install ?? 'npm install', origin: 'user' });
  }
  return steps;
}

/**
 * Snapshot key for a cloned folder: the folder's name and the hash of the source's lock file; null
 * without a lock file, when nothing says two copies would be alike (the folder is then copied).
 */
export function snapshotKey(source: string, dir: string): string | null {
  const lock = findLockfile(source);
  const bytes = lock ? readRegularFile(join(source, lock.file)) : null;
  if (!bytes) return null; // no lock file, or none that is a file (the daemon must never block on a FIFO here)
  return createHash('sha256').update(dir).update(bytes).digest('hex').slice(0, 16);
}

/** Patterns from Claude Code's .worktreeinclude at the top of source, if there is one. */
export function worktreeIncludePatterns(source: string): string[] {
  try {
    return parsePatternFile(readRegularFile(join(source, '.worktreeinclude'))?.toString('utf8') ?? '');
  } catch {
    return [];
  }
}

/** Applies steps (or the defaults when null) to target, taking files from source. */
export async function provisionWorktree(o: { source: string; target: string; steps: readonly SetupStep[] | null; snapshotRoot: string }): Promise<ProvisionResult> {
  const steps = [...(o.steps ?? defaultSteps(o.source, o.target))];
  const include = worktreeIncludePatterns(o.source);
  if (include.length) steps.unshift({ copy: include, origin: 'repo' });
  const result: ProvisionResult = { done: [], runSteps: [], background: [], clones: [], copied: [] };
  let entries: string[] | undefined; // listed once, for every copy step
  for (const step of steps) {
    const refused: string[] = [];
    if ('copy' in step) {
      entries ??= await untrackedEntries(o.source);
      const copied = await copyMatching(o.source, o.target, step.copy, entries, false, refused);
      if (copied.length) result.done.push(`copied ${copied.join(', ')}`);
      result.copied.push(...copied);
    } else if ('symlink' in step) {
      const linked = await symlinkPaths(o.source, o.target, step.symlink, refused);
      if (linked.length) result.done.push(`linked ${linked.join(', ')}`);
    } else if ('clone' in step) {
      const from = join(o.source, step.clone);
      if (!existsSync(from) || !statSync(from).isDirectory()) {
        result.done.push(`skipped clone of ${step.clone}: ${from} is not a folder`);
        continue;
      }
      // Read from inside the source checkout, written inside the new worktree, and never over
      // something already there (a tracked symlink at that path would carry the clone out).
      const inSource = await sourceInside(o.source, step.clone);
      const inTarget = await targetInside(o.target, step.clone);
      const problem = inSource.problem ?? inTarget.problem ?? (await lstat(join(o.target, step.clone)).then(() => `${join(o.target, step.clone)} already exists`, () => null));
      if (problem !== null) {
        result.done.push(`refused clone of ${step.clone}: ${problem}`);
        continue;
      }
      const started = Date.now();
      const key = snapshotKey(o.source, step.clone);
      await mkdir(dirname(join(o.target, step.clone)), { recursive: true });
      // One snapshot per folder and lock file for the whole repository, whichever worktree is the source.
      const scope = scopeOfDir(step.clone);
      const target = join(o.target, step.clone);
      const r = await cloneTree({ source: from, target, snapshotRoot: o.snapshotRoot, key, scope });
      result.done.push(`cloned ${step.clone} (${r.files} files, ${r.method}${r.spare ? ', prepared ahead' : ''}, ${Date.now() - started} ms)`);
      if (key && (r.method === 'hardlink' || r.spare)) {
        result.clones.push({ dir: step.clone, key });
        // Once the agent runs, side by side: its hardlinked files get inodes of their own, and the next spawn's spare is made.
        if (r.method === 'hardlink') result.background.push(async () => { await runInBackground(o.target, (signal) => unshareTree(target, { gentle: true, signal })); });
        result.background.push(() => refillSpare({ source: from, snapshotRoot: o.snapshotRoot, key, scope }));
      }
    } else {
      result.runSteps.push(step.run);
    }
    if (refused.length) result.done.push(`refused ${refused.join(', ')}: outside the source checkout or the new worktree`);
  }
  return result;
}
