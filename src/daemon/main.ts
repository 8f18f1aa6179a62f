// The daemon process: lock, token, socket, control connection, registry; graceful shutdown on SIGTERM.
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { checkTmux } from '../tmux/binary.js';
import type { TmuxServer } from '../tmux/command.js';
import { loadConfig, userConfigPath } from '../config/load.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { TmuxcodexError, usageError } from '../errors.js';
import { sessionNameProblem } from '../core/naming.js';
import { CLI_ENTRY, VERSION } from '../version.js';
import { acquireLock, readLockPid, releaseLock } from './lock.js';
import { holdSocketLock } from './socket-lock.js';
import { daemonPaths, ensurePrivateDir } from './paths.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { Registry } from './store/registry.js';
import { DaemonServer } from './server.js';
import { closeContext, createContext, type DaemonContext } from './context.js';
import { dispatch, isMethod } from './methods/table.js';
import { startDaemon } from './methods/recover.js';
import { signal } from './methods/signal.js';
import { freshWhenDue } from './methods/fresh.js';
import { makeWritableDir } from '../fs/writable-dir.js';

/** How often a journal that could not be written is tried again (a put also tries). */
const JOURNAL_RETRY_MS = 5000;

export interface DaemonOptions {
  server: TmuxServer & { socketPath: string };
  session: string | null;
  configFile: string | null;
  env: NodeJS.ProcessEnv;
}

/** Runs the daemon until SIGTERM/SIGINT or a stop request. Returns the exit code. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const paths = daemonPaths(opts.server.socketPath, opts.env);
  ensurePrivateDir(paths.runtimeDir);
  makeWritableDir(paths.stateDir, 'the state folder (journal and log)');
  const log = (m: string) => { try { appendFileSync(paths.log, `${new Date().toISOString()} [${process.pid}] ${m}\n`, { mode: 0o600 }); } catch { /* log is best effort */ } };

  // The socket lock settles races between daemons starting at once; the pid file says who holds it.
  const holder = (await holdSocketLock(paths.lockSocket)) ? await acquireLock(paths.lock) : (readLockPid(paths.lock) ?? -1);
  if (holder !== null) {
    log(`not starting: daemon pid ${holder} already holds ${paths.lock}`);
    return 3;
  }
  let server: DaemonServer | null = null;
  let ctx: DaemonContext | null = null;
  let stopping: Promise<void> | null = null;
  /** Stops; filesOurs false leaves socket and token alone (another daemon may have them now). */
  const shutdown = (why: string, filesOurs = true) => {
    stopping ??= (async () => {
      log(`stopping: ${why}`);
      server?.broadcast({ event: 'daemon-stopping' });
      if (ctx) await closeContext(ctx).catch((e: Error) => log(`stopping the watchers and the tmux link: ${e.message}`));
      // Closing a listening socket unlinks its path (Node does), which may be another daemon's now:
      // then the process just exits, and the kernel closes the socket without touching the path.
      if (filesOurs) await server?.close().catch((e: Error) => log(`closing the socket: ${e.message}`));
      if (filesOurs) try { unlinkSync(paths.token); } catch { /* gone */ }
      releaseLock(paths.lock);
    })();
    return stopping;
  };
  try {
    const tmuxVersion = await checkTmux(opts.env);
    const notices: string[] = [];
    // A broken config must not keep the daemon (and so every agent's tracking) down: it starts
    // with the defaults, keeps a copy of the file as it was, and says so. Commands that read the
    // config still refuse it with file:line:col, so the person sees what to fix.
    const config = await loadConfig({ configFile: opts.configFile, env: opts.env }).then((r) => r.config, (e: Error) => {
      const file = opts.configFile ?? userConfigPath(opts.env);
      const copy = join(paths.stateDir, `config.bad-${new Date().toISOString().replace(/[:.]/g, '-')}.yaml`);
      try { copyFileSync(file, copy); chmodSync(copy, 0o600); } catch { /* reported below all the same */ }
      notices.push(`the config could not be used (${e.message.split('\n')[0]}); the daemon runs with the defaults (fix the file, then \`tmuxcodex daemon stop\` so the next command starts it again), and a copy of the file is at ${copy}`);
      return DEFAULT_CONFIG;
    });
    const session = opts.session ?? config.session;
    const sessionProblem = sessionNameProblem(session);
    if (sessionProblem) throw usageError('BAD_SESSION_NAME', `Session name "${session}" is not allowed: ${sessionProblem}.`);
    const token = randomBytes(24).toString('hex');
    const registry = new Registry(paths.journal, (problem) => log(problem ?? `the journal ${paths.journal} is written again`));
    if (registry.journalProblem) notices.push(registry.journalProblem);
    // The start's notices, and the journal's write problem while it lasts (tried again every few seconds).
    const currentNotices = () => (registry.journalWriteProblem ? [...notices, registry.journalWriteProblem] : notices);
    const journalRetry = setInterval(() => { if (registry.journalWriteProblem) registry.save(); }, JOURNAL_RETRY_MS);
    journalRetry.unref();
    for (const n of notices) log(`notice: ${n}`);
    // Requests about agents wait for the start (the registry rebuilt from tmux); hello, status and stop do not.
    let markStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => { markStarted = resolve; });
    const daemon = {
      version: VERSION, socket: paths.socket, tmuxSocket: opts.server.socketPath, tmuxVersion, notices: currentNotices, started,
      requestStop: () => setImmediate(() => void shutdown('stop request').then(() => process.exit(0))),
    };
    const c: DaemonContext = createContext(registry, {
      server: opts.server, session, env: opts.env, layout: config.layout, log, stateDir: paths.stateDir, hookDir: paths.hooks, settings: { thresholds: config.thresholds, notify: config.notify },
      sidebar: { kind: 'argv', argv: [process.execPath, CLI_ENTRY, '-S', opts.server.socketPath, 'sidebar'] },
    }, daemon, { signal: (s) => signal(c, s), freshDue: (due) => freshWhenDue(c, due) });
    ctx = c;
    // A token left by a daemon that was killed must not be read as ours while we start listening.
    try { unlinkSync(paths.token); } catch { /* none left */ }
    server = new DaemonServer(paths.socket, token, { knows: isMethod, handle: (method, params, client) => dispatch(c, method, params, client) }, log);
    for (const ev of ['added', 'updated', 'removed'] as const) registry.on(ev, (agent) => server!.broadcast({ event: `agent-${ev}`, agent }));
    registry.on('journal', (problem) => server!.broadcast({ event: 'journal', problem }));
    c.watch.attention.on('attention', (a) => server!.broadcast({ event: 'agent-attention', agent: a.agent, kind: a.kind, text: a.text }));
    await server.listen();
    // The token is published last: a client that can read it finds a socket ready to answer.
    writeFileAtomic(paths.token, token);
    log(`daemon ${VERSION} listening on ${paths.socket} for tmux ${opts.server.socketPath} (${tmuxVersion}), session ${session}`);
    await startDaemon(c).finally(markStarted);
  } catch (e) {
    log(`start failed: ${e instanceof TmuxcodexError ? e.message : (e as Error).stack}`);
    await shutdown('start failed');
    throw e;
  }
  return new Promise<number>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig).then(() => resolve(0)));
    // A daemon whose socket was removed (its runtime folder cleaned, or taken by another daemon) can
    // never be reached again: it stops, rather than watching tmux for nobody until the machine restarts.
    const socketInode = statSync(paths.socket).ino;
    const orphanCheck = setInterval(() => {
      let ino: number | null = null;
      try { ino = statSync(paths.socket).ino; } catch { /* gone */ }
      if (ino === socketInode) return;
      clearInterval(orphanCheck);
      void shutdown(`its socket ${paths.socket} was removed or replaced`, false).then(() => resolve(0));
    }, 5000);
    orphanCheck.unref();
  });
}
