// The one subprocess runner: argv arrays only, a timeout always, a typed error on failure.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Milliseconds before the child is killed; required so nothing hangs forever. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Exit codes that are results rather than failures (e.g. merge-tree's 1 on conflict). */
  okExitCodes?: readonly number[];
}

export interface RunResult {
  stdout: string;
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

/** Runs file with args (no shell) and returns its output; throws ProcessError on failure. */
export async function run(file: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  // Imported on first use: execa takes ~60 ms to load, more than Node's own start-up, and most
  // CLI commands never start a subprocess.
  const { execa } = await import('execa');
  const res = await execa(file, args, {
    timeout: opts.timeoutMs,
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.env === undefined,
    input: opts.input,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
  });
  const exitCode = typeof res.exitCode === 'number' ? res.exitCode : null;
  const ok = exitCode === 0 || (exitCode !== null && (opts.okExitCodes ?? []).includes(exitCode));
  if (res.timedOut || !ok || res.failed && exitCode === null) {
    throw new ProcessError(describeCommand(file, args), exitCode, String(res.stderr ?? ''), Boolean(res.timedOut), res.cause);
  }
  return { stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? ''), exitCode: exitCode ?? 0 };
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
