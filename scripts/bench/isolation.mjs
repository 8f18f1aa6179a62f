// Bench for sibling isolation (issue 14, item 9): `spawn --worktree new` with a generated
// node_modules of 3,000 files (no registry needed) until the agent runs; how long until every
// cloned file has an inode of its own (done in the background once the agent runs); whether an
// `echo >>` into one agent's node_modules reaches a sibling or the snapshot; and how many
// snapshots and spares four spawns from four different worktrees leave.
import { existsSync, mkdirSync, writeFileSync, appendFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { until, median } from './harness.mjs';

const exec = promisify(execFile);
const PACKAGES = 300;
const FILES_PER_PACKAGE = 10;

/** package.json, a lock file and node_modules with PACKAGES x FILES_PER_PACKAGE files, committed (but node_modules). */
async function makeProject(b) {
  const git = (...a) => exec('git', ['-C', b.repo, '-c', 'user.name=b', '-c', 'user.email=b@b', ...a], { env: b.env });
  writeFileSync(join(b.repo, 'package.json'), JSON.stringify({ name: 'iso', version: '1.0.0', private: true }, null, 2));
  writeFileSync(join(b.repo, 'package-lock.json'), JSON.stringify({ name: 'iso', lockfileVersion: 3, packages: {} }, null, 2));
  writeFileSync(join(b.repo, '.gitignore'), 'node_modules/\n');
  for (let p = 0; p < PACKAGES; p++) {
    const dir = join(b.repo, 'node_modules', `dep${p}`);
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `dep${p}`, version: '1.0.0' }));
    writeFileSync(join(dir, 'index.js'), `module.exports = ${p};\n`);
    for (let f = 2; f < FILES_PER_PACKAGE; f++) writeFileSync(join(dir, 'lib', `f${f}.js`), `exports.v = ${p * 100 + f};\n`.repeat(20));
  }
  await git('add', '-A');
  await git('commit', '-q', '-m', 'project');
}

/** Every regular file under dir, as paths. */
function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Spawns an agent from cwd; resolves with the ms until its program ran, and its worktree. */
async function timedSpawn(b, name, cwd) {
  const marker = join(b.root, `ran-${name}`);
  const t0 = performance.now();
  await exec(process.execPath, [b.cliPath, '-L', b.socket, 'spawn', '--name', name, '--worktree', 'new', '--cmd', `touch ${marker}; exec sleep 600`], { env: b.env, cwd });
  await until(() => existsSync(marker), 60_000, 2);
  return { ms: performance.now() - t0, worktree: join(`${b.repo}.worktrees`, name) };
}

export async function benchIsolation(b, row, n = 5) {
  await makeProject(b);
  b.cliPath = (await import('./harness.mjs')).CLI;
  const snapshots = join(`${b.repo}.worktrees`, '.tmuxcodex-snapshots');
  const files = filesUnder(join(b.repo, 'node_modules')).length;
  await b.cli('up', '--detached');
  // First spawn: makes the snapshot and hardlinks from it; then the background gives its files their own inodes.
  const first = await timedSpawn(b, 'first', b.repo);
  const t0 = performance.now();
  const nm = join(first.worktree, 'node_modules');
  let ownAfter = null;
  try {
    // A file being unshared is copied beside itself, then renamed over: either may vanish mid-look.
    const own = (f) => { try { return f.includes('.tmuxcodex-unshare') || statSync(f).nlink === 1; } catch { return false; } };
    await until(() => { try { return filesUnder(nm).every(own); } catch { return false; } }, 60_000, 100);
    ownAfter = performance.now() - t0;
  } catch { /* never: the files stay shared (the code before item 9) */ }
  // Timed spawns, each after the background of the one before has settled.
  const times = [];
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    times.push((await timedSpawn(b, `iso${i}`, b.repo)).ms);
  }
  // The same run's baseline: a plain `git worktree add` (no dependencies at all).
  const plain = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await exec('git', ['-C', b.repo, 'worktree', 'add', '-q', '-b', `plain${i}`, join(`${b.repo}.worktrees`, `plain${i}`), 'main'], { env: b.env });
    plain.push(performance.now() - t);
  }
  // An in-place edit in one agent's node_modules: does it reach a sibling or the snapshot?
  await new Promise((r) => setTimeout(r, 1500));
  const a = join(`${b.repo}.worktrees`, 'iso0', 'node_modules', 'dep7', 'index.js');
  const before = readFileSync(join(`${b.repo}.worktrees`, 'iso1', 'node_modules', 'dep7', 'index.js'), 'utf8');
  appendFileSync(a, '// edited by iso0\n');
  const sibling = readFileSync(join(`${b.repo}.worktrees`, 'iso1', 'node_modules', 'dep7', 'index.js'), 'utf8') !== before;
  const snap = readdirSync(snapshots).filter((x) => x.startsWith('snap-') && !x.includes('.')).some((d) => readFileSync(join(snapshots, d, 'dep7', 'index.js'), 'utf8').includes('edited by iso0'));
  const next = await timedSpawn(b, 'after-edit', b.repo);
  const handedOn = readFileSync(join(next.worktree, 'node_modules', 'dep7', 'index.js'), 'utf8').includes('edited by iso0');
  // Spawns from inside three agents' worktrees (each is its own source): how many snapshots and spares.
  for (const from of ['iso1', 'iso2', 'iso3']) {
    await timedSpawn(b, `from-${from}`, join(`${b.repo}.worktrees`, from));
    await new Promise((r) => setTimeout(r, 1500));
  }
  const names = readdirSync(snapshots);
  const snapCount = names.filter((x) => x.startsWith('snap-') && !x.includes('.')).length;
  const spareCount = names.filter((x) => x.startsWith('spare-') && !x.includes('.tmuxcodex-partial-')).length;
  const s = (x) => `${(x / 1000).toFixed(2)} s`;
  row(`\`spawn --worktree new\` until the agent runs (node_modules: ${files} files, generated), median of ${n}`, s(median(times)), `(a) \`git worktree add\`: ${s(median(plain))}`, `${(median(times) / median(plain)).toFixed(2)}x (a)`,
    `first spawn (makes the snapshot): ${s(first.ms)}; every cloned file of the first spawn has its own inode ${ownAfter === null ? 'never (they stay hardlinked)' : `${s(ownAfter)} after it runs`}`);
  row('`echo >>` into one agent\'s node_modules file', sibling || snap || handedOn ? 'reaches others' : 'stays its own', '-', '-',
    `sibling changed: ${sibling ? 'yes' : 'no'}; snapshot changed: ${snap ? 'yes' : 'no'}; next spawn got the edit: ${handedOn ? 'yes' : 'no'}`);
  row('snapshots and spares after spawns from 4 different worktrees (one lock file)', `${snapCount} + ${spareCount}`, '-', '-', 'aim: 1 snapshot per lock file');
}
