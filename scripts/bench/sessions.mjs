// Bench for agents' transcripts (issue 6): the latency from a usage line being appended until
// list's event stream and the pane option show it; the daemon's CPU and RSS while 20 transcripts
// grow at once, against the same daemon idle; the first read of a 200 MB transcript against a
// full parse (time and peak RSS, each in a process of its own).
import { appendFileSync, mkdirSync, writeFileSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { median, until, sleep, cpuSeconds, rssMiB, CLI } from './harness.mjs';
import { claudeTranscriptPath } from '../../dist/transcripts/locate.js';

const exec = promisify(execFile);

/** One Claude Code turn as the real CLI writes it (shapes from shared/fixtures/transcripts). */
function claudeTurn(sessionId, cwd, cached, n) {
  const base = { isSidechain: false, userType: 'external', entrypoint: 'cli', cwd, sessionId, version: '2.1.197', gitBranch: 'HEAD' };
  const ts = new Date().toISOString();
  const usage = { input_tokens: 3, cache_creation_input_tokens: 1500, cache_read_input_tokens: cached, output_tokens: 42 };
  return [
    { ...base, parentUuid: null, promptId: randomUUID(), type: 'user', message: { role: 'user', content: `prompt ${n}` }, uuid: randomUUID(), timestamp: ts },
    { ...base, parentUuid: null, type: 'assistant', message: { id: `msg_${n}`, type: 'message', role: 'assistant', model: 'claude-opus-4-8', content: [{ type: 'text', text: `answer ${n}` }], stop_reason: 'end_turn', usage }, uuid: randomUUID(), timestamp: ts },
  ].map((r) => JSON.stringify(r) + '\n').join('');
}

/** Agents whose "CLI" is a sleep: the bench writes their transcripts itself, to know when each line lands. */
export async function spawnSilentClaudes(b, count) {
  const config = join(b.env.XDG_CONFIG_HOME, 'tmuxcodex', 'config.yaml');
  mkdirSync(join(b.env.XDG_CONFIG_HOME, 'tmuxcodex'), { recursive: true });
  // A process that stays (the session arguments go to sh as $1 $2): the bench writes the transcript itself.
  writeFileSync(config, 'profiles:\n  claude: { command: [sh, -c, "exec sleep 3600", sh] }\n');
  await b.cli('up', '--detached');
  const out = [];
  for (let i = 0; i < count; i++) {
    const a = JSON.parse((await b.cli('spawn', 'claude', '--name', `t${i}`, '--worktree', 'shared', '--json')).stdout);
    const path = await claudeTranscriptPath(b.env, a.cwd, a.sessionId);
    mkdirSync(join(path, '..'), { recursive: true });
    out.push({ ...a, path, cached: 15000, turns: 0 });
  }
  return out;
}

/** Appends one turn to an agent's transcript; returns the context the daemon should then show. */
export function appendTurn(a) {
  a.turns++;
  appendFileSync(a.path, claudeTurn(a.sessionId, a.cwd, a.cached, a.turns));
  const used = 3 + 1500 + a.cached;
  a.cached += 1500;
  return used;
}

async function benchLatency(b, row, agents, n = 15) {
  const events = spawn(process.execPath, [CLI, '-L', b.socket, 'events', '--follow', '--json'], { env: b.env, cwd: b.repo, stdio: ['ignore', 'pipe', 'inherit'] });
  const waiters = [];
  createInterface({ input: events.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    const now = performance.now();
    if (!e.agent) return;
    for (const w of [...waiters]) if (w.name === e.agent.name && e.agent.context?.usedTokens === w.used) { waiters.splice(waiters.indexOf(w), 1); w.resolve(now); }
  });
  await sleep(500);
  const toEvent = [];
  const toOption = [];
  const a = agents[0];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const used = appendTurn(a);
    const pct = `${Math.round((used / 200000) * 100)}%`;
    const seen = new Promise((resolve) => waiters.push({ name: a.name, used, resolve }));
    const optionSeen = until(async () => (await b.tmux('show-options', '-p', '-v', '-t', a.paneId, '@tmuxcodex-ctx')).stdout.trim() === pct, 5000, 2).then(() => performance.now());
    const [tEvent, tOption] = await Promise.all([Promise.race([seen, sleep(5000).then(() => { throw new Error('no event within 5 s'); })]), optionSeen]);
    toEvent.push(tEvent - t0);
    toOption.push(tOption - t0);
    await sleep(150);
  }
  events.kill();
  row(`transcript usage line appended -> \`list\`'s event stream shows it, median of ${n}`, `${median(toEvent).toFixed(0)} ms`, 'aim: 500 ms', `${(500 / median(toEvent)).toFixed(1)}x under the aim`, `max ${Math.max(...toEvent).toFixed(0)} ms; fs.watch on the file, then a read of the new bytes only`);
  row(`same, until the pane option (@tmuxcodex-ctx, for borders) shows it, median of ${n}`, `${median(toOption).toFixed(0)} ms`, 'aim: 500 ms', `${(500 / median(toOption)).toFixed(1)}x under the aim`, `max ${Math.max(...toOption).toFixed(0)} ms (polled every 2 ms)`);
}

async function benchGrowing(b, row, agents, seconds = 10) {
  const daemonPid = JSON.parse((await b.cli('daemon', 'status', '--json')).stdout).pid;
  await sleep(2000);
  let c0 = cpuSeconds(daemonPid);
  await sleep(seconds * 1000);
  const idle = cpuSeconds(daemonPid) - c0;
  const idleRss = rssMiB(daemonPid);
  c0 = cpuSeconds(daemonPid);
  const end = Date.now() + seconds * 1000;
  let lines = 0;
  let peak = 0;
  while (Date.now() < end) {
    for (const a of agents) { appendTurn(a); lines += 2; }
    peak = Math.max(peak, rssMiB(daemonPid));
    await sleep(100);
  }
  await sleep(500);
  const busy = cpuSeconds(daemonPid) - c0;
  row(`daemon while 20 transcripts grow (${lines} lines in ${seconds} s, a turn per agent every 100 ms)`, `${(busy * 1000).toFixed(0)} ms CPU (${((busy / seconds) * 100).toFixed(1)} %), RSS up to ${peak.toFixed(0)} MiB`,
    `same daemon idle: ${(idle * 1000).toFixed(0)} ms CPU, RSS ${idleRss.toFixed(0)} MiB`, `+${((busy - idle) * 1000 / lines).toFixed(2)} ms CPU per line`, '');
}

/** A tool call and its result, as a working turn has many of (the bulk of a real transcript). */
function toolExchange(sessionId, cwd, n, output) {
  const base = { isSidechain: false, userType: 'external', entrypoint: 'cli', cwd, sessionId, version: '2.1.197', gitBranch: 'HEAD', parentUuid: null };
  const ts = new Date().toISOString();
  const id = `toolu_${n}`;
  return [
    { ...base, type: 'assistant', message: { id: `msg_t${n}`, type: 'message', role: 'assistant', model: 'claude-opus-4-8', content: [{ type: 'tool_use', id, name: 'Bash', input: { command: 'npm test' } }], stop_reason: 'tool_use', usage: { input_tokens: 3, cache_creation_input_tokens: 500, cache_read_input_tokens: 20000, output_tokens: 30 } }, uuid: randomUUID(), timestamp: ts },
    { ...base, type: 'user', message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content: output }] }, uuid: randomUUID(), timestamp: ts },
  ].map((r) => JSON.stringify(r) + '\n').join('');
}

/** Writes a ~sizeMiB Claude transcript: turns of a prompt, three tool calls with 3 KB outputs, an answer. */
function writeHuge(path, sizeMiB) {
  const fd = openSync(path, 'w');
  const id = randomUUID();
  let written = 0;
  let cached = 15000;
  let n = 0;
  const output = 'PASS test/some.test.ts (12 tests)\n'.repeat(90);
  while (written < sizeMiB << 20) {
    const chunk = Array.from({ length: 50 }, () => {
      n++;
      cached += 10;
      const turn = claudeTurn(id, '/home/dev/big', cached, n).split('\n');
      return turn[0] + '\n' + [1, 2, 3].map((k) => toolExchange(id, '/home/dev/big', n * 10 + k, output)).join('') + turn[1] + '\n';
    }).join('');
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  return { turns: n, used: 3 + 1500 + cached };
}

const READER = fileURLToPath(new URL('./read-transcript.mjs', import.meta.url));

async function benchHugeFirstRead(b, row, sizeMiB = 200) {
  const path = join(b.root, 'huge.jsonl');
  const want = writeHuge(path, sizeMiB);
  const run = async (mode) => JSON.parse((await exec(process.execPath, [READER, mode, path], { maxBuffer: 1 << 20 })).stdout);
  const ours = await run('first-read');
  const full = await run('full-parse');
  rmSync(path);
  for (const r of [ours, full]) if (r.usedTokens !== want.used || r.turns !== want.turns) throw new Error(`wrong facts from ${r.mode}: ${JSON.stringify(r)} want ${JSON.stringify(want)}`);
  row(`first read of a ${sizeMiB} MB Claude transcript (${want.turns} turns of a prompt, 3 tool calls with 3 KB outputs, an answer): context, turns, age`, `${ours.ms.toFixed(0)} ms, peak RSS ${ours.peakMiB.toFixed(0)} MiB`, `full parse: ${full.ms.toFixed(0)} ms, peak RSS ${full.peakMiB.toFixed(0)} MiB`, `${(full.ms / ours.ms).toFixed(1)}x faster`, 'head and last 4 MB parsed, the rest scanned for prompts without parsing; same answers');
}

export async function benchSessions(b, row) {
  const agents = await spawnSilentClaudes(b, 20);
  for (const a of agents) appendTurn(a);
  await until(async () => JSON.parse((await b.cli('list', '--json')).stdout).agents.every((x) => x.context), 20_000, 100);
  await benchLatency(b, row, agents);
  await benchGrowing(b, row, agents);
  await benchHugeFirstRead(b, row);
}
