// Trust for a repository's own .tmuxcodex.yaml: its `run` steps execute only after the user has
// approved that exact content (by hash). A changed file asks again. The user's own config is trusted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';

/** Where approvals are kept: $XDG_STATE_HOME/tmuxcodex/trust.json. */
export function trustFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME ?? '', '.local', 'state'), 'tmuxcodex', 'trust.json');
}

export function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function readApprovals(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    return JSON.parse(readFileSync(trustFile(env), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** True if the file at path, as it is now, has been approved. */
export function isTrusted(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return readApprovals(env)[path] === hashFile(path);
}

/** Records approval of the file's current content; returns the hash. */
export function trust(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const approvals = readApprovals(env);
  const hash = hashFile(path);
  approvals[path] = hash;
  writeFileAtomic(trustFile(env), JSON.stringify(approvals, null, 2) + '\n');
  return hash;
}
