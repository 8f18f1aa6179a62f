// The npm package as a user gets it: `npm pack` of a copy of the sources that was never built
// (prepare builds dist/ into it), then `npm install -g` of the tarball into a temporary prefix with an
// empty HOME and npm cache, then the installed `tmuxcodex` drives a new repository on a private tmux
// server: --version, up --detached, spawn, list. The runtime dependencies come from the npm registry
// (the only network this needs); it takes 15-30 s, most of it npm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createTestServer, type TestServer } from '../helpers/tmux-server.js';
import { makeRepo } from '../helpers/git-repo.js';
import type { AgentRecord } from '../../src/core/agent.js';
import { tmux } from '../../src/tmux/command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
let ts: TestServer;
let npmEnv: NodeJS.ProcessEnv;
let prefix: string;
let tarball: string;
let packed: string[];

/** Runs the installed tmuxcodex (found on PATH, as a shell would) on the test server. */
async function installed(args: string[], cwd: string) {
  const res = await execa('tmuxcodex', ['-L', ts.socketName, ...args], { cwd, env: npmEnv, extendEnv: false, reject: false, timeout: 30_000 });
  return { stdout: String(res.stdout), stderr: String(res.stderr), exitCode: res.exitCode };
}

beforeAll(async () => {
  ts = createTestServer('package');
  prefix = join(ts.root, 'prefix');
  // An empty HOME and npm cache: nothing from this machine's npm setup is used.
  npmEnv = { ...ts.env, npm_config_cache: join(ts.root, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', PATH: `${join(prefix, 'bin')}:${ts.env.PATH}` };
  for (const k of Object.keys(npmEnv)) if (k.startsWith('npm_') && !['npm_config_cache', 'npm_config_update_notifier', 'npm_config_fund', 'npm_config_audit'].includes(k)) delete npmEnv[k];
  // A copy of the sources without dist/ (the checkout's own dist/ is left alone: other tests run it).
  const src = join(ts.root, 'src-copy');
  mkdirSync(src);
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'tmuxcodex.tmux', 'src', 'tmux']) cpSync(join(ROOT, f), join(src, f), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  const packDir = join(ts.root, 'pack');
  mkdirSync(packDir);
  const pack = await execa('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: src, env: npmEnv, extendEnv: false, timeout: 120_000 });
  const info = JSON.parse(String(pack.stdout)) as { filename: string; files: { path: string }[] }[];
  tarball = join(packDir, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);
  await execa('npm', ['install', '-g', '--prefix', prefix, tarball], { cwd: ts.root, env: npmEnv, extendEnv: false, timeout: 180_000 });
}, 300_000);

afterAll(async () => {
  await installed(['daemon', 'stop'], ts.root).catch(() => {});
  await ts.dispose();
});

describe('the npm package', () => {
  it('holds the built program, the launcher and the tmux plugin, and no tests or TypeScript sources', () => {
    expect(tarball).toMatch(new RegExp(`${PKG.name}-${PKG.version.replace(/\./g, '\\.')}\\.tgz$`));
    for (const f of ['package.json', 'README.md', 'src/bin/launch.cjs', 'dist/bin/tmuxcodex.js', 'dist/bin/tmuxcodexd.js', 'dist/version.js', 'tmux/tmuxcodex.tmux', 'tmuxcodex.tmux']) expect(packed, f).toContain(f);
    expect(packed.filter((f) => f.startsWith('test/') || f.startsWith('scripts/') || (f.startsWith('src/') && f !== 'src/bin/launch.cjs'))).toEqual([]);
  });

  it('installs globally with its runtime dependencies only, and `tmuxcodex --version` answers', async () => {
    const pkgDir = join(prefix, 'lib/node_modules', PKG.name);
    expect(realpathSync(join(prefix, 'bin/tmuxcodex'))).toBe(join(pkgDir, 'src/bin/launch.cjs'));
    const deps = readdirSync(join(pkgDir, 'node_modules'));
    for (const d of ['blessed', 'chokidar', 'yaml']) expect(deps).toContain(d);
    for (const dev of ['vitest', 'typescript', 'execa', '@lydell']) expect(deps).not.toContain(dev);
    const v = await installed(['--version'], ts.root);
    expect(v).toMatchObject({ exitCode: 0, stdout: PKG.version });
  });

  it('runs in another repository: up --detached, spawn, list, from the installed copy', async () => {
    const repo = await makeRepo(join(ts.root, 'elsewhere'), ts.env);
    const up = await installed(['up', '--detached'], repo);
    expect(up.exitCode, up.stderr).toBe(0);
    const spawn = await installed(['spawn', '--name', 'a1', '--cmd', 'exec sleep 600', '--json'], repo);
    expect(spawn.exitCode, spawn.stderr).toBe(0);
    expect((JSON.parse(spawn.stdout) as AgentRecord).name).toBe('a1');
    const list = await installed(['list', '--json'], repo);
    expect(list.exitCode, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { agents: AgentRecord[] }).agents.map((a) => [a.name, a.cwd])).toEqual([['a1', realpathSync(repo)]]);
    // The daemon answering is the installed one, not this checkout's.
    const status = JSON.parse((await installed(['daemon', 'status', '--json'], repo)).stdout) as { pid: number; version: string };
    expect(status.version).toBe(PKG.version);
    expect(readFileSync(`/proc/${status.pid}/cmdline`, 'utf8')).toContain(join(prefix, 'lib/node_modules', PKG.name, 'dist/bin/tmuxcodexd.js'));
    expect(existsSync(join(ts.root, 'src-copy/dist/bin/tmuxcodex.js'))).toBe(true);
  });

  it('carries the tmux plugin, which binds its keys from the installed copy', async () => {
    const plugin = join(prefix, 'lib/node_modules', PKG.name, 'tmux/tmuxcodex.tmux');
    await ts.tmux(tmux.raw('set-environment', '-g', 'PATH', npmEnv.PATH!));
    await ts.tmux(tmux.runShell(plugin));
    expect((await ts.tmux(tmux.showGlobalOption('@tmuxcodex-plugin-status'))).trim()).toBe('keys bound (prefix + a)');
    const keys = await ts.tmux(tmux.raw('list-keys', '-T', 'tmuxcodex'));
    expect(keys).toContain(join(prefix, 'lib/node_modules', PKG.name, 'dist/bin/tmuxcodex.js'));
  });
});
