// Agent names and ids: validation and defaults. Pure.
import { randomBytes } from 'node:crypto';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;

/** Why a name is not acceptable, or null when it is. Names become branch and folder names later. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (!NAME.test(name)) return 'a name is 1-48 characters of letters, digits, ".", "_" and "-", starting with a letter or digit';
  if (name.endsWith('.lock') || name.endsWith('.') || name.includes('..') || name === 'HEAD') return 'a name may not be "HEAD", contain "..", or end in "." or ".lock" (it becomes a branch name)';
  if (/^[0-9a-f]{8}$/.test(name)) return 'a name of 8 hex digits would be mistaken for an agent id';
  return null;
}

/** The first free name of the form PROFILE-N. */
export function defaultName(profile: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const candidate = `${profile}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A new agent id: 8 hex digits, unique enough per server and short enough to type. */
export function newAgentId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.has(id)) return id;
  }
}

/** Session names stay simple: tmux rewrites ':' and '.', and they appear in targets. */
export function sessionNameProblem(name: string): string | null {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? null : 'a session name is 1-64 letters, digits, "_" or "-"';
}
