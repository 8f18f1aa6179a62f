#!/usr/bin/env node
// CLI entry: parse global flags and the command, run it, turn errors into messages and exit codes.
import { GLOBAL_OPTIONS, asksForJson, findCommandWord, parseArgv, type OptionSpecs } from '../cli/args.js';
import { allCommands, isCommandWord, loadCommand, unknownCommand } from '../cli/command-table.js';
import { reportError } from '../cli/output.js';
import { usageError } from '../errors.js';
import { resolveServer } from '../tmux/binary.js';
import { DaemonClient } from '../cli/client.js';
import type { Command, CommandContext } from '../cli/command.js';
import { VERSION } from '../version.js';
import { sessionNameProblem } from '../core/naming.js';

function optionHelp(specs: OptionSpecs): string {
  return Object.entries(specs).map(([name, s]) => `  ${s.short ? `-${s.short}, ` : '    '}--${name}${s.arg ? ` ${s.arg}` : ''}`.padEnd(34) + s.help).join('\n');
}

async function help(command: Command | null): Promise<string> {
  if (command) return `usage: tmuxcodex ${command.usage}\n\n${command.summary}\n${Object.keys(command.options).length ? `\n${optionHelp(command.options)}\n` : ''}\nglobal options:\n${optionHelp(GLOBAL_OPTIONS)}\n`;
  const cmds = await allCommands();
  return `tmuxcodex ${VERSION}: run many coding agents side by side in tmux\n\nusage: tmuxcodex [-L NAME | -S PATH] [--config FILE] [--json] COMMAND ...\n\n` +
    cmds.map((c) => `  ${c.usage.split(' ')[0]!.padEnd(Math.max(...cmds.map((x) => x.usage.split(' ')[0]!.length)) + 2)}${c.summary}`).join('\n') + `\n\nglobal options:\n${optionHelp(GLOBAL_OPTIONS)}\n\nRun \`tmuxcodex COMMAND --help\` for a command's options; \`tmuxcodex help agents\` for a guide to driving agents from an agent.\n`;
}

async function main(argv: string[]): Promise<number> {
  const first = findCommandWord(argv);
  if (first === null && (argv.includes('--version') || argv.includes('-V'))) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // An unknown command is the mistake to report, before options it does not have are judged.
  if (first !== null && !isCommandWord(first)) throw unknownCommand(first);
  const command = first ? await loadCommand(first) : null;
  let parsed;
  try {
    parsed = parseArgv(argv, () => command?.options ?? null);
  } catch (e) {
    throw command ? (await import('../cli/sub-action.js')).subActionErrorOr(e, command, argv) : e;
  }
  if (parsed.command === 'help' && parsed.positionals[0] === 'agents') {
    process.stdout.write((await import('../cli/guides/agents.js')).AGENTS_GUIDE);
    return 0;
  }
  const helpTopic = parsed.command === 'help' ? parsed.positionals[0] : undefined;
  if (helpTopic !== undefined && !isCommandWord(helpTopic)) throw unknownCommand(helpTopic);
  if (parsed.options.help || parsed.command === 'help' || parsed.command === null) {
    process.stdout.write(await help(parsed.command === 'help' ? await loadCommand(parsed.positionals[0] ?? '') : command));
    return parsed.command === null && !parsed.options.help ? 2 : 0;
  }
  if (!command) throw unknownCommand(parsed.command);
  const o = parsed.options;
  if (o['socket-name'] && o['socket-path']) throw usageError('TWO_SERVERS', 'Give either -L NAME or -S PATH, not both.');
  const env = process.env;
  const server = resolveServer({ socketName: o['socket-name'] as string | undefined, socketPath: o['socket-path'] as string | undefined }, env);
  const session = o.session as string | undefined;
  const sessionProblem = session === undefined ? null : sessionNameProblem(session);
  if (sessionProblem) throw usageError('BAD_SESSION_NAME', `Session name "${session}" is not allowed: ${sessionProblem}.`, 'Pick another --session.');
  const target = { server, configFile: (o.config as string | undefined) ?? null, session: (o.session as string | undefined) ?? null, env };
  const clients: DaemonClient[] = [];
  const ctx: CommandContext = {
    options: o, positionals: parsed.positionals, json: o.json === true, target, cwd: process.cwd(), env,
    daemon: async (opts) => {
      const client = await DaemonClient.connect(target, { autostart: opts?.autostart ?? true, anyVersion: opts?.anyVersion ?? false, clientName: command.name });
      clients.push(client);
      return client;
    },
    commands: allCommands,
  };
  try {
    return (await command.run(ctx)) ?? 0;
  } finally {
    // An open socket would keep the process alive after an error.
    for (const c of clients) c.close();
  }
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => { process.exitCode = code; },
  async (e) => {
    const first = findCommandWord(argv);
    const command = first ? await loadCommand(first).catch(() => null) : null;
    process.exitCode = reportError(e, asksForJson(argv, () => command?.options ?? null));
  },
);
