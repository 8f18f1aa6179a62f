// Per-agent ports: a PORT (and more, if configured) from a range, unique among live agents and
// free on this machine, so that several worktrees can run their dev servers at once.
import { createServer } from 'node:net';
import { failure } from '../errors.js';

export interface PortSettings {
  range: readonly [number, number];
  /** Ports per agent: the first is PORT, all are in TMUXCODEX_PORTS. */
  count: number;
}

export const DEFAULT_PORTS: PortSettings = { range: [4100, 4999], count: 1 };

/** True if nothing listens on port (on all interfaces, as a dev server would bind). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Picks `count` ports from the range that no live agent holds and that are free now. */
export async function allocatePorts(settings: PortSettings, held: ReadonlySet<number>, isFree: (p: number) => Promise<boolean> = portIsFree): Promise<number[]> {
  const chosen: number[] = [];
  for (let p = settings.range[0]; p <= settings.range[1] && chosen.length < settings.count; p++) {
    if (!held.has(p) && (await isFree(p))) chosen.push(p);
  }
  if (chosen.length < settings.count) {
    throw failure('NO_FREE_PORTS', `No ${settings.count} free port(s) left in ${settings.range[0]}-${settings.range[1]}.`, 'Kill agents you no longer need, or widen ports.range in the config.');
  }
  return chosen;
}

/** The environment for an agent's ports. */
export function portEnv(ports: readonly number[]): Record<string, string> {
  return ports.length ? { PORT: String(ports[0]), TMUXCODEX_PORTS: ports.join(',') } : {};
}
