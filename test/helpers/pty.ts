// Runs a program on a real pseudo-terminal (node-pty), as a person's SSH login or terminal would.
import * as pty from '@lydell/node-pty';

export interface PtyExit { exitCode: number; signal: number | undefined }

export interface PtyRun {
  readonly pid: number;
  /** Everything the program wrote to the terminal so far. */
  output(): string;
  /** Types into the terminal (e.g. '\x02d' for C-b d). */
  write(data: string): void;
  /** Resolves once the program has exited. */
  readonly exited: Promise<PtyExit>;
  /** True once the program has exited. */
  hasExited(): boolean;
  /** Hangs up the terminal if the program still runs (cleanup after a failed test). */
  kill(): void;
}

/** Starts file with args on a pty of cols x rows; env is used as given (TERM defaults to xterm-256color). */
export function startPty(file: string, args: readonly string[], opts: { cols: number; rows: number; cwd: string; env: NodeJS.ProcessEnv }): PtyRun {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  env.TERM ??= 'xterm-256color';
  const p = pty.spawn(file, [...args], { name: env.TERM, cols: opts.cols, rows: opts.rows, cwd: opts.cwd, env });
  let out = '';
  let done = false;
  p.onData((d) => { out += d; });
  const exited = new Promise<PtyExit>((resolve) => p.onExit((e) => { done = true; resolve({ exitCode: e.exitCode, signal: e.signal }); }));
  return {
    pid: p.pid,
    output: () => out,
    write: (data) => p.write(data),
    exited,
    hasExited: () => done,
    kill: () => { if (!done) { try { p.kill('SIGHUP'); } catch { /* gone */ } } },
  };
}
