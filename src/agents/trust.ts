// Trust for a repository's own .tmuxcodex.yaml: its `run` steps execute only after the user has
// approved that exact content (by hash). A changed file asks again. The user's own config is trusted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, SetupStep } from '../config/schema.js';
import { stateHome } from '../config/dirs.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { readRegularFile } from '../fs/read-regular.js';

/** Where approvals are kept: $XDG_STATE_HOME/tmuxcodex/trust.json. */
export function trustFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateHome(env), 'tmuxcodex', 'trust.json');
}

/** The sha256 of bytes, as approvals record it. */
export function hashBytes(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The sha256 of a repository's config file; refused unless it is a regular file (a FIFO or /dev/zero is never read). */
export function hashFile(path: string): string {
  const bytes = readRegularFile(path);
  if (bytes === null) throw usageError('CONFIG_UNREADABLE', `${path} is not a regular file: a repository's config is read only from a file.`, 'Replace it with a file, or remove it.');
  return hashBytes(bytes);
}

function readApprovals(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    return JSON.parse(readFileSync(trustFile(env), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** True if the content with this hash, read from path, has been approved for path. */
export function isApproved(path: string, sha256: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const approvals = readApprovals(env);
  return Object.hasOwn(approvals, path) && approvals[path] === sha256;
}

/** True if the file at path, as it is now, has been approved. */
export function isTrusted(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return isApproved(path, hashFile(path), env);
}

/** Records approval of the file's current content; returns the hash. */
export function trust(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const approvals = readApprovals(env);
  const hash = hashFile(path);
  approvals[path] = hash;
  writeFileAtomic(trustFile(env), JSON.stringify(approvals, null, 2) + '\n');
  return hash;
}

/** One setup step as the person would read it in the file. */
function describeStep(step: SetupStep): string {
  if ('run' in step) return `run: ${step.run}`;
  if ('clone' in step) return `clone: ${step.clone}`;
  return 'copy' in step ? `copy: ${step.copy.join(', ')}` : `symlink: ${step.symlink.join(', ')}`;
}

/**
 * What an untrusted repository file asks for that needs the user's approval, one line each: every
 * setup step it declares (copy, symlink and clone write files, run runs commands; without approval
 * only the built-in defaults apply), its own profile, and a worktree root.
 */
export function commandsNeedingTrust(config: Config, profile: string | null): string[] {
  return [
    ...(config.setup ?? []).filter((s) => s.origin === 'repo').map(describeStep),
    ...(profile !== null && config.profiles[profile]?.origin === 'repo' ? [`profile ${profile}: ${config.profiles[profile]!.command.join(' ')}`] : []),
    // Where worktrees are created is the user's choice too: a repository may not pick any folder.
    ...(config.worktrees.rootOrigin === 'repo' ? [`worktrees.root: ${config.worktrees.root}`] : []),
  ];
}

/**
 * Refuses a repository's .tmuxcodex.yaml that asks for steps or commands (setup steps, its own profiles)
 * unless the user approved the very bytes that were parsed (repoHash, from loadConfig): a second
 * read could see a different file than the one whose steps are about to run.
 */
export function requireTrust(config: Config, profile: string | null, repoFile: string | null, repoHash: string | undefined, env: NodeJS.ProcessEnv): void {
  if (!repoFile || repoHash === undefined) return;
  const commands = commandsNeedingTrust(config, profile);
  if (commands.length === 0 || isApproved(repoFile, repoHash, env)) return;
  throw usageError('UNTRUSTED_CONFIG', `${repoFile} asks for setup steps or commands you have not approved:\n  ${commands.join('\n  ')}`,
    'Read the file; if you trust it, run `tmuxcodex trust` in the repository (a changed file asks again).');
}
