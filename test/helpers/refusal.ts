// Catching the refusal a test expects: the TmuxcodexError thrown, to look at its code and message.
import { expect } from 'vitest';
import { TmuxcodexError } from '../../src/errors.js';

/** The error fn throws (it must be a TmuxcodexError); fails the test when fn does not throw. */
export function refusal(fn: () => unknown): TmuxcodexError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxcodexError);
    return e as TmuxcodexError;
  }
  throw new Error('expected a refusal');
}

/** The same for a promise: the TmuxcodexError it rejects with. */
export async function asyncRefusal(p: Promise<unknown>): Promise<TmuxcodexError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxcodexError);
    return e as TmuxcodexError;
  }
  throw new Error('expected a refusal');
}
