// `send AGENT TEXT|-`: give an agent text (multi-line text as one paste), then Enter.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { flag, str } from '../command.js';
import { usageError } from '../../errors.js';
import { decodeUtf8 } from '../../fs/utf8.js';
import { printJson } from '../output.js';
import { daemonForAgent } from '../read-only.js';
import { agentArg } from '../agent-arg.js';

/** The text to send: TEXT, --file F, or standard input when TEXT is "-". */
async function sendText(ctx: CommandContext): Promise<string> {
  const given = ctx.positionals[1];
  const file = str(ctx, 'file');
  if (given !== undefined && file !== null) throw usageError('TEXT_TWICE', 'Give the text either as TEXT or with --file, not both.');
  if (file !== null) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(resolve(ctx.cwd, file));
    } catch (e) {
      throw usageError('TEXT_FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`);
    }
    return decodeUtf8(bytes, `The file ${file}`);
  }
  if (given === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return decodeUtf8(Buffer.concat(chunks), 'Standard input');
  }
  if (given === undefined) throw usageError('MISSING_TEXT', 'send needs the TEXT to type (or --file F, or - for standard input).', 'Example: tmuxcodex send a1 "run the tests"');
  return given;
}

export const send: Command = {
  name: 'send',
  usage: 'send AGENT TEXT|- [--file F] [--no-enter] [--when-idle] [--keys]',
  summary: 'give the agent TEXT (multi-line text as one paste), then Enter',
  options: {
    'no-enter': { type: 'boolean', help: 'give the text without pressing Enter' },
    file: { type: 'string', arg: 'F', help: 'send the contents of file F' },
    'when-idle': { type: 'boolean', help: 'hold the text until the agent\'s current turn ends (a Codex agent\'s queue does this itself)' },
    keys: { type: 'boolean', help: 'type the text even where codex queue could take it (to answer what is on the screen)' },
  },
  async run(ctx) {
    const agent = agentArg(ctx, 1);
    const text = await sendText(ctx);
    const client = await daemonForAgent(ctx, agent);
    const res = await client.request('send', { agent, text, enter: !flag(ctx, 'no-enter'), whenIdle: flag(ctx, 'when-idle'), keys: flag(ctx, 'keys') });
    client.close();
    if (ctx.json) printJson(res);
  },
};
