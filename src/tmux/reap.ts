// Reaping control clients that a dead daemon of ours left attached (the tmux link does it before
// each connect).
import { readFileSync } from 'node:fs';
import { tmux, type TmuxServer } from './command.js';
import { tmuxOnce } from './binary.js';
import { CONTROL_OWNER_ENV } from './control/connection.js';
import { CLIENT_PIDS } from './formats.js';
import { processAlive } from '../proc/alive.js';

/** The owner pid recorded in a process's environment, if it is a control client of ours. */
function controlOwner(pid: number): number | null {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const entry = env.find((e) => e.startsWith(`${CONTROL_OWNER_ENV}=`));
    return entry ? Number(entry.slice(CONTROL_OWNER_ENV.length + 1)) : null;
  } catch {
    return null;
  }
}

/**
 * Kills control clients left by a dead daemon of ours. Why: in tmux < 3.7 a control client whose
 * reader died while output was queued lingers and freezes its panes (tmux-control-mode.md §3).
 */
export async function reapStaleControlClients(server: TmuxServer, env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<number> {
  let out: string;
  try {
    out = await tmuxOnce(server, tmux.listClients(CLIENT_PIDS.template), env, 5000);
  } catch {
    return 0; // no server there (or none we may talk to): no client of ours to reap
  }
  let reaped = 0;
  for (const { pid, controlMode } of CLIENT_PIDS.all(out.split('\n'))) {
    if (!controlMode || pid === null || !Number.isInteger(pid) || pid <= 0) continue;
    const owner = controlOwner(pid);
    if (owner === null || owner === process.pid || processAlive(owner)) continue;
    try {
      process.kill(pid, 'SIGTERM');
      reaped++;
      log(`reaped stale control client pid ${pid} (owner ${owner} is gone)`);
    } catch { /* already gone */ }
  }
  return reaped;
}
