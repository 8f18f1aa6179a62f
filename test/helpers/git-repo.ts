// Real git repositories in temp folders, with identity passed by -c, never through global config.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

/** Runs git in dir with a fixed test identity. */
export async function git(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const res = await execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', '-C', dir, ...args], { env, extendEnv: false });
  return String(res.stdout);
}

/** Creates a repository at dir with one commit on main. */
export async function makeRepo(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await git(dir, ['init', '-q'], env);
  writeFileSync(join(dir, 'README.md'), '# test repo\n');
  await git(dir, ['add', 'README.md'], env);
  await git(dir, ['commit', '-q', '-m', 'initial'], env);
  return dir;
}
