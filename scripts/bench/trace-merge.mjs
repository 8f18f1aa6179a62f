// Where the time of one `merge --keep` and one `merge --squash` goes: every git process the daemon
// and the CLI ran (GIT_TRACE2_EVENT), by subcommand, and the wall time of the whole command.
// `node scripts/bench/trace-merge.mjs` after `npm run build`; prints a small report.
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeEnv, CLI } from './harness.mjs';

const exec = promisify(execFile);
const b = await makeEnv('trace');
const trace = join(b.root, 'trace.json');
const env = { ...b.env, GIT_TRACE2_EVENT: trace, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
const cli = (...a) => exec(process.execPath, [CLI, '-L', b.socket, ...a], { env, cwd: b.repo });
const git = (cwd, ...a) => exec('git', ['-C', cwd, ...a], { env: { ...env, GIT_TRACE2_EVENT: '' } });
try {
  writeFileSync(join(b.repo, '.gitignore'), 'node_modules/\n');
  await git(b.repo, 'add', '.gitignore');
  await git(b.repo, 'commit', '-q', '-m', 'ignore');
  await cli('up', '--detached');
  for (const method of ['keep', 'squash']) {
    await cli('spawn', '--name', method, '--worktree', 'new', '--cmd', 'exec sleep 600');
    const wt = join(`${b.repo}.worktrees`, method);
    for (let i = 0; i < 3000; i++) { const d = join(wt, 'node_modules', `p${Math.floor(i / 30)}`); if (i % 30 === 0) mkdirSync(d, { recursive: true }); writeFileSync(join(d, `f${i % 30}.js`), `${i}\n`); }
    writeFileSync(join(wt, `${method}.txt`), 'x\n');
    await git(wt, 'add', `${method}.txt`);
    await git(wt, 'commit', '-q', '-m', 'x');
    await new Promise((r) => setTimeout(r, 3000));
    rmSync(trace, { force: true });
    const t0 = Date.now();
    await cli('merge', method, method === 'keep' ? '--keep' : '--squash');
    const wall = Date.now() - t0;
    const starts = new Map();
    const by = {};
    let n = 0, total = 0, firstStart = null, lastEnd = 0;
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line);
      if (e.event === 'start') starts.set(e.sid, { argv: e.argv, t: Date.parse(e.time) });
      if (e.event === 'exit' && starts.has(e.sid)) {
        const s = starts.get(e.sid);
        const args = s.argv.slice(1);
        let k = 0;
        while (k < args.length && (args[k] === '-C' || args[k] === '-c')) k += 2;
        const name = args[k] ?? '?';
        const ms = Date.parse(e.time) - s.t;
        n++; total += ms; by[name] = [(by[name]?.[0] ?? 0) + 1, (by[name]?.[1] ?? 0) + ms];
        firstStart = firstStart === null ? s.t : Math.min(firstStart, s.t);
        if (process.env.TIMELINE) console.log(`    ${String(s.t - t0).padStart(5)} ms +${String(ms).padStart(4)} ${args.slice(k, k + 3).join(' ')}`);
        lastEnd = Math.max(lastEnd, Date.parse(e.time));
      }
    }
    console.log(`merge --${method}: ${wall} ms wall; ${n} git processes, ${total} ms summed; git from ${firstStart - t0} ms to ${lastEnd - t0} ms`);
    console.log('  ' + Object.entries(by).sort((x, y) => y[1][1] - x[1][1]).map(([k, [c, ms]]) => `${k} ×${c} ${ms} ms`).join(', '));
    if (method === 'keep') await cli('kill', method, '--force');
  }
} finally {
  await b.dispose();
}
