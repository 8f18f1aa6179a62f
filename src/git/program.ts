// The git program itself: its version, and whether it has the newer features tmuxcodex uses when
// present (asked of git, not guessed from the version number). For `doctor`.
import { run } from '../proc/run.js';

export interface GitProgram {
  /** What `git --version` prints. */
  version: string;
  /** merge-tree --write-tree: merge and map without a worktree. */
  writeTree: boolean;
  /** merge-tree --stdin: the map's batched conflict prediction. */
  stdin: boolean;
}

/** The git on env's PATH and its features; throws run's error when git cannot be run. */
export async function gitProgram(env: NodeJS.ProcessEnv): Promise<GitProgram> {
  const version = (await run('git', ['--version'], { timeoutMs: 5000, env })).stdout.trim();
  const help = await run('git', ['merge-tree', '-h'], { timeoutMs: 5000, env, okExitCodes: [129] });
  const usage = help.stdout + help.stderr;
  return { version, writeTree: usage.includes('--write-tree'), stdin: usage.includes('--stdin') };
}
