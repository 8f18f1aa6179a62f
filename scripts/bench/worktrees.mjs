// Bench for new worktrees (issue 3): time from `spawn --worktree new` until the agent's process
// runs, against (a) a plain `git worktree add` and (b) `git worktree add` + `npm ci --prefer-offline`
// from a warm npm cache, all in the same run, on a generated project whose node_modules holds
// tens of thousands of files (real packages from the npm registry) and 1,500 tracked files.
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { until, median } from './harness.mjs';

const exec = promisify(execFile);
const DEPS = { '@mui/icons-material': '5.16.7', '@mui/material': '5.16.7', '@emotion/react': '11.13.3', '@emotion/styled': '11.13.0', react: '18.3.1', 'react-dom': '18.3.1', rxjs: '7.8.1', lodash: '4.17.21' };

/** Makes the project in b.repo: package.json, lock file, node_modules, 1,500 tracked files. */
async function makeProject(b) {
  const git = (...a) => exec('git', ['-C', b.repo, '-c', 'user.name=b', '-c', 'user.email=b@b', ...a], { env: b.env, maxBuffer: 64 << 20 });
  writeFileSync(join(b.repo, 'package.json'), JSON.stringify({ name: 'bench-project', version: '1.0.0', private: true, dependencies: DEPS }, null, 2));
  writeFileSync(join(b.repo, '.gitignore'), 'node_modules/\n.env*\n');
  writeFileSync(join(b.repo, '.env'), 'API_KEY=bench\n');
  for (let d = 0; d < 30; d++) {
    mkdirSync(join(b.repo, 'src', `mod${d}`), { recursive: true });
    for (let f = 0; f < 50; f++) writeFileSync(join(b.repo, 'src', `mod${d}`, `file${f}.ts`), `export const v${d}_${f} = ${d * 50 + f};\n`.repeat(40));
  }
  // The user's npm cache stays as it is; only HOME differs, so point npm at the real cache.
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent'], { cwd: b.repo, env: { ...b.env, npm_config_cache: npmCache() }, maxBuffer: 64 << 20 });
  await git('add', '-A');
  await git('commit', '-q', '-m', 'bench project');
  const { stdout } = await exec('find', [join(b.repo, 'node_modules'), '-type', 'f'], { maxBuffer: 256 << 20 });
  return stdout.split('\n').filter(Boolean).length;
}

function npmCache() {
  return process.env.npm_config_cache || join(process.env.HOME || '/root', '.npm');
}

/** Runs the three ways n times each ((b) fewer: it is slow) and adds rows to the table. */
export async function benchWorktrees(b, row, n = 5, nInstall = 2) {
  const files = await makeProject(b);
  const root = `${b.repo}.worktrees`;
  const ms = (x) => `${(x / 1000).toFixed(2)} s`;
  // Warm-up (not timed): the first spawn makes the private node_modules snapshot.
  await b.cli('up', '--detached');
  let t0 = performance.now();
  await b.cli('spawn', '--name', 'warmup', '--worktree', 'new', '--cmd', 'exec sleep 600');
  const firstSpawn = performance.now() - t0;
  await b.cli('kill', 'warmup', '--force');

  // Each timed run starts after `sync` and a pause, so that the previous run's deletes (41k files)
  // are not still being written back while the next one is timed: this disk is noisy.
  const settle = async () => { await exec('sync'); await new Promise((r) => setTimeout(r, 1500)); };
  const ours = [];
  const plain = [];
  for (let i = 0; i < n; i++) {
    const marker = join(b.root, `wt-ours-${i}`);
    await settle();
    t0 = performance.now();
    await b.cli('spawn', '--name', `bw${i}`, '--worktree', 'new', '--cmd', `touch ${marker}; exec sleep 600`);
    await until(() => existsSync(marker), 60_000, 2);
    ours.push(performance.now() - t0);
    if (!existsSync(join(root, `bw${i}`, 'node_modules', 'react', 'package.json')) || !existsSync(join(root, `bw${i}`, '.env'))) throw new Error('spawn did not provision');
    await b.cli('kill', `bw${i}`, '--force');
    await settle();
    t0 = performance.now();
    await exec('git', ['-C', b.repo, 'worktree', 'add', '-q', '-b', `plain${i}`, join(root, `plain${i}`), 'main'], { env: b.env });
    plain.push(performance.now() - t0);
    await exec('git', ['-C', b.repo, 'worktree', 'remove', '--force', join(root, `plain${i}`)], { env: b.env });
  }
  const install = [];
  for (let i = 0; i < nInstall; i++) {
    const path = join(root, `npm${i}`);
    await settle();
    t0 = performance.now();
    await exec('git', ['-C', b.repo, 'worktree', 'add', '-q', '-b', `npm${i}`, path, 'main'], { env: b.env });
    await exec('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--silent'], { cwd: path, env: { ...b.env, npm_config_cache: npmCache() }, maxBuffer: 64 << 20 });
    install.push(performance.now() - t0);
    rmSync(path, { recursive: true, force: true });
    await exec('git', ['-C', b.repo, 'worktree', 'prune'], { env: b.env });
  }
  const o = median(ours), a = median(plain), c = median(install);
  row(`\`spawn --worktree new\` until the agent runs (node_modules: ${files} files; 1,500 tracked files), median of ${n}`, ms(o),
    `(a) \`git worktree add\`: ${ms(a)}`, `${(o / a).toFixed(2)}x (a)`, `aim: within 1.5x of (a); first spawn, which makes the snapshot: ${ms(firstSpawn)}`);
  row(`same, against (b) \`git worktree add\` + \`npm ci --prefer-offline\` (warm cache), median of ${nInstall}`, ms(o), `(b): ${ms(c)}`, `${(c / o).toFixed(1)}x faster than (b)`, 'aim: at least 10x faster than (b)');
}
