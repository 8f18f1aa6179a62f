// The daemon's unix socket: JSON-lines requests, responses and an event stream, token-checked.
import { createServer, type Server, type Socket } from 'node:net';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { TmuxcodexError } from '../errors.js';
import { LineSplitter, type DaemonEvent, type ErrorPayload, type Method, type Request, type Response } from './protocol.js';

/** What answers requests: which methods exist (methods/table.ts), and the answer to one. */
export interface Handler {
  knows(method: unknown): method is Method;
  handle(method: Method, params: unknown, client: ClientConn): Promise<unknown>;
}

export interface ClientConn {
  readonly socket: Socket;
  authed: boolean;
  subscribed: boolean;
  /** Resolves when the client disconnects (long requests such as `wait` race against it). */
  readonly closed: Promise<void>;
}

/** Compares two tokens in constant time. */
function tokenMatches(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function errorPayload(e: unknown): ErrorPayload {
  if (e instanceof TmuxcodexError) return e.toJSON();
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e), hint: 'See the daemon log (tmuxcodex daemon status).', kind: 'failed' };
}

export class DaemonServer {
  private server: Server | null = null;
  private readonly clients = new Set<ClientConn>();

  constructor(private readonly socketPath: string, private readonly token: string, private readonly handler: Handler, private readonly log: (msg: string) => void) {}

  /** Binds the socket (replacing a stale file: the caller holds the lock) and makes it 0600. */
  async listen(): Promise<void> {
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
    const server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // umask-independent: chmod right after bind, before the token is published.
      server.listen(this.socketPath, () => resolve());
    });
    chmodSync(this.socketPath, 0o600);
    this.server = server;
  }

  /** Sends an event to every subscribed client. */
  broadcast(event: DaemonEvent): void {
    const line = JSON.stringify(event) + '\n';
    for (const c of this.clients) if (c.subscribed && !c.socket.destroyed) c.socket.write(line);
  }

  /** Stops accepting, ends every client (destroying those that do not hang up) and removes the socket. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    for (const c of this.clients) c.socket.end();
    // A stopped client (Ctrl-Z) never closes its end; server.close() would wait for it forever.
    await Promise.race([Promise.all([...this.clients].map((c) => c.closed)), new Promise((r) => setTimeout(r, 200))]);
    for (const c of this.clients) c.socket.destroy();
    await closed;
    try { unlinkSync(this.socketPath); } catch { /* already gone */ }
  }

  private accept(socket: Socket): void {
    let onClose!: () => void;
    const client: ClientConn = { socket, authed: false, subscribed: false, closed: new Promise<void>((r) => (onClose = r)) };
    this.clients.add(client);
    socket.setEncoding('utf8');
    const splitter = new LineSplitter();
    socket.on('data', (chunk: string) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (e) {
        this.reply(socket, { id: 0, error: errorPayload(e) });
        socket.destroy();
        return;
      }
      for (const line of lines) void this.handleLine(client, line);
    });
    // A client that vanished mid-write (EPIPE, ECONNRESET): 'close' follows and forgets it.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.clients.delete(client);
      onClose();
    });
  }

  private async handleLine(client: ClientConn, line: string): Promise<void> {
    let req: Request;
    try {
      req = JSON.parse(line) as Request;
      if (typeof req !== 'object' || req === null || typeof req.id !== 'number' || !this.handler.knows(req.method)) throw new Error('not a request');
    } catch {
      this.reply(client.socket, { id: 0, error: { code: 'BAD_REQUEST', message: 'The daemon received a line that is not a request.', hint: null, kind: 'usage' } });
      return;
    }
    if (!client.authed) {
      const p = req.params as { token?: unknown };
      if (req.method !== 'hello' || typeof p?.token !== 'string' || !tokenMatches(p.token, this.token)) {
        this.log('refused a client without a valid token');
        this.reply(client.socket, { id: req.id, error: { code: 'UNAUTHORIZED', message: 'The daemon refused this connection: no valid token.', hint: 'Only the user who started the daemon can talk to it.', kind: 'usage' } });
        client.socket.end();
        return;
      }
      client.authed = true;
    }
    try {
      const result = await this.handler.handle(req.method, req.params ?? {}, client);
      this.reply(client.socket, { id: req.id, result });
    } catch (e) {
      if (!(e instanceof TmuxcodexError)) this.log(`request ${req.method} failed: ${(e as Error).stack ?? e}`);
      this.reply(client.socket, { id: req.id, error: errorPayload(e) });
    }
  }

  private reply(socket: Socket, res: Response): void {
    if (!socket.destroyed) socket.write(JSON.stringify(res) + '\n');
  }
}
