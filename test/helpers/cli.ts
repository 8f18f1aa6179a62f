// Runs the built CLI as a user would, against a test server's isolated environment.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './tmux-server.js';
import { slack } from './slack.js';

export const CLI = fileURLToPath(new URL('../../dist/bin/tmuxcodex.js', import.meta.url));
export const FAKE_AGENT = fileURLToPath(new URL('../fake-agent/fake-agent.mjs', import.meta.url));

export interface CliResult { stdout: string; stderr: string; exitCode: number }

/** Runs `tmuxcodex -L <test server> ...args` in cwd; never throws on a non-zero exit. */
export async function cli(ts: TestServer, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const res = await execa(process.execPath, [CLI, '-L', ts.socketName, ...args], {
    cwd: opts.cwd ?? ts.root, env: { ...ts.env, ...opts.env }, extendEnv: false, reject: false, timeout: slack(opts.timeoutMs ?? 20_000),
  });
  return { stdout: String(res.stdout), stderr: String(res.stderr), exitCode: res.exitCode ?? -1 };
}

/** Runs the CLI with --json and parses stdout; throws with stderr when it fails. */
export async function cliJson<T>(ts: TestServer, args: readonly string[], opts: { cwd?: string } = {}): Promise<T> {
  const res = await cli(ts, [...args, '--json'], opts);
  if (res.exitCode !== 0) throw new Error(`tmuxcodex ${args.join(' ')} exited ${res.exitCode}: ${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}
