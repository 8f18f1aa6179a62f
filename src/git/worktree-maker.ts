// Who made a worktree no tmuxcodex agent works in, told from where the CLIs put their own
// (FORMATS.md 5.4, 5.7): Claude Code's `-w NAME` makes `<checkout>/.claude/worktrees/NAME` on branch
// `worktree-NAME`; `codex --worktree` makes `$CODEX_HOME/worktrees/<hex>/<repo>` on a detached HEAD.
// Anything else was made with git (by a person, a script, or tmuxcodex for an agent since gone).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { gitRaw } from './worktree.js';

export type WorktreeMaker = 'claude' | 'codex' | 'git';

export interface MakerFacts {
  by: WorktreeMaker;
  /** The name the CLI gave it: Claude's NAME, Codex's hex folder; the folder's own name for git. */
  name: string;
}

/** $CODEX_HOME as Codex reads it (default ~/.codex), absolute. */
export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CODEX_HOME || join(env.HOME || homedir(), '.codex'));
}

const CLAUDE = /\/\.claude\/worktrees\/([^/]+)$/;
// Codex's folder under any CODEX_HOME named .codex, or under this process's CODEX_HOME.
const CODEX_ANY = /\/\.codex\/worktrees\/([0-9a-f]+)\/[^/]+$/;

/** Who made the worktree at path (checked out on branch, or detached when null). */
export function worktreeMaker(path: string, branch: string | null, env: NodeJS.ProcessEnv = process.env): MakerFacts {
  const claude = CLAUDE.exec(path);
  // By folder, not branch: a Claude worktree someone switched to another branch is still Claude's.
  if (claude) return { by: 'claude', name: claude[1]! };
  const home = codexHome(env);
  const prefix = `${home}/worktrees/`;
  if (path.startsWith(prefix)) {
    const hex = path.slice(prefix.length).split('/')[0]!;
    if (/^[0-9a-f]+$/.test(hex) && path.slice(prefix.length).split('/').length === 2) return { by: 'codex', name: hex };
  }
  const codex = CODEX_ANY.exec(path);
  if (codex) return { by: 'codex', name: codex[1]! };
  return { by: 'git', name: branch ?? path.slice(path.lastIndexOf('/') + 1) };
}

/**
 * The commit a branch was created at, from the oldest entry of its reflog when that entry is the
 * creation ("branch: Created from …"); null when git no longer says. A Claude worktree's branch
 * still there has nothing of its own: the map must not call it merged.
 */
export async function branchCreatedAt(repo: string, branch: string): Promise<string | null> {
  const out = await gitRaw(repo, ['reflog', 'show', '--format=%H %gs', `refs/heads/${branch}`, '--'], { okExitCodes: [128] }).catch(() => '');
  const oldest = out.trim().split('\n').pop() ?? '';
  const m = /^([0-9a-f]{40,64}) branch: Created from /.exec(oldest);
  return m ? m[1]! : null;
}
