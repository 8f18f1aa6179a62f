// The daemon's one control-mode connection: attach, subscribe, reap stale clients, reconnect, and a
// watchdog that replaces a connection that stopped answering.
import { EventEmitter } from 'node:events';
import { exactSession, tmux, type TmuxCommand, type TmuxServer } from './command.js';
import { tmuxOnce } from './binary.js';
import { ConnectionClosedError, ControlConnection, TmuxCommandError } from './control/connection.js';
import type { Notification } from './control/events.js';
import { SESSION_ID } from './formats.js';
import { reapStaleControlClients } from './reap.js';
import { failure } from '../errors.js';

export interface Subscription { name: string; what: string; format: string }

export interface LinkEvents {
  notification: [Notification];
  connected: [];
  disconnected: [string | null];
}

export { tmuxOnce } from './binary.js';
export { reapStaleControlClients } from './reap.js';

/** True if the server is running and has session. */
export async function sessionExists(server: TmuxServer, session: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await tmuxOnce(server, tmux.hasSession(session), env, 5000);
    return true;
  } catch {
    return false;
  }
}

export class TmuxLink extends EventEmitter<LinkEvents> {
  private conn: ControlConnection | null = null;
  private connecting: Promise<void> | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay = 250;
  /** The $N id of our session, to tell its renaming from another session's. */
  private sessionId: string | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  /** How often the connection is asked for a sign of life (TMUXCODEX_WATCHDOG_MS, for tests); it has four times that to answer, as a busy server is not a stalled one. */
  private readonly watchdogMs: number;

  constructor(readonly server: TmuxServer, readonly session: string, private readonly env: NodeJS.ProcessEnv,
    private readonly subscriptions: readonly Subscription[], private readonly log: (m: string) => void) {
    super();
    this.watchdogMs = Number(env.TMUXCODEX_WATCHDOG_MS) > 0 ? Number(env.TMUXCODEX_WATCHDOG_MS) : 5000;
  }

  get connected(): boolean {
    return this.conn?.isOpen ?? false;
  }

  /** Attaches to the session (which must exist); idempotent while connected. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.doConnect().finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    await reapStaleControlClients(this.server, this.env, this.log);
    const conn = await ControlConnection.open(this.server, this.session, { env: this.env });
    conn.on('notification', (n) => {
      // With detach-on-destroy off, killing our session moves the client to another session instead
      // of sending %exit; renaming it breaks our name. Either way we are no longer watching it.
      if ((n.type === 'session-changed' && n.name !== this.session) || (n.type === 'session-renamed' && n.name !== this.session && n.sessionId === this.sessionId)) {
        this.log(`session "${this.session}" is gone from this client (${n.type} ${n.name}); detaching`);
        void conn.close();
        return;
      }
      this.emit('notification', n);
    });
    conn.on('exit', (reason) => this.onExit(conn, reason));
    try {
      for (const s of this.subscriptions) await conn.run(tmux.subscribe(s.name, s.what, s.format));
    } catch (e) {
      await conn.close(); // never leave an attached client behind a failed connect
      throw e;
    }
    this.sessionId = SESSION_ID.first(await conn.run(tmux.display(exactSession(this.session), SESSION_ID.template)))?.sessionId ?? null;
    this.conn = conn;
    this.retryDelay = 250;
    this.log(`attached control client pid ${conn.pid} to session ${this.session}`);
    this.watch(conn);
    this.emit('connected');
  }

  /**
   * Asks the connection for a sign of life every watchdogMs. One that does not answer in 4x that (its
   * client process stopped, or stuck) is killed; the exit then reconnects, and tmux drops the old
   * client. Without this every later command would wait out its own timeout, forever.
   */
  private watch(conn: ControlConnection): void {
    if (this.watchdog) clearInterval(this.watchdog);
    let probing = false;
    this.watchdog = setInterval(() => {
      if (probing || conn !== this.conn || !conn.isOpen) return;
      probing = true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), 4 * this.watchdogMs); });
      // Only a reply is a sign of life (an error reply too); a command's own timeout is not.
      const answered = conn.run(tmux.display(exactSession(this.session), '')).then(() => 'ok' as const, (e) => (e instanceof TmuxCommandError || e instanceof ConnectionClosedError ? 'ok' as const : 'late' as const));
      void Promise.race([answered, late]).then((answer) => {
        clearTimeout(timer);
        probing = false;
        if (answer === 'late' && conn === this.conn && conn.isOpen) {
          this.log(`control client pid ${conn.pid} did not answer within ${4 * this.watchdogMs} ms; replacing it`);
          conn.kill();
        }
      });
    }, this.watchdogMs);
    this.watchdog.unref();
  }

  /** Runs one command over the control connection. */
  async run(command: TmuxCommand): Promise<string[]> {
    if (!this.connected) await this.connect();
    if (!this.conn) throw failure('TMUX_DISCONNECTED', 'The daemon is not connected to tmux.', 'Check that the tmux server is running.');
    return this.conn.run(command);
  }

  /** Detaches cleanly and stops reconnecting. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    await this.conn?.close();
  }

  private onExit(conn: ControlConnection, reason: string | null): void {
    if (conn !== this.conn) return;
    this.conn = null;
    this.log(`control client exited${reason ? `: ${reason}` : ''}`);
    this.emit('disconnected', reason);
    this.scheduleReconnect();
  }

  /** Re-attaches once the session is back (server restart); never creates a server by itself. */
  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = null;
      if (this.stopped || this.connected) return;
      if (await sessionExists(this.server, this.session, this.env)) {
        try {
          await this.connect();
          return;
        } catch (e) {
          this.log(`reconnect failed: ${(e as Error).message}`);
        }
      }
      this.retryDelay = Math.min(this.retryDelay * 2, 5000);
      this.scheduleReconnect();
    }, this.retryDelay);
  }
}
