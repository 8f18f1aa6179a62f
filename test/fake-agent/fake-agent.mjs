#!/usr/bin/env node
// A fake agent CLI for tests: prints a banner and a prompt, echoes each line it reads, and exits
// with the code given on a line "exit N" (or on "quit" with 0). It behaves like an agent in a pane:
// it waits for input and prints, nothing more. Usage: fake-agent.mjs [--name N] [TASK...]
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const task = args.filter((a) => a !== '--').join(' ');
process.stdout.write(`fake-agent ready (pid ${process.pid})${task ? ` task: ${task}` : ''}\n> `);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const m = /^exit (\d+)$/.exec(line.trim());
  if (m) process.exit(Number(m[1]));
  if (line.trim() === 'quit') process.exit(0);
  process.stdout.write(`echo: ${line}\n> `);
});
rl.on('close', () => process.exit(0));
