// What the daemon is about to do to an agent, written down before it starts (a kill, a fresh
// session): a daemon killed half way finds the file when it starts again and finishes or undoes the
// work. Spawns keep their own intents (agents/spawn-intents.ts), as spawnAgent writes them.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic.js';

/** The kinds of intent, each a folder of stateDir with one JSON file per agent. */
export type IntentKind = 'kills' | 'fresh';

/** An interrupted kill: the pane it was for, and how it was asked. */
export interface KillIntent { agent: string; paneId?: string | null; keepWorktree: boolean; force: boolean }

/** The session fresh starts: its id (when the profile chooses one), the ids before it, and when. */
export interface FreshSession { sessionId: string | null; lineage: string[]; startedAt: string }

/** An interrupted fresh session: the pid its pane ran before, and what to record once it runs. */
export interface FreshIntent { agent: string; panePid: number; after: FreshSession }

/** Writes down (whole, and on disk) what is about to be done to an agent; returns the file, to remove when done. */
export function writeIntent(stateDir: string, kind: IntentKind, agentId: string, intent: KillIntent | FreshIntent): string {
  const path = join(stateDir, kind, `${agentId}.json`);
  writeFileAtomic(path, JSON.stringify(intent));
  return path;
}

/** Removes an intent file once its work is done (or known not to have started). */
export function dropIntent(path: string): void {
  rmSync(path, { force: true });
}

/** Settles each intent a killed daemon left in stateDir/kind, then removes it; a failure is logged as `failed: why`. */
export async function settleIntents<T>(stateDir: string, kind: IntentKind, log: (m: string) => void, failed: string, settle: (intent: T) => Promise<void>): Promise<void> {
  const dir = join(stateDir, kind);
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    try {
      await settle(JSON.parse(readFileSync(join(dir, file), 'utf8')) as T);
    } catch (e) {
      log(`${failed}: ${(e as Error).message}`);
    }
    rmSync(join(dir, file), { force: true });
  }
}
