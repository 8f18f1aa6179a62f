// The CLI's side of the daemon socket: connect (starting the daemon on demand), request, stream events.
import { connect, type Socket } from 'node:net';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorFromJSON, failure, usageError } from '../errors.js';
import { startDetached, type StartedDaemon } from '../proc/run.js';
import { checkTmux } from '../tmux/binary.js';
import { checkPrivateDir, daemonPaths, ensurePrivateDir, LineSplitter, type DaemonPaths, type DaemonEvent, type Method, type Params, type Response, type Result } from '../daemon/protocol.js';
import { DAEMON_ENTRY, VERSION } from '../version.js';
import type { TmuxServer } from '../tmux/command.js';
import { makeWritableDir } from '../fs/writable-dir.js';

export interface ClientTarget {
  server: TmuxServer & { socketPath: string };
  configFile: string | null;
  session: string | null;
  env: NodeJS.ProcessEnv;
}

/** The daemon program and its arguments for target's tmux server (the CLI starts it; `daemon run` too). */
export function daemonArgv(target: ClientTarget): string[] {
  const s = target.server;
  const args = [DAEMON_ENTRY, ...(s.socketName ? ['-L', s.socketName] : ['-S', s.socketPath])];
  // --opt=value: a value starting with '-' must not be read as an option.
  if (target.session) args.push(`--session=${target.session}`);
  if (target.configFile) args.push(`--config=${target.configFile}`);
  return args;
}

/** Opens the unix socket, or null if nothing listens there (missing or stale). */
function openSocket(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(null));
  });
}

function readToken(paths: DaemonPaths): string | null {
  try {
    return readFileSync(paths.token, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The last lines of the daemon log, for start failures. */
function logTail(paths: DaemonPaths, lines = 5): string {
  try {
    return readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no daemon log)';
  }
}

export class DaemonClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly eventHandlers: Array<(e: DaemonEvent) => void> = [];
  private readonly closedPromise: Promise<void>;
  private isClosed = false;
  /** What the daemon said in hello: its version (may differ when connected with anyVersion) and pid. */
  daemonVersion: string = VERSION;
  daemonPid: number | null = null;

  private constructor(private readonly socket: Socket, readonly paths: DaemonPaths, readonly token: string) {
    socket.setEncoding('utf8');
    const splitter = new LineSplitter();
    socket.on('data', (chunk: string) => {
      for (const line of splitter.push(chunk)) this.onLine(line);
    });
    this.closedPromise = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      for (const w of this.waiting.values()) w.reject(failure('DAEMON_HUNG_UP', 'The daemon closed the connection before answering.', `See the daemon log: ${paths.log}`));
      this.waiting.clear();
      resolve();
    }));
    socket.on('error', () => {});
  }

  /** Connects to the daemon of target's tmux server, starting it first when autostart is set. */
  static async connect(target: ClientTarget, opts: { autostart: boolean; anyVersion?: boolean; clientName?: string }): Promise<DaemonClient> {
    const paths = daemonPaths(target.server.socketPath, target.env);
    let client = await DaemonClient.tryConnect(paths);
    if (!client) {
      if (!opts.autostart) throw failure('DAEMON_NOT_RUNNING', 'The tmuxcodex daemon is not running for this tmux server.', 'Start it with `tmuxcodex daemon start` (any other command starts it too).');
      client = await DaemonClient.waitForDaemon(paths, await DaemonClient.start(target, paths));
    }
    const greet = (c: DaemonClient) => c.request('hello', { token: c.token, version: VERSION, ...(opts.clientName ? { client: opts.clientName } : {}) });
    let hello: Result<'hello'>;
    try {
      hello = await greet(client);
    } catch (e) {
      // The token read was a killed daemon's, and the daemon that answered (started meanwhile, by
      // another command or a sidebar) has published its own since: greet that one, once. Anyone
      // who cannot read the token file gets the same refusal again.
      const fresh = readToken(paths);
      if (!(e instanceof Error && (e as { code?: string }).code === 'UNAUTHORIZED') || !fresh || fresh === client.token) throw e;
      client.close();
      const again = await DaemonClient.tryConnect(paths);
      if (!again) throw e;
      client = again;
      hello = await greet(client);
    }
    client.daemonVersion = hello.version;
    client.daemonPid = hello.pid;
    // `daemon status` and `daemon stop` pass anyVersion: they must reach a daemon of another version.
    if (hello.version !== VERSION && !opts.anyVersion) {
      client.close();
      throw usageError('DAEMON_VERSION_MISMATCH', `A tmuxcodex daemon of version ${hello.version} (pid ${hello.pid}) runs for this tmux server; this CLI is version ${VERSION}.`,
        'Stop it with `tmuxcodex daemon stop` (agents keep running; the new daemon rebuilds its registry from tmux).');
    }
    return client;
  }

  private static async tryConnect(paths: DaemonPaths): Promise<DaemonClient | null> {
    // Nothing is read from the folder, nor sent to its socket, unless it is ours alone: a folder
    // (or symlink) another user planted at /tmp/tmuxcodex-UID would get our requests and secrets.
    if (!checkPrivateDir(paths.runtimeDir)) return null;
    // The token is read before connecting: a daemon publishes it only once it listens.
    const token = readToken(paths);
    if (!token) return null;
    const socket = await openSocket(paths.socket);
    return socket ? new DaemonClient(socket, paths, token) : null;
  }

  /** Starts the daemon in the background with its output going to the daemon log. */
  private static async start(target: ClientTarget, paths: DaemonPaths): Promise<StartedDaemon> {
    await checkTmux(target.env); // a missing or old tmux is the user's to fix: say so here, not in a log
    ensurePrivateDir(paths.runtimeDir);
    makeWritableDir(paths.stateDir, 'the state folder (journal and log)');
    const fd = openSync(paths.log, 'a', 0o600);
    try {
      return startDetached(process.execPath, daemonArgv(target), { env: target.env, logFd: fd });
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Waits (with a deadline) until a daemon answers on the socket: ours, or a racing starter's.
   * If ours exits first, its exit code says why: 2 is bad input (a broken config), 3 means another
   * daemon holds the lock (keep waiting for that one), anything else is a failure.
   */
  private static async waitForDaemon(paths: DaemonPaths, started: StartedDaemon): Promise<DaemonClient> {
    const deadline = Date.now() + 10_000;
    let exitCode: number | null | undefined;
    void started.exited.then((code) => { exitCode = code; });
    while (Date.now() < deadline) {
      const c = await DaemonClient.tryConnect(paths);
      if (c) return c;
      if (exitCode !== undefined && exitCode !== 3) {
        const tail = logTail(paths);
        if (exitCode === 2) throw usageError('DAEMON_BAD_INPUT', `The daemon refused to start:\n${tail}`, `Fix what it says; the full log is ${paths.log}.`);
        throw failure('DAEMON_START_FAILED', `The daemon exited with ${exitCode ?? 'a signal'} while starting. Its log ends with:\n${tail}`, `Full log: ${paths.log}`);
      }
      await sleep(20);
    }
    throw failure('DAEMON_START_FAILED', `The daemon did not start within 10 s. Its log ends with:\n${logTail(paths)}`, `Full log: ${paths.log}`);
  }

  /** Sends one request and resolves with its result; daemon errors come back as TmuxcodexError. */
  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    if (this.isClosed) return Promise.reject(failure('DAEMON_HUNG_UP', 'The daemon closed the connection.', `See the daemon log: ${this.paths.log}`));
    return new Promise<Result<M>>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  /** Registers a handler for pushed events (after a `subscribe` request). */
  onEvent(handler: (e: DaemonEvent) => void): void {
    this.eventHandlers.push(handler);
  }

  get closed(): Promise<void> {
    return this.closedPromise;
  }

  close(): void {
    this.socket.end();
  }

  private onLine(line: string): void {
    let msg: Response | DaemonEvent;
    try {
      msg = JSON.parse(line) as Response | DaemonEvent;
    } catch {
      return;
    }
    if ('event' in msg) {
      for (const h of this.eventHandlers) h(msg);
      return;
    }
    const w = this.waiting.get(msg.id);
    if (!w) {
      if ('error' in msg) for (const x of this.waiting.values()) x.reject(errorFromJSON(msg.error));
      return;
    }
    this.waiting.delete(msg.id);
    if ('error' in msg) w.reject(errorFromJSON(msg.error));
    else w.resolve(msg.result);
  }
}
