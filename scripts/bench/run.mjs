// npm run bench: measures tmuxcodex against baselines taken in the same run, prints a Markdown table.
// Scenarios (issue 2): spawn latency vs plain `tmux split-window`; `list --json` with 20 agents vs a
// plain `tmux list-panes`; daemon idle CPU/RSS with 20 agents; daemon CPU while 6 panes flood output.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeEnv, until, median, cpuSeconds, rssMiB, machine, sleep, CLI } from './harness.mjs';
import { benchWorktrees } from './worktrees.mjs';
import { benchIsolation } from './isolation.mjs';
import { benchMergeMap } from './mergemap.mjs';
import { benchSessions } from './sessions.mjs';
import { benchFace } from './face.mjs';
import { benchOrchestration } from './orchestration.mjs';
import { benchHooks } from './hooks.mjs';
import { benchLanding, benchIdleWorktrees } from './landing.mjs';

const exec = promisify(execFile);
const rows = [];
const row = (what, ours, baseline, ratio, note = '') => rows.push({ what, ours, baseline, ratio, note });
const ms = (x) => `${x.toFixed(1)} ms`;

/** Time from starting `start()` until the file marker exists (the agent's process runs). */
async function timeUntilRuns(start, marker) {
  const t0 = performance.now();
  await start();
  await until(() => existsSync(marker), 10_000, 1);
  return performance.now() - t0;
}

async function benchSpawn(b, n = 12) {
  await b.cli('up', '--detached');
  // The plain baseline splits in a window of its own, which tmuxcodex does not manage.
  await b.tmux('new-window', '-d', '-a', '-t', 'agents:', '-n', 'plain');
  const ours = [];
  const plain = [];
  for (let i = 0; i < n; i++) {
    // Alternate so disk and cache effects hit both alike; keep the window from filling up.
    const m1 = join(b.root, `ours-${i}`);
    ours.push(await timeUntilRuns(() => b.cli('spawn', '--name', `s${i}`, '--cmd', `touch ${m1}; exec sleep 600`), m1));
    const m2 = join(b.root, `plain-${i}`);
    plain.push(await timeUntilRuns(() => b.tmux('split-window', '-d', '-t', 'agents:plain', `touch ${m2}; exec sleep 600`), m2));
    await b.cli('kill', `s${i}`);
    await b.tmux('kill-pane', '-t', 'agents:plain.1');
  }
  const nodeStart = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await exec(process.execPath, ['-e', '0']);
    nodeStart.push(performance.now() - t);
  }
  const o = median(ours), p = median(plain), nd = median(nodeStart);
  row('spawn until the agent process runs (daemon warm), median of ' + n, ms(o), `${ms(p)} (plain \`tmux split-window\`); bare \`node -e 0\`: ${ms(nd)}`, `${(o / p).toFixed(2)}x`, `${(o - nd).toFixed(0)} ms above a bare Node start`);
}

async function benchList(b, agents = 20, n = 15) {
  for (let i = 0; i < agents; i++) await b.cli('spawn', '--name', `l${i}`, '--cmd', 'exec sleep 600');
  const ours = [];
  const plain = [];
  const node = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    const out = await b.cli('list', '--json');
    ours.push(performance.now() - t);
    if (JSON.parse(out.stdout).agents.length < agents) throw new Error('list lost agents');
    t = performance.now();
    await b.tmux('list-panes', '-a', '-F', '#{pane_id} #{@tmuxcodex-id} #{@tmuxcodex-name}');
    plain.push(performance.now() - t);
    t = performance.now();
    await exec(process.execPath, ['-e', '0']);
    node.push(performance.now() - t);
  }
  const o = median(ours), p = median(plain), nd = median(node);
  row(`\`list --json\` with ${agents} agents, median of ${n}`, ms(o), `${ms(p)} (\`tmux list-panes -a -F\`); bare \`node -e 0\`: ${ms(nd)}`, `${(o / p).toFixed(2)}x`, `${(o / nd).toFixed(2)}x a bare Node start`);
}

async function daemonAndServerPids(b) {
  const paths = (await b.cli('daemon', 'status', '--json')).stdout;
  const daemonPid = JSON.parse(paths).pid;
  const serverPid = Number((await b.tmux('display', '-p', '#{pid}')).stdout.trim());
  return { daemonPid, serverPid };
}

async function benchIdle(b, seconds = 10) {
  const { daemonPid, serverPid } = await daemonAndServerPids(b);
  await sleep(3000); // let the work of the previous scenario (and its garbage collection) settle
  const d0 = cpuSeconds(daemonPid), s0 = cpuSeconds(serverPid);
  await sleep(seconds * 1000);
  const d = cpuSeconds(daemonPid) - d0, s = cpuSeconds(serverPid) - s0;
  row(`daemon idle with 20 agents, CPU over ${seconds} s`, `${(d * 1000).toFixed(0)} ms CPU (${((d / seconds) * 100).toFixed(2)} %)`, `tmux server: ${(s * 1000).toFixed(0)} ms CPU`, s > 0 ? `${(d / s).toFixed(2)}x` : 'n/a', '');
  row('daemon RSS with 20 agents', `${rssMiB(daemonPid).toFixed(1)} MiB`, `tmux server: ${rssMiB(serverPid).toFixed(1)} MiB`, `${(rssMiB(daemonPid) / rssMiB(serverPid)).toFixed(2)}x`, 'Node baseline heap included');
  return { daemonPid, serverPid };
}

async function benchFlood(b, pids, seconds = 8) {
  // Six agents that print as fast as they can for `seconds`.
  const names = [];
  for (let i = 0; i < 6; i++) {
    names.push(`flood${i}`);
    await b.cli('spawn', '--name', `flood${i}`, '--cmd', `timeout ${seconds} yes tmuxcodex-flood-line`);
  }
  const d0 = cpuSeconds(pids.daemonPid), s0 = cpuSeconds(pids.serverPid);
  const t0 = performance.now();
  await until(async () => {
    const list = JSON.parse((await b.cli('list', '--json')).stdout).agents;
    return names.every((n) => list.find((a) => a.name === n)?.state === 'exited');
  }, (seconds + 10) * 1000, 250);
  const wall = (performance.now() - t0) / 1000;
  const d = cpuSeconds(pids.daemonPid) - d0, s = cpuSeconds(pids.serverPid) - s0;
  row(`daemon while 6 panes flood output (${wall.toFixed(1)} s)`, `${(d * 1000).toFixed(0)} ms CPU (${((d / wall) * 100).toFixed(2)} %)`, `tmux server: ${(s * 1000).toFixed(0)} ms CPU (${((s / wall) * 100).toFixed(0)} %)`, `${(d / s).toFixed(3)}x`, 'includes the 4 list calls/s this loop makes');
}

/** Time from a pane's process exiting (or its pane being killed) until the daemon's event says so. */
async function benchExitLatency(b, n = 10) {
  const { spawn } = await import('node:child_process');
  const events = spawn(process.execPath, [CLI, '-L', b.socket, 'events', '--follow', '--json'], { env: b.env, cwd: b.repo });
  const seen = new Map();
  let buf = '';
  events.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines) {
      const e = JSON.parse(l);
      if (e.agent && (e.agent.state === 'exited' || e.agent.state === 'gone') && !seen.has(e.agent.name)) seen.set(e.agent.name, Date.now());
    }
  });
  const exitLat = [];
  const goneLat = [];
  for (let i = 0; i < n; i++) {
    const stamp = join(b.root, `exit-${i}`);
    // The agent records when it exits (ms since the epoch), then exits with status 3; the sleeps
    // differ so that exits fall at different points of tmux's one-second subscription timer.
    await b.cli('spawn', '--name', `x${i}`, '--cmd', `sleep 0.${(i * 37) % 100}; node -e "require('fs').writeFileSync('${stamp}', String(Date.now()))"; exit 3`);
    await until(() => seen.has(`x${i}`), 5000, 5);
    exitLat.push(seen.get(`x${i}`) - Number(readFileSync(stamp, 'utf8')));
    const g = JSON.parse((await b.cli('spawn', '--name', `g${i}`, '--cmd', 'exec sleep 600', '--json')).stdout);
    const t = Date.now();
    await b.tmux('kill-pane', '-t', g.paneId);
    await until(() => seen.has(`g${i}`), 5000, 5);
    goneLat.push(seen.get(`g${i}`) - t);
    await b.cli('kill', `x${i}`);
    await b.cli('kill', `g${i}`);
  }
  events.kill();
  row(`agent exit seen by the daemon (event), median of ${n}`, ms(median(exitLat)), 'tmux reports pane state once a second', `max ${ms(Math.max(...exitLat))}`, 'subscription to #{pane_dead}, no polling');
  row(`pane killed by hand seen (event), median of ${n}`, ms(median(goneLat)), '', `max ${ms(Math.max(...goneLat))}`, 'from %layout-change');
}

/** The core scenarios, one after another on one tmux server (later ones reuse its agents). */
async function benchCore(b) {
  console.error('bench: spawn latency…');
  await benchSpawn(b);
  console.error('bench: exit latency…');
  await benchExitLatency(b);
  console.error('bench: list with 20 agents…');
  await benchList(b);
  console.error('bench: idle daemon…');
  const pids = await benchIdle(b);
  console.error('bench: flood…');
  await benchFlood(b, pids);
}

// `npm run bench -- core`, `-- worktrees` or `-- map` runs one part; no argument runs all.
// Each part gets its own private tmux server and temp folders.
const PARTS = [
  ['worktrees', 'new worktrees (installs a generated project from the npm registry once)', (e) => benchWorktrees(e, row)],
  ['isolation', 'sibling node_modules: a 3,000-file spawn, own inodes, an in-place edit, snapshots per lock file', (e) => benchIsolation(e, row)],
  ['map', 'merge map (generates a repository with 50 worktrees)', (e) => benchMergeMap(e, row)],
  ['sessions', 'transcripts: latency, 20 growing at once, a 200 MB first read', (e) => benchSessions(e, row)],
  ['face', 'status segment forks, sidebar redraw latency and idle CPU', (e) => benchFace(e, row)],
  ['orchestration', 'ten spawns at once, wait wake-up', (e) => benchOrchestration(e, row)],
  ['hooks', 'agent hook -> state shown, shell script against the Node hook', (e) => benchHooks(e, row)],
  ['core', 'spawn, exit, list, idle and flood', benchCore],
  ['landing', 'merge of a small branch with a 3,000-file node_modules; idle git with 6 worktrees', async (e) => { await benchLanding(e, row); }],
  ['idle-worktrees', 'daemon CPU and git processes per minute, 6 idle agents in worktrees', (e) => benchIdleWorktrees({ ...e, CLI }, row)],
];
const only = process.argv[2] ?? 'all';
if (only !== 'all' && !PARTS.some(([name]) => name === only)) throw new Error(`unknown bench part "${only}" (core, worktrees, isolation, map, sessions, face, orchestration, hooks, landing, idle-worktrees)`);
for (const [name, what, fn] of PARTS) {
  if (only !== 'all' && only !== name) continue;
  console.error(`bench: ${what}…`);
  const env = await makeEnv(name);
  try {
    await fn(env);
  } finally {
    await env.dispose();
  }
}
console.log(`\nMachine: ${machine()}; tmux ${(await exec('tmux', ['-V'])).stdout.trim()}\n`);
console.log('| measure | tmuxcodex | baseline (same run) | ratio | note |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.note} |`);
