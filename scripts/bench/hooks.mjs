// Bench for the agents' hooks (issue 18 item 5): from a Claude Code hook firing until the daemon's
// event stream (what the sidebar and the status segment are fed from) shows the agent's new state.
// The hook is the shipped shell script (tmux/agent-hook.sh, a line appended to a watched file),
// against the Node entry point it replaced (`tmuxcodex hook`, a socket request), in the same run.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, sleep, CLI } from './harness.mjs';
import { spawnSilentClaudes } from './sessions.mjs';

const HOOK = fileURLToPath(new URL('../../tmux/agent-hook.sh', import.meta.url));

/** Runs one hook program with the event's JSON on stdin, as Claude Code does. */
function fire(argv, env, event) {
  const p = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin.end(JSON.stringify({ hook_event_name: event, message: 'Claude needs your permission to use Bash', session_id: 'x' }));
}

export async function benchHooks(b, row, n = 15) {
  const [a] = await spawnSilentClaudes(b, 1);
  const socket = JSON.parse((await b.cli('daemon', 'status', '--json')).stdout).socket;
  const hookFile = join(dirname(socket), `${basename(socket, '.sock')}.hooks`, `${a.id}.events`);
  const env = { ...b.env, TMUXCODEX_AGENT_ID: a.id, TMUXCODEX_HOOK_FILE: hookFile };
  const events = spawn(process.execPath, [CLI, '-L', b.socket, 'events', '--follow', '--json'], { env: b.env, cwd: b.repo, stdio: ['ignore', 'pipe', 'inherit'] });
  let waiter = null;
  createInterface({ input: events.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    if (waiter && e.agent?.id === a.id && e.agent.state === waiter.state) { waiter.resolve(performance.now()); waiter = null; }
  });
  await sleep(500);
  const measure = async (argv) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      for (const [event, state] of [['Notification', 'waiting'], ['Stop', 'idle']]) {
        const seen = new Promise((resolve) => { waiter = { state, resolve }; });
        const t0 = performance.now();
        fire([...argv, `tmuxcodex-hook=${event}`], env, event);
        const t = await Promise.race([seen, sleep(5000).then(() => { throw new Error(`no ${state} within 5 s`); })]);
        out.push(t - t0);
        await sleep(50);
      }
    }
    return out;
  };
  const script = await measure(['/bin/sh', HOOK, 'claude']);
  const node = await measure([process.execPath, CLI, '-L', b.socket, 'hook', 'claude']);
  events.kill();
  row(`Claude hook fired -> the event stream shows waiting/idle, median of ${2 * n}`, `${median(script).toFixed(0)} ms (max ${Math.max(...script).toFixed(0)})`,
    `Node hook (tmuxcodex hook): ${median(node).toFixed(0)} ms`, `${(median(node) / median(script)).toFixed(1)}x faster; aim 50 ms`, 'sh script appends a line to the agent\'s file; the daemon watches the folder (inotify)');
}
