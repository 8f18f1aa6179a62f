// The user's base folders (XDG), always absolute: a relative one would be resolved against the
// working folder, often a repository, whose own files would then pass for the user's config,
// approvals or logs (HOME unset under env -i, cron or a service; XDG_*=relative).
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** An absolute value of the variable, or null (unset, empty or relative: the XDG spec says ignore it). */
const absolute = (v: string | undefined): string | null => (v && isAbsolute(v) ? v : null);

/** $HOME, else the account's home from the password database. */
export function homeDir(env: NodeJS.ProcessEnv): string {
  return absolute(env.HOME) ?? userInfo().homedir;
}

/** $XDG_CONFIG_HOME, else ~/.config. */
export function configHome(env: NodeJS.ProcessEnv): string {
  return absolute(env.XDG_CONFIG_HOME) ?? join(homeDir(env), '.config');
}

/** $XDG_STATE_HOME, else ~/.local/state. */
export function stateHome(env: NodeJS.ProcessEnv): string {
  return absolute(env.XDG_STATE_HOME) ?? join(homeDir(env), '.local', 'state');
}
