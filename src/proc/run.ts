// The one subprocess runner: argv arrays only, a timeout always, a typed error on failure.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Milliseconds before the child is killed; required so nothing hangs forever. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Standard input; bytes where it carries file names that may not be valid UTF-8. */
  input?: string | Buffer;
  /** Exit codes that are results rather than failures (e.g. merge-tree's 1 on conflict). */
  okExitCodes?: readonly number[];
}

export interface RunResult {
  stdout: string;
  /** stdout as bytes (a blob that is not UTF-8). */
  stdoutBytes: Buffer;
  stderr: string;
  exitCode: number;
}

/** A child process that failed: carries the escaped command line, exit code and stderr. */
export class ProcessError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(command: string, exitCode: number | null, stderr: string, timedOut: boolean, cause?: unknown) {
    const why = timedOut ? 'timed out' : exitCode === null ? 'could not run' : `exited with ${exitCode}`;
    const tail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : '';
    super(`${command} ${why}${tail}`, cause === undefined ? undefined : { cause });
    this.name = 'ProcessError';
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.timedOut = timedOut;
  }
}

/** Quotes an argv for messages only (never executed). */
export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** After a timeout's SIGTERM, how long a child gets before SIGKILL. */
const KILL_GRACE_MS = 2000;

/**
 * Runs file with args (no shell) and returns its output; throws ProcessError on failure.
 * Written on node:child_process rather than execa: the daemon asks git dozens of questions per
 * update, and execa cost 1.3 ms more per call (4.5 vs 3.2 ms for `git --version`, measured) and
 * ~60 ms to load in each CLI process.
 */
export function run(file: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    let forceKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      forceKill = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, opts.timeoutMs);
    let spawnError: Error | undefined;
    child.once('error', (e) => { spawnError = e; });
    if (opts.input !== undefined && child.stdin) {
      // A child that exits without reading all its input is judged by its exit code, not EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
    child.once('close', (code) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      const stdoutBytes = Buffer.concat(out);
      const stdout = stdoutBytes.toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const ok = code === 0 || (code !== null && (opts.okExitCodes ?? []).includes(code));
      if (timedOut || spawnError || !ok) reject(new ProcessError(describeCommand(file, args), spawnError ? null : code, stderr, timedOut, spawnError));
      else resolve({ stdout, stdoutBytes, stderr, exitCode: code });
    });
  });
}

export interface FileRunResult { exitCode: number | null; timedOut: boolean }

/**
 * Runs a command with stdout and stderr both written to logFd, in order, in a process group of its
 * own, so a timeout ends everything it started (a test runner's workers too), not only the shell.
 */
export function runToFile(file: string, args: readonly string[], opts: { cwd: string; timeoutMs: number; logFd: number; env?: NodeJS.ProcessEnv }): Promise<FileRunResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', opts.logFd, opts.logFd], detached: true });
    const killGroup = (sig: NodeJS.Signals) => { try { if (child.pid) process.kill(-child.pid, sig); } catch { /* already gone */ } };
    let timedOut = false;
    let forceKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      forceKill = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, opts.timeoutMs);
    const done = (exitCode: number | null) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      // Whatever the command left running in its group goes with it.
      if (timedOut) killGroup('SIGKILL');
      resolve({ exitCode, timedOut });
    };
    child.once('error', () => done(null));
    child.once('exit', (code) => done(code));
  });
}

export interface LongChild {
  readonly pid: number | undefined;
  readonly stdin: NodeJS.WritableStream;
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  /** Resolves with the exit code (null if killed by a signal) once the child has exited. */
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts a long-lived child with piped stdio (for the tmux control client); no shell. */
export function startChild(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): LongChild {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env, cwd: opts.cwd });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    // 'close' comes after stdout has been fully read: the last replies and %exit are not lost.
    child.once('close', (code) => resolve(code));
  });
  // A failed write to a child that has gone is reported through `exited`, not as a crash.
  child.stdin.on('error', () => {});
  return {
    get pid() { return child.pid; },
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill: (signal = 'SIGTERM') => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); },
  };
}

export interface StartedDaemon {
  pid: number | undefined;
  /** Resolves with the exit code if the process ends while this one still runs. */
  exited: Promise<number | null>;
}

/** Starts a detached background process (the daemon) that outlives this one; no shell. */
export function startDetached(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; logFd?: number } = {}): StartedDaemon {
  const out = opts.logFd ?? 'ignore';
  const child = spawn(file, args, { detached: true, stdio: ['ignore', out, out], env: opts.env });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
  child.unref();
  return { pid: child.pid, exited };
}

/** Runs a program on this terminal (attach): stdio inherited; resolves with its exit code. */
export function runInteractive(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; forwardSignals?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env: opts.env });
    // SIGTERM/SIGHUP sent to us alone (not to the process group) reach the child too.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    const signals: NodeJS.Signals[] = opts.forwardSignals ? ['SIGTERM', 'SIGHUP'] : [];
    for (const s of signals) process.on(s, forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
