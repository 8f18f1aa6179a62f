// Loading configuration: read -> parse (with positions) -> validate -> merge over defaults.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readRegularFile } from '../fs/read-regular.js';
import { configHome } from './dirs.js';
import { invalidUtf8At } from '../fs/utf8.js';
import { join } from 'node:path';
import type { Node } from 'yaml';
import { TmuxcodexError, usageError } from '../errors.js';
import { DEFAULT_CONFIG, applyConfig, validateConfig, type Config } from './schema.js';

/** The repository's own config file, at the top of its worktree. */
export const REPO_CONFIG = '.tmuxcodex.yaml';

/** The user's config file: $XDG_CONFIG_HOME/tmuxcodex/config.yaml. */
export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), 'tmuxcodex', 'config.yaml');
}

/** Finds the YAML node at path, for its position. */
function nodeAt(isMap: typeof import('yaml').isMap, isSeq: typeof import('yaml').isSeq, root: Node | null, path: (string | number)[], atKey = false): Node | null {
  let node: Node | null = root;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) return node;
      node = atKey && i === path.length - 1 ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
    } else if (isSeq(node) && typeof key === 'number') node = (node.items[key] as Node | undefined) ?? node;
    else return node;
  }
  return node;
}

/** Reads and validates one file; null if it does not exist. Errors name file:line:col and the rule. */
export async function readConfigFile(path: string): Promise<unknown> {
  return (await readConfigDocument(path))?.value ?? null;
}

/**
 * Reads, parses and validates one file in a single read, with the sha256 of exactly the bytes
 * parsed: trust must be checked against what was parsed, not against a second read of the file
 * (which may have been swapped in between).
 */
export async function readConfigDocument(path: string, opts: { fileOnly?: boolean } = {}): Promise<{ value: unknown; sha256: string } | null> {
  let bytes: Buffer;
  try {
    // A repository's file may be a tracked symlink to a FIFO or /dev/zero: read only from a file.
    const read = opts.fileOnly ? readRegularFile(path) : readFileSync(path);
    if (read === null) throw usageError('CONFIG_UNREADABLE', `${path} is not a regular file: a repository's config is read only from a file.`, 'Replace it with a file, or remove it.');
    bytes = read;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (e instanceof TmuxcodexError) throw e;
    throw usageError('CONFIG_UNREADABLE', `Cannot read ${path}: ${(e as Error).message}`);
  }
  // A value with stray bytes would reach an agent's argv or a target name changed: refuse it, with its place.
  const bad = invalidUtf8At(bytes);
  if (bad !== null) {
    const before = bytes.subarray(0, bad).toString('utf8').split('\n');
    throw usageError('CONFIG_SYNTAX', `${path}:${before.length}:${before.at(-1)!.length + 1}: not valid UTF-8 (byte ${bad})`, 'Save the file as UTF-8, or remove the stray bytes.');
  }
  const text = bytes.toString('utf8');
  // yaml is imported only when a file exists: it costs ~20 ms of start-up for every command otherwise.
  const { LineCounter, parseDocument, isMap, isSeq } = await import('yaml');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const where = (offset: number | undefined) => {
    const p = lc.linePos(offset ?? 0);
    return `${path}:${p.line}:${p.col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw usageError('CONFIG_SYNTAX', `${where(e.pos[0])}: ${e.message.split('\n')[0]}`, 'Fix the YAML syntax at that place.');
  }
  const value = doc.toJS() as unknown;
  const problems = validateConfig(value);
  if (problems.length) {
    const lines = problems.map((p) => `${where(nodeAt(isMap, isSeq, doc.contents, p.path, p.atKey)?.range?.[0])}: ${p.message}`);
    throw usageError('CONFIG_INVALID', lines.join('\n'), 'Fix these settings; `tmuxcodex config check` re-checks the file.');
  }
  return { value: value ?? {}, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The effective config: defaults, then the user file (or --config), then the repository's
 * .tmuxcodex.yaml; repoHash is the sha256 of the repository file's bytes that were parsed.
 */
export async function loadConfig(opts: { configFile?: string | null; repoRoot?: string | null; env?: NodeJS.ProcessEnv }): Promise<{ config: Config; files: string[]; repoHash?: string }> {
  const files: string[] = [];
  let repoHash: string | undefined;
  let config = DEFAULT_CONFIG;
  const repoFile = opts.repoRoot ? join(opts.repoRoot, REPO_CONFIG) : null;
  const sources = [opts.configFile ?? userConfigPath(opts.env), ...(repoFile ? [repoFile] : [])];
  for (const path of sources) {
    const read = await readConfigDocument(path, { fileOnly: path === repoFile });
    if (read === null) {
      if (path === opts.configFile) throw usageError('CONFIG_NOT_FOUND', `The config file ${path} does not exist.`, 'Check the --config path.');
      continue;
    }
    files.push(path);
    if (path === repoFile) repoHash = read.sha256;
    config = applyConfig(config, read.value, path === repoFile ? 'repo' : 'user');
  }
  return repoHash === undefined ? { config, files } : { config, files, repoHash };
}
