// Where an agent's hooks write their events: one file per agent in the daemon's private hook folder.
import { join } from 'node:path';

/** The events file of agent id in hookDir (the id is 8 hex digits: a safe file name). */
export function hookFileOf(hookDir: string, id: string): string {
  return join(hookDir, `${id}.events`);
}
