// Bench harness: an isolated tmux server + daemon environment, timing and /proc helpers.
import { mkdtempSync, mkdirSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const exec = promisify(execFile);
export const CLI = fileURLToPath(new URL('../../dist/bin/tmuxcodex.js', import.meta.url));

/** A private tmux server name, temp HOME/XDG dirs and a git repo to work in. */
export async function makeEnv(label) {
  const root = mkdtempSync(join(tmpdir(), `tmuxcodex-bench-${label}-`));
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TMUX') || k.startsWith('XDG_')) delete env[k];
  for (const [k, d] of Object.entries({ HOME: 'home', XDG_RUNTIME_DIR: 'run', XDG_STATE_HOME: 'state', XDG_CONFIG_HOME: 'config', TMUX_TMPDIR: 'tmux' })) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    env[k] = join(root, d);
  }
  Object.assign(env, { TMUXCODEX_TMUX_CONFIG: '/dev/null', SHELL: '/bin/sh', LANG: 'C.UTF-8', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
  const socket = `tmuxcodex-bench-${process.pid}-${label}`;
  const repo = join(root, 'repo');
  mkdirSync(repo);
  await exec('git', ['-c', 'init.defaultBranch=main', 'init', '-q', repo], { env });
  await exec('git', ['-C', repo, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '--allow-empty', '-m', 'i'], { env });
  const cli = (...args) => exec(process.execPath, [CLI, '-L', socket, ...args], { env, cwd: repo, maxBuffer: 64 << 20 });
  const tmux = (...args) => exec('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env });
  return {
    root, env, socket, repo, cli, tmux,
    async dispose() {
      await cli('daemon', 'stop').catch(() => {});
      await tmux('kill-server').catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until fn() is truthy, polling every ms; throws after timeoutMs. */
export async function until(fn, timeoutMs = 10_000, every = 1) {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('bench wait timed out');
    await sleep(every);
  }
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** CPU seconds (user+system) a process has used so far. */
export function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Resident memory of a process in MiB. */
export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function machine() {
  const c = cpus();
  return `${c.length} x ${c[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${existsSync('/etc/debian_version') ? `Debian ${readFileSync('/etc/debian_version', 'utf8').trim()}` : process.platform}`;
}
