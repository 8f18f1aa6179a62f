// Bench for the merge map (issue 4): a generated repository with 50 worktrees of mixed kinds and
// 2 targets; cold `computeMergeMap` against a naive baseline (one git process per branch per
// question, as a script would do it), both in the same run, results checked equal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { median, until, CLI } from './harness.mjs';
import { computeMergeMap } from '../../dist/git/mergemap.js';

const exec = promisify(execFile);

/** 300 commits of history, 2 targets, 50 branches with worktrees: open, merged, squashed, picked, conflicting. */
export async function makeRepo(b) {
  const repo = b.repo;
  const env = { ...b.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  const git = (cwd, ...a) => exec('git', ['-C', cwd, ...a], { env, maxBuffer: 64 << 20 });
  for (let i = 0; i < 20; i++) { mkdirSync(join(repo, `pkg${i}`), { recursive: true }); writeFileSync(join(repo, `pkg${i}`, 'index.ts'), `export const x${i} = 0;\n`.repeat(20)); }
  await git(repo, 'add', '-A'); await git(repo, 'commit', '-q', '-m', 'base');
  for (let i = 0; i < 300; i++) { writeFileSync(join(repo, `pkg${i % 20}`, `h${i}.ts`), `export const h = ${i};\n`); await git(repo, 'add', '-A'); await git(repo, 'commit', '-q', '-m', `history ${i}`); }
  await git(repo, 'branch', 'consumer');
  const root = `${repo}.worktrees`;
  const rows = [];
  for (let i = 0; i < 50; i++) {
    const name = `agent-${i}`;
    const path = join(root, name);
    await git(repo, 'worktree', 'add', '-q', '-b', name, path, 'main');
    const kind = i % 5; // 0 open, 1 conflicting (same file as others), 2 merged, 3 squashed, 4 picked
    const file = kind === 1 ? join('pkg0', 'index.ts') : join(`pkg${i % 20}`, `work-${i}.ts`);
    writeFileSync(join(path, file), `// change by ${name}\n`.repeat(3));
    await git(path, 'add', '-A'); await git(path, 'commit', '-q', '-m', `work of ${name}`);
    if (kind === 3) { // a squash of two commits is not patch-equivalent to either
      writeFileSync(join(path, file), `// change by ${name}, second pass\n`.repeat(3));
      await git(path, 'add', '-A'); await git(path, 'commit', '-q', '-m', `more work of ${name}`);
    }
    rows.push({ branch: name, worktree: path, agent: name });
  }
  for (let i = 0; i < 50; i++) {
    const name = `agent-${i}`;
    if (i % 5 === 2) await git(repo, 'merge', '-q', '--no-ff', '-m', `merge ${name}`, name);
    if (i % 5 === 3) { await git(repo, 'merge', '-q', '--squash', name); await git(repo, 'commit', '-q', '-m', `squash ${name}`); }
    if (i % 5 === 4) await git(repo, 'cherry-pick', name);
  }
  return rows;
}

/** The same answers, asked one git process at a time. */
async function naiveMap(repo, targets, rows) {
  const g = (...a) => exec('git', ['-C', repo, ...a], { maxBuffer: 64 << 20 }).then((r) => r.stdout, (e) => ({ failed: true, code: e.code, stdout: e.stdout }));
  const out = {};
  for (const r of rows) {
    out[r.branch] = {};
    for (const t of targets) {
      const counts = (await g('rev-list', '--left-right', '--count', `${t}...${r.branch}`)).trim().split(/\s+/).map(Number);
      const anc = await g('merge-base', '--is-ancestor', r.branch, t);
      const mt = await g('merge-tree', '--write-tree', '--name-only', '--no-messages', t, r.branch);
      const cherry = await g('cherry', t, r.branch);
      out[r.branch][t] = { ahead: counts[1], behind: counts[0], ancestor: typeof anc === 'string', conflict: typeof mt !== 'string', cherry };
    }
    await g('-C', r.worktree, 'status', '--porcelain');
  }
  return out;
}

export async function benchMergeMap(b, row, n = 5) {
  const rows = await makeRepo(b);
  const targets = ['main', 'consumer'];
  const ours = [];
  let map;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    map = await computeMergeMap(b.repo, targets, rows);
    ours.push(performance.now() - t);
  }
  const naive = [];
  let slow;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    slow = await naiveMap(b.repo, targets, rows);
    naive.push(performance.now() - t);
  }
  // Same answers for ahead/behind and conflicts.
  for (const r of map.rows.filter((x) => x.agent)) for (const t of targets) {
    const a = r.targets[t], s = slow[r.branch][t];
    if (a.ahead !== s.ahead || a.behind !== s.behind || (a.conflicts.length > 0) !== s.conflict) throw new Error(`map and naive disagree on ${r.branch} -> ${t}`);
  }
  const o = median(ours), nv = median(naive);
  const kinds = map.rows.filter((r) => r.agent).map((r) => r.targets.main.merged);
  await benchLiveUpdate(b, row, rows, o);
  row(`cold \`map\`: 50 worktrees x 2 targets, 300-commit history, median of ${n}`, `${o.toFixed(0)} ms`, `naive, one git per branch per question: ${(nv / 1000).toFixed(2)} s`, `${(nv / o).toFixed(1)}x faster`,
    `aim: under 1 s and 5x; found ${kinds.filter((k) => k === 'ancestor').length} merged, ${kinds.filter((k) => k === 'squash').length} squashed, ${kinds.filter((k) => k === 'patch').length} cherry-picked, ${map.pairs.length} conflicting pairs`);
}

/**
 * The daemon's live git fields: 50 agents in the worktrees (half target main, half consumer);
 * one commit in one worktree, then the time until the daemon publishes that agent's new ahead
 * count (an agent-updated event), against the cold map of the same repository.
 */
async function benchLiveUpdate(b, row, rows, coldMs, n = 7) {
  const env = { ...b.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  await b.cli('up', '--detached');
  for (const [i, r] of rows.entries()) {
    await b.cli('spawn', '--name', r.agent, '--worktree', r.worktree, '--target', i % 2 ? 'consumer' : 'main', '--cmd', 'exec sleep 600');
  }
  const events = spawn(process.execPath, [CLI, '-L', b.socket, 'events', '--follow', '--json'], { env: b.env, cwd: b.repo, stdio: ['ignore', 'pipe', 'inherit'] });
  const latest = new Map();
  const waiters = [];
  createInterface({ input: events.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    const now = performance.now();
    for (const a of e.event === 'snapshot' ? e.agents : e.agent ? [e.agent] : []) latest.set(a.name, a);
    for (const w of [...waiters]) if (w.test()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(now); }
  });
  await until(() => rows.every((r) => latest.get(r.agent)?.git), 120_000, 20);
  const open = rows.filter((_r, i) => i % 5 === 0);
  const took = [];
  const commits = [];
  for (let k = 0; k < n; k++) {
    const r = open[k % open.length];
    const before = latest.get(r.agent).git.ahead;
    writeFileSync(join(r.worktree, `live-${k}.ts`), `export const k = ${k};\n`);
    await exec('git', ['-C', r.worktree, 'add', '-A'], { env });
    const seen = new Promise((resolve) => waiters.push({ test: () => latest.get(r.agent).git.ahead === before + 1, resolve }));
    const t0 = performance.now();
    await exec('git', ['-C', r.worktree, 'commit', '-q', '-m', `live ${k}`], { env });
    const t1 = performance.now();
    const at = await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error('no update within 10 s')), 10_000))]);
    commits.push(t1 - t0);
    took.push(Math.max(0, at - t1));
  }
  events.kill();
  const m = median(took);
  row(`daemon update after one commit in one of 50 worktrees (end of \`git commit\` to the agent-updated event), median of ${n}`, `${m.toFixed(0)} ms`, `cold \`map\` of the same repository: ${coldMs.toFixed(0)} ms`, `${(coldMs / m).toFixed(1)}x faster`,
    `aim: under 150 ms; max ${Math.max(...took).toFixed(0)} ms; the commit itself took ${median(commits).toFixed(0)} ms`);
}
