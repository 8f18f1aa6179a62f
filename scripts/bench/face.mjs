// Bench for what a person looks at (issue 7): forked processes per status-bar refresh with the
// segment as a tmux option (#{@tmuxcodex-status}) against the usual #(command) segment, measured in
// the same run with a real client attached; the sidebar's redraw latency after an agent's context
// changes, against the event reaching `events`; the sidebar's idle CPU.
import { readdirSync, readFileSync } from 'node:fs';
import { spawn as spawnChild } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as pty from '@lydell/node-pty';
import { median, until, sleep, cpuSeconds, rssMiB, CLI } from './harness.mjs';
import { appendTurn, spawnSilentClaudes } from './sessions.mjs';

/** Children of pid that appear while fn runs, found by polling /proc every 10 ms. */
async function forksDuring(pid, ms) {
  const seen = new Set();
  const before = new Set(children(pid));
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const c of children(pid)) if (!before.has(c)) seen.add(c);
    await sleep(10);
  }
  return seen.size;
}

function children(pid) {
  const out = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(e));
    } catch { /* gone */ }
  }
  return out;
}

export async function benchFace(b, row) {
  const agents = await spawnSilentClaudes(b, 3);
  for (const a of agents) appendTurn(a);
  await b.tmux('run-shell', new URL('../../tmux/tmuxcodex.tmux', import.meta.url).pathname);
  await b.tmux('set-option', '-g', 'status-interval', '1');
  const client = pty.spawn('tmux', ['-L', b.socket, '-f', '/dev/null', 'attach-session', '-t', '=agents'], { name: 'xterm-256color', cols: 160, rows: 45, cwd: b.repo, env: b.env });
  try {
    const serverPid = Number((await b.tmux('display', '-p', '#{pid}')).stdout.trim());
    await sleep(1500);
    const seconds = 10;
    const ours = await forksDuring(serverPid, seconds * 1000);
    const statusRight = (await b.tmux('show-options', '-gv', 'status-right')).stdout.trim();
    // The usual way: a shell command in status-right, run by tmux at every refresh.
    await b.tmux('set-option', '-g', 'status-right', `#(${process.execPath} ${CLI} -L ${b.socket} status-segment) %H:%M`);
    await sleep(1500);
    const theirs = await forksDuring(serverPid, seconds * 1000);
    await b.tmux('set-option', '-g', 'status-right', statusRight);
    row(`processes tmux forks for the status segment over ${seconds} s (status-interval 1, a client attached)`, `${ours} (#{@tmuxcodex-status}, kept by the daemon)`, `${theirs} (#(tmuxcodex status-segment))`, ours === 0 ? 'none forked' : `${(theirs / ours).toFixed(1)}x fewer`, 'aim: zero');

    // Sidebar redraw after a context change, against the event on the daemon's socket.
    const sidebarPane = (await b.tmux('list-panes', '-s', '-t', '=agents', '-F', '#{pane_id} #{@tmuxcodex-role}')).stdout.split('\n').find((l) => l.endsWith(' sidebar')).split(' ')[0];
    const events = spawnChild(process.execPath, [CLI, '-L', b.socket, 'events', '--follow', '--json'], { env: b.env, cwd: b.repo, stdio: ['ignore', 'pipe', 'inherit'] });
    const waiters = [];
    createInterface({ input: events.stdout }).on('line', (line) => {
      const e = JSON.parse(line);
      const now = performance.now();
      for (const w of [...waiters]) if (e.agent?.name === w.name && e.agent.context?.usedTokens === w.used) { waiters.splice(waiters.indexOf(w), 1); w.resolve(now); }
    });
    await sleep(500);
    const toSidebar = [];
    const toEvent = [];
    const a = agents[0];
    for (let i = 0; i < 12; i++) {
      const t0 = performance.now();
      const used = appendTurn(a);
      const pct = `${Math.round((used / 200000) * 100)}%`;
      const seen = new Promise((resolve) => waiters.push({ name: a.name, used, resolve }));
      const drawn = until(async () => (await b.tmux('capture-pane', '-p', '-t', sidebarPane)).stdout.includes(` ${pct}`), 5000, 5).then(() => performance.now());
      const [te, ts] = await Promise.all([seen, drawn]);
      toEvent.push(te - t0);
      toSidebar.push(ts - t0);
      await sleep(1100); // the status keeper writes once a second; let each change be its own
    }
    events.kill();
    row('sidebar redraw after an agent\'s context changes (transcript line appended -> the new percent on screen), median of 12', `${median(toSidebar).toFixed(0)} ms`, `the event on the daemon's socket: ${median(toEvent).toFixed(0)} ms`, `${(median(toSidebar) - median(toEvent)).toFixed(0)} ms more`, `aim: under 250 ms; max ${Math.max(...toSidebar).toFixed(0)} ms (screen polled every 5 ms)`);

    const sidebarPid = Number((await b.tmux('display', '-p', '-t', sidebarPane, '#{pane_pid}')).stdout.trim());
    await sleep(2000);
    const c0 = cpuSeconds(sidebarPid);
    await sleep(seconds * 1000);
    const idle = cpuSeconds(sidebarPid) - c0;
    row(`sidebar idle with 3 agents, CPU over ${seconds} s`, `${(idle * 1000).toFixed(0)} ms CPU (${((idle / seconds) * 100).toFixed(2)} %)`, `RSS ${rssMiB(sidebarPid).toFixed(0)} MiB`, 'n/a', 'redraws only when its text changes; a 30 s look for ages');
  } finally {
    client.kill();
  }
}
