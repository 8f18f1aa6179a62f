// Folder trees as plain data, for byte-for-byte comparisons: every file's bytes and mode, every
// folder's mode, every symlink's target as written (never followed). And a hermetic git for tests.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { execa } from 'execa';

export type TreeEntry =
  | { type: 'file'; mode: number; bytes: string }
  | { type: 'dir'; mode: number }
  | { type: 'symlink'; link: string }
  | { type: 'other' };

/**
 * Every entry below root, by '/'-separated relative path. File bytes are base64, so any two
 * files compare byte for byte. skip(rel, name) leaves an entry (and everything below it) out.
 */
export function readTree(root: string, skip: (rel: string, name: string) => boolean = () => false): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      if (skip(rel, name)) continue;
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) out[rel] = { type: 'symlink', link: readlinkSync(path) };
      else if (st.isDirectory()) {
        out[rel] = { type: 'dir', mode: st.mode & 0o7777 };
        walk(path, rel);
      } else if (st.isFile()) out[rel] = { type: 'file', mode: st.mode & 0o7777, bytes: readFileSync(path).toString('base64') };
      else out[rel] = { type: 'other' };
    }
  };
  walk(root, '');
  return out;
}

/** An environment in which git reads no global or system config and sees no GIT_* of the caller. */
export function hermeticGitEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_')) delete env[k];
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.HOME = home;
  return env;
}

/**
 * Makes this process's own environment hermetic for git (code under test runs git with
 * process.env); returns a function that puts the old environment back.
 */
export function useHermeticProcessEnv(home: string): () => void {
  const saved = { ...process.env };
  const env = hermeticGitEnv(home);
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  };
}

/** Runs git in dir with a fixed identity passed by -c; returns stdout untouched (NULs kept). */
export async function gitIn(dir: string, args: readonly string[], env: NodeJS.ProcessEnv, opts: { input?: string } = {}): Promise<string> {
  const res = await execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', '-C', dir, ...args], {
    env, extendEnv: false, stripFinalNewline: false, input: opts.input,
  });
  return String(res.stdout);
}

/**
 * A temp folder for this test file with a hermetic git (its own HOME, no user or system config, and
 * process.env made the same for the code under test): made before all tests, removed after.
 */
export function hermeticGitFolder(prefix: string): { dir: () => string; env: () => NodeJS.ProcessEnv } {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let restore = () => {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(dir, 'home'));
    env = hermeticGitEnv(join(dir, 'home'));
    restore = useHermeticProcessEnv(join(dir, 'home'));
  });
  afterAll(() => {
    restore();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, env: () => env };
}
