// Shell completion as a shell runs it: bash sources the printed script (eval "$(tmuxcodex completion
// bash)", the README's line), `complete -p` shows it registered, and the completion function, called
// as bash calls it, offers commands, options, fixed words, profiles and the daemon's agent names,
// with the -L typed on the line; with no daemon it offers no names and starts none. zsh and fish are
// not installed here: their scripts are checked for the lines that carry the same words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { cli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { daemonPaths } from '../../src/daemon/paths.js';

const LAUNCHER = fileURLToPath(new URL('../../src/bin/launch.cjs', import.meta.url));
let ts: TestServer;
let idle: TestServer;
let env: NodeJS.ProcessEnv;

/**
 * Completes words as bash does on Tab: COMP_WORDS/COMP_CWORD set, the function that `complete`
 * registered for tmuxcodex called, COMPREPLY printed one per line.
 */
async function complete(words: string[]): Promise<string[]> {
  const line = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `eval "$(tmuxcodex completion bash)"
fn=$(complete -p tmuxcodex | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')
COMP_WORDS=(${line}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
"$fn"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const res = await execa('bash', ['--norc', '--noprofile', '-c', script], { env, extendEnv: false, cwd: ts.root, timeout: 20_000 });
  return String(res.stdout).split('\n').filter(Boolean);
}

beforeAll(async () => {
  ts = createTestServer('completion');
  idle = createTestServer('completion-idle');
  // `tmuxcodex` on PATH, as after npm install -g.
  const bin = join(ts.root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'tmuxcodex'), `#!/bin/sh\nexec '${process.execPath}' '${LAUNCHER}' "$@"\n`);
  chmodSync(join(bin, 'tmuxcodex'), 0o755);
  env = { ...ts.env, PATH: `${bin}:${ts.env.PATH}` };
  const repo = await makeRepo(join(ts.root, 'repo'), ts.env);
  expect((await cli(ts, ['up', '--detached'], { cwd: repo })).exitCode).toBe(0);
  for (const name of ['alpha', 'beta']) expect((await cli(ts, ['spawn', '--name', name, '--cmd', 'exec sleep 600'], { cwd: repo })).exitCode).toBe(0);
});

afterAll(async () => {
  await cli(ts, ['daemon', 'stop']);
  await ts.dispose();
  await idle.dispose();
});

describe('bash completion', () => {
  it('registers a function for tmuxcodex (complete -p)', async () => {
    const res = await execa('bash', ['--norc', '--noprofile', '-c', 'eval "$(tmuxcodex completion bash)" && complete -p tmuxcodex'], { env, extendEnv: false });
    expect(String(res.stdout)).toBe('complete -F _tmuxcodex tmuxcodex');
  });

  it('completes commands, also after global options', async () => {
    expect(await complete(['tmuxcodex', 'sp'])).toEqual(['spawn']);
    expect(await complete(['tmuxcodex', '-L', 'work', '--json', 'da'])).toEqual(['daemon']);
    expect(await complete(['tmuxcodex', 'com'])).toEqual(['completion']);
    const all = await complete(['tmuxcodex', '']);
    for (const c of ['up', 'spawn', 'list', 'ls', 'kill', 'map', 'doctor', 'completion', 'help']) expect(all).toContain(c);
  });

  it('completes a command\'s options and the global ones', async () => {
    expect(await complete(['tmuxcodex', 'spawn', '--wor'])).toEqual(['--worktree']);
    expect(await complete(['tmuxcodex', 'kill', '--'])).toEqual(expect.arrayContaining(['--keep-worktree', '--force', '--children', '--json', '--socket-name']));
    expect(await complete(['tmuxcodex', '--so'])).toEqual(['--socket-name', '--socket-path']);
  });

  it('completes fixed words: sub-actions and option values', async () => {
    expect(await complete(['tmuxcodex', 'daemon', 's'])).toEqual(['start', 'stop', 'status']);
    expect(await complete(['tmuxcodex', 'archive', ''])).toEqual(['list', 'restore']);
    expect(await complete(['tmuxcodex', 'spawn', '--worktree', ''])).toEqual(['new', 'shared']);
    expect(await complete(['tmuxcodex', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes profiles for spawn', async () => {
    expect(await complete(['tmuxcodex', 'spawn', 'c'])).toEqual(['codex', 'claude']);
    expect(await complete(['tmuxcodex', 'fix', '--profile', 'ai'])).toEqual(['aider']);
  });

  it('completes agent names from the daemon of the server given by -L, as an argument and as an option value', async () => {
    expect(await complete(['tmuxcodex', '-L', ts.socketName, 'kill', ''])).toEqual(['alpha', 'beta']);
    expect(await complete(['tmuxcodex', 'send', '-L', ts.socketName, 'b'])).toEqual(['beta']);
    expect(await complete(['tmuxcodex', '-L', ts.socketName, 'spawn', '--parent', 'al'])).toEqual(['alpha']);
    // Only the argument that is an agent: the text after it is the user's.
    expect(await complete(['tmuxcodex', '-L', ts.socketName, 'send', 'alpha', ''])).toEqual([]);
  });

  it('offers no names where no daemon runs, and starts none', async () => {
    const started = Date.now();
    expect(await complete(['tmuxcodex', '-L', idle.socketName, 'kill', ''])).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
    const paths = daemonPaths(idle.server.socketPath, idle.env);
    expect(existsSync(paths.token) || existsSync(paths.socket)).toBe(false);
  });
});

describe('zsh and fish scripts', () => {
  it('zsh loads bashcompinit and registers the same function', async () => {
    const res = await cli(ts, ['completion', 'zsh']);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/^# tmuxcodex completion for zsh\. Add this line to ~\/\.zshrc/);
    expect(res.stdout).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(res.stdout).toContain('complete -F _tmuxcodex tmuxcodex');
  });

  it('fish has a line per command, option and word source', async () => {
    const res = await cli(ts, ['completion', 'fish']);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toContain("complete -c tmuxcodex -n '__fish_seen_subcommand_from kill' -f -a '(tmuxcodex completion --words agents 2>/dev/null)'");
    expect(res.stdout).toContain("complete -c tmuxcodex -n '__fish_seen_subcommand_from spawn' -f -a '(tmuxcodex completion --words profiles 2>/dev/null)'");
    expect(res.stdout).toContain("complete -c tmuxcodex -n '__fish_seen_subcommand_from spawn' -l worktree -r -f -a 'new shared'");
    expect(res.stdout).toMatch(/complete -c tmuxcodex -n 'not __fish_seen_subcommand_from [^']*' -a spawn -d /);
  });

  it('an unknown shell is bad input', async () => {
    const res = await cli(ts, ['completion', 'tcsh']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('No completion for "tcsh"');
    expect(res.stderr).toContain('bash, zsh, fish');
  });
});
