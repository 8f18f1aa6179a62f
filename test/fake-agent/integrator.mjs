#!/usr/bin/env node
// A fake integrator agent for tests: run in an agent pane, it drives sub-agents only through the
// tmuxcodex CLI, as a coding agent following `tmuxcodex help agents` would: three spawns at the
// same moment, a multi-line task to each (as a file), a wait for each to finish, a capture of each.
// It writes what it saw as JSON to OUT, prints "integrator done", and stays (as agents do).
// Usage: integrator.mjs OUT CLI TASK_DIR
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const run = promisify(execFile);
const [out, cli, taskDir] = process.argv.slice(2);
/** Runs the CLI with --json; a failure says which command, how it ended and what it printed. */
const tmuxcodex = async (...args) => {
  const started = Date.now();
  try {
    return JSON.parse((await run(process.execPath, [cli, ...args, '--json'], { maxBuffer: 16 << 20 })).stdout);
  } catch (e) {
    throw new Error(`tmuxcodex ${args.join(' ')} failed after ${Date.now() - started} ms (exit ${e.code}): ${e.stderr || e.message}`);
  }
};

/** Writes OUT whole or not at all: the test reads it as soon as it exists. */
const report = (value) => {
  writeFileSync(`${out}.part`, JSON.stringify(value, null, 2));
  renameSync(`${out}.part`, out);
};

const names = ['child-1', 'child-2', 'child-3'];
try {
  const spawned = await Promise.all(names.map((name) => tmuxcodex('spawn', 'claude', '--name', name, '--wait-ready')));
  await Promise.all(names.map((name) => tmuxcodex('send', name, '--file', join(taskDir, `${name}.txt`))));
  const waited = await Promise.all(names.map((name) => tmuxcodex('wait', name, '--idle', '--timeout', '60')));
  const captures = await Promise.all(names.map((name) => tmuxcodex('capture', name, '--lines', '100')));
  report({ me: process.env.TMUXCODEX_AGENT_ID, spawned, waited, captures });
  process.stdout.write('integrator done\n');
} catch (e) {
  // The test reads this and shows it, rather than timing out with nothing to go on.
  report({ error: e.message });
  process.stdout.write(`integrator failed: ${e.message}\n`);
}
setInterval(() => {}, 1 << 30);
