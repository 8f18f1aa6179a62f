// Bench for driving agents from an agent (issue 8): ten spawns at the same moment (as an integrator
// does) against ten plain `tmux split-window` calls one after another, both in the same run; and
// how soon `wait --idle` wakes after the agent's turn ends in its transcript.
import { spawn } from 'node:child_process';
import { median, sleep, CLI } from './harness.mjs';
import { appendTurn, spawnSilentClaudes } from './sessions.mjs';

async function tenConcurrent(b, row) {
  const t0 = performance.now();
  const spawned = await Promise.all(Array.from({ length: 10 }, (_, i) => b.cli('spawn', '--name', `c${i}`, '--worktree', 'shared', '--cmd', 'exec sleep 600', '--json').then((r) => JSON.parse(r.stdout))));
  const ours = performance.now() - t0;
  if (new Set(spawned.map((a) => a.paneId)).size !== 10) throw new Error('ten spawns did not give ten panes');
  await b.tmux('new-window', '-d', '-t', 'agents:', '-n', 'plain');
  const t1 = performance.now();
  for (let i = 0; i < 10; i++) {
    await b.tmux('split-window', '-d', '-t', 'agents:plain', 'exec sleep 600');
    await b.tmux('select-layout', '-t', 'agents:plain', 'tiled');
  }
  const plain = performance.now() - t1;
  await b.tmux('kill-window', '-t', 'agents:plain');
  for (const a of spawned) await b.cli('kill', a.name);
  row('ten spawns at the same moment (each a CLI process, as an integrator runs them), total', `${ours.toFixed(0)} ms`, `ten plain \`tmux split-window\` + \`select-layout\` one after another: ${plain.toFixed(0)} ms`, `${(ours / plain).toFixed(2)}x`, 'all ten in panes of their own (checked)');
}

async function waitWakeUp(b, row, n = 10) {
  const [a] = await spawnSilentClaudes(b, 1);
  appendTurn(a);
  const took = [];
  for (let i = 0; i < n; i++) {
    await b.cli('send', a.name, 'next');
    const waiter = spawn(process.execPath, [CLI, '-L', b.socket, 'wait', a.name, '--idle', '--timeout', '30'], { env: b.env, cwd: b.repo, stdio: 'ignore' });
    const exited = new Promise((resolve) => waiter.once('exit', () => resolve(performance.now())));
    await sleep(800); // connected and waiting
    await sleep(5); // the turn's timestamp is after the send
    const t0 = performance.now();
    appendTurn(a);
    took.push((await exited) - t0);
  }
  row(`\`wait --idle\` wake-up after the turn ends in the transcript (until the waiting CLI has exited), median of ${n}`, `${median(took).toFixed(0)} ms`, 'aim: 200 ms', `${(200 / median(took)).toFixed(1)}x under the aim`, `max ${Math.max(...took).toFixed(0)} ms`);
}

export async function benchOrchestration(b, row) {
  await b.cli('up', '--detached');
  await tenConcurrent(b, row);
  await waitWakeUp(b, row);
}
