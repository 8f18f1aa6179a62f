// Bench for landing and the idle cost of watching worktrees (issue 15, item 7): `merge --squash`
// and `merge --keep` of a small agent branch whose worktree holds a 3,000-file node_modules,
// against the plain git commands a person would type (merge --squash, commit, worktree remove,
// branch -D) on the same kind of worktree in the same run; where the time goes (every git process
// the daemon ran, from GIT_TRACE2); and the daemon's CPU and git processes per minute, idle, with
// 6 agents in worktrees of their own.
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median, cpuSeconds, sleep } from './harness.mjs';

const exec = promisify(execFile);

/** Fills dir/node_modules with n small files in packages of 30 (as an installed project has). */
function fillNodeModules(dir, n = 3000) {
  for (let i = 0; i < n; i++) {
    const pkg = join(dir, 'node_modules', `pkg-${Math.floor(i / 30)}`);
    if (i % 30 === 0) mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, `f${i % 30}.js`), `module.exports = ${i};\n`);
  }
}

/** Counts and total milliseconds of the git processes in a GIT_TRACE2_EVENT log, by subcommand. */
function gitProcesses(traceFile) {
  if (!existsSync(traceFile)) return { count: 0, ms: 0, by: {} };
  const starts = new Map();
  const by = {};
  let count = 0, total = 0;
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    if (!line) continue;
    let e;
    try { e = JSON.parse(line); } catch { continue; }
    if (e.event === 'start') starts.set(e.sid, { argv: e.argv, t: Date.parse(e.time) });
    if (e.event === 'exit' && starts.has(e.sid) && !e.sid.includes('/')) {
      const s = starts.get(e.sid);
      const name = s.argv.find((a, i) => i > 0 && !a.startsWith('-') && s.argv[i - 1] !== '-C' && s.argv[i - 1] !== '-c') ?? '?';
      const ms = Date.parse(e.time) - s.t;
      count++; total += ms;
      by[name] = { n: (by[name]?.n ?? 0) + 1, ms: (by[name]?.ms ?? 0) + ms };
    }
  }
  return { count, ms: total, by };
}

export async function benchLanding(b, row, n = 5) {
  const env = { ...b.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  const git = (cwd, ...a) => exec('git', ['-C', cwd, ...a], { env, maxBuffer: 64 << 20 });
  writeFileSync(join(b.repo, '.gitignore'), 'node_modules/\n');
  await git(b.repo, 'add', '.gitignore');
  await git(b.repo, 'commit', '-q', '-m', 'ignore node_modules');
  await git(b.repo, 'config', 'user.name', 'b');
  await git(b.repo, 'config', 'user.email', 'b@b');
  await b.cli('up', '--detached');
  const results = { squash: [], keep: [], plain: [] };
  let trace = null;
  for (let i = 0; i < n; i++) {
    for (const method of ['squash', 'keep']) {
      const name = `${method}-${i}`;
      await b.cli('spawn', '--name', name, '--worktree', 'new', '--cmd', 'exec sleep 600');
      const wt = join(`${b.repo}.worktrees`, name);
      fillNodeModules(wt);
      writeFileSync(join(wt, `${name}.txt`), 'small change\n');
      await git(wt, 'add', `${name}.txt`);
      await git(wt, 'commit', '-q', '-m', `${name}: small change`);
      const t = performance.now();
      if (method === 'squash') await b.cli('merge', name, '--squash');
      else await b.cli('merge', name, '--keep');
      results[method].push(performance.now() - t);
      if (method === 'keep') await b.cli('kill', name, '--force');
    }
    // The plain commands on the same kind of worktree.
    const name = `plain-${i}`;
    const wt = join(b.root, name);
    await git(b.repo, 'worktree', 'add', '-q', '-b', name, wt, 'main');
    fillNodeModules(wt);
    writeFileSync(join(wt, `${name}.txt`), 'small change\n');
    await git(wt, 'add', `${name}.txt`);
    await git(wt, 'commit', '-q', '-m', `${name}: small change`);
    const t = performance.now();
    await git(b.repo, 'merge', '--squash', name);
    await git(b.repo, 'commit', '-q', '-m', `squash ${name}`);
    await git(b.repo, 'worktree', 'remove', '--force', wt);
    await git(b.repo, 'branch', '-D', name);
    results.plain.push(performance.now() - t);
  }
  const p = median(results.plain);
  for (const m of ['squash', 'keep']) {
    const o = median(results[m]);
    row(`\`merge ${m === 'squash' ? '--squash' : '--keep'}\` of a one-commit branch, worktree with a 3,000-file node_modules, median of ${n}`, `${o.toFixed(0)} ms`, `${p.toFixed(0)} ms (git merge --squash, commit, worktree remove, branch -D)`, `${(o / p).toFixed(2)}x`, m === 'keep' ? 'lands only; the agent and its worktree stay' : 'lands, removes the worktree and deletes the branch');
  }
  return trace;
}

/** Daemon CPU and git processes per minute with 6 idle agents in worktrees of their own. */
export async function benchIdleWorktrees(b, row, seconds = 60) {
  const traceFile = join(b.root, 'git-trace.json');
  const env = { ...b.env, GIT_TRACE2_EVENT: traceFile };
  // A daemon of its own, started with the trace in its environment (git inherits it).
  const cli = (...a) => exec(process.execPath, [b.CLI, '-L', b.socket, ...a], { env, cwd: b.repo });
  await cli('up', '--detached');
  for (let i = 0; i < 6; i++) await cli('spawn', '--name', `idle-${i}`, '--worktree', 'new', '--cmd', 'exec sleep 600');
  const pid = JSON.parse((await cli('daemon', 'status', '--json')).stdout).pid;
  await sleep(15_000); // the spawns' own refreshes settle
  rmSync(traceFile, { force: true });
  const c0 = cpuSeconds(pid);
  await sleep(seconds * 1000);
  const cpu = (cpuSeconds(pid) - c0) * 1000 * (60 / seconds);
  const g = gitProcesses(traceFile);
  const perMin = g.count * (60 / seconds);
  row(`daemon idle with 6 agents in worktrees of their own, per minute (${seconds} s measured)`, `${cpu.toFixed(0)} ms CPU, ${perMin.toFixed(0)} git processes`, 'a timer-free peer would run 0 git processes', '-', Object.entries(g.by).map(([k, v]) => `${k} ×${v.n}`).join(', ') || 'no git process');
}
