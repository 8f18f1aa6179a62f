// What every command module exports, and the context it runs with.
import type { OptionSpecs, OptionValues } from './args.js';
import { DaemonClient, type ClientTarget } from './client.js';

export interface CommandContext {
  options: OptionValues;
  positionals: string[];
  json: boolean;
  target: ClientTarget;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A connection to the daemon, started on demand unless autostart is false. */
  daemon(opts?: { autostart?: boolean; anyVersion?: boolean }): Promise<DaemonClient>;
  /** Every command of the command table (for completion): the table imports the commands, never the other way. */
  commands(): Promise<Command[]>;
}

export interface Command {
  name: string;
  aliases?: readonly string[];
  usage: string;
  summary: string;
  options: OptionSpecs;
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>;
}

/** Reads a string option. */
export function str(ctx: CommandContext, name: string): string | null {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : null;
}

/** Reads a boolean option. */
export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}
