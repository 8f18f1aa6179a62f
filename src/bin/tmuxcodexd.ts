#!/usr/bin/env node
// Daemon entry: `tmuxcodexd -L NAME|-S PATH [--session NAME] [--config FILE]` (started by the CLI).
import { parseArgs } from 'node:util';
import { resolveServer } from '../tmux/binary.js';
import { TmuxcodexError } from '../errors.js';
import { runDaemon } from '../daemon/main.js';

const { values } = parseArgs({ options: { 'socket-name': { type: 'string', short: 'L' }, 'socket-path': { type: 'string', short: 'S' }, session: { type: 'string' }, config: { type: 'string' } } });
try {
  const server = resolveServer({ socketName: values['socket-name'], socketPath: values['socket-path'] });
  const code = await runDaemon({ server, session: values.session ?? null, configFile: values.config ?? null, env: process.env });
  process.exit(code);
} catch (e) {
  process.stderr.write(`tmuxcodexd: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof TmuxcodexError ? e.exitCode : 1;
}
