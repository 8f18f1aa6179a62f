// Coded, actionable errors. Only the CLI's top level prints them and sets the exit code.

export type ErrorKind = 'usage' | 'failed';

/** An error a user can act on: what went wrong, why, and what to do. */
export class TmuxcodexError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  /** 'usage' (bad input, exit 2) or 'failed' (the operation failed, exit 1). */
  readonly kind: ErrorKind;

  constructor(code: string, message: string, opts: { hint?: string; kind?: ErrorKind; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TmuxcodexError';
    this.code = code;
    this.hint = opts.hint;
    this.kind = opts.kind ?? 'usage';
  }

  get exitCode(): number {
    return this.kind === 'usage' ? 2 : 1;
  }

  toJSON(): { code: string; message: string; hint: string | null; kind: ErrorKind } {
    return { code: this.code, message: this.message, hint: this.hint ?? null, kind: this.kind };
  }
}

/** Bad input: exit code 2. */
export function usageError(code: string, message: string, hint?: string): TmuxcodexError {
  return new TmuxcodexError(code, message, { hint, kind: 'usage' });
}

/** The operation failed: exit code 1. */
export function failure(code: string, message: string, hint?: string, cause?: unknown): TmuxcodexError {
  return new TmuxcodexError(code, message, { hint, kind: 'failed', cause });
}

/** Rebuilds an error that crossed the daemon socket as JSON. */
export function errorFromJSON(e: { code: string; message: string; hint?: string | null; kind?: ErrorKind }): TmuxcodexError {
  return new TmuxcodexError(e.code, e.message, { hint: e.hint ?? undefined, kind: e.kind ?? 'failed' });
}
