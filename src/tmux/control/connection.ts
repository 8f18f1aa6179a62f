// One tmux control-mode client: sends single commands, matches replies first-in-first-out.
import { EventEmitter } from 'node:events';
import { startChild, type LongChild } from '../../proc/run.js';
import { controlClientArgv, toControlLine, type TmuxCommand, type TmuxServer } from '../command.js';
import { tmuxBinary, tmuxClientEnv } from '../binary.js';
import { ControlParser } from './parser.js';
import type { Notification, ReplyBlock } from './events.js';

/** tmux answered a command with %error. */
export class TmuxCommandError extends Error {
  constructor(readonly line: string, readonly output: string[]) {
    super(`tmux: ${output.join(' ').trim() || 'command failed'} (${line.slice(0, 120)})`);
    this.name = 'TmuxCommandError';
  }
}

/** The connection closed before a reply arrived. */
export class ConnectionClosedError extends Error {
  constructor(reason: string | null) {
    super(`tmux control connection closed${reason ? `: ${reason}` : ''}`);
    this.name = 'ConnectionClosedError';
  }
}

interface Pending {
  line: string;
  resolve: (lines: string[]) => void;
  reject: (e: Error) => void;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** The environment variable that marks a control client as ours, so a later daemon can reap it. */
export const CONTROL_OWNER_ENV = 'TMUXCODEX_CONTROL_OWNER';

export interface ConnectionEvents {
  notification: [Notification];
  exit: [string | null];
}

export class ControlConnection extends EventEmitter<ConnectionEvents> {
  private readonly parser = new ControlParser();
  private readonly pending: Pending[] = [];
  private partial: Buffer[] = [];
  private exitReason: string | null = null;
  private closed = false;
  private attached: { resolve: () => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly child: LongChild, readonly commandTimeoutMs: number) {
    super();
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.on('data', () => {}); // drained so tmux never blocks on it
    void child.exited.then(() => this.onClosed());
  }

  /** Attaches a control client to session; resolves once tmux has accepted the attach. */
  static async open(server: TmuxServer, session: string, opts: { commandTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ControlConnection> {
    const env: NodeJS.ProcessEnv = { ...tmuxClientEnv(opts.env ?? process.env), [CONTROL_OWNER_ENV]: String(process.pid) };
    const child = startChild(tmuxBinary(env), controlClientArgv(server, session), { env });
    const conn = new ControlConnection(child, opts.commandTimeoutMs ?? 10_000);
    await new Promise<void>((resolve, reject) => { conn.attached = { resolve, reject }; });
    return conn;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends one command and resolves with its output lines; rejects with TmuxCommandError on %error. */
  run(command: TmuxCommand): Promise<string[]> {
    const line = toControlLine(command);
    if (this.closed) return Promise.reject(new ConnectionClosedError(this.exitReason));
    return new Promise<string[]>((resolve, reject) => {
      const p: Pending = { line, resolve, reject, settled: false, timer: undefined };
      // On timeout the slot stays queued: the late reply must still be matched to it, not to the next command.
      p.timer = setTimeout(() => this.settle(p, new Error(`tmux did not answer within ${this.commandTimeoutMs} ms: ${line.slice(0, 120)}`)), this.commandTimeoutMs);
      this.pending.push(p);
      this.child.stdin.write(line + '\n');
    });
  }

  /** Ends a client that stopped answering: SIGKILL works even on a stopped process, and tmux then drops it. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Detaches by closing stdin (tmux's clean shutdown), then SIGTERMs the child if it lingers. */
  async close(graceMs = 2000): Promise<void> {
    if (this.closed) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), graceMs);
    await this.child.exited;
    clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, i);
      const line = this.partial.length ? Buffer.concat([...this.partial, piece]) : piece;
      this.partial = [];
      start = i + 1;
      for (const ev of this.parser.pushLine(line)) {
        if (ev.type === 'reply') this.onReply(ev);
        else if (ev.type === 'exit') this.exitReason = ev.reason;
        else this.emit('notification', ev);
      }
    }
    if (start < chunk.length) this.partial.push(Buffer.from(chunk.subarray(start)));
  }

  private onReply(block: ReplyBlock): void {
    if (block.flags !== 1) {
      // The attach command's own block (flags 0) tells whether the attach worked.
      if (this.attached) {
        const a = this.attached;
        this.attached = null;
        if (block.ok) a.resolve();
        else a.reject(new TmuxCommandError('attach-session', block.lines));
      }
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    this.settle(p, block.ok ? block.lines : new TmuxCommandError(p.line, block.lines));
  }

  private settle(p: Pending, result: string[] | Error): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const err = new ConnectionClosedError(this.exitReason);
    for (const p of this.pending.splice(0)) this.settle(p, err);
    if (this.attached) {
      this.attached.reject(new ConnectionClosedError(this.exitReason ?? 'tmux refused the attach'));
      this.attached = null;
    }
    this.emit('exit', this.exitReason);
  }
}
