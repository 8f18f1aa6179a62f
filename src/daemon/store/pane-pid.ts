// The one pane fact the daemon reads besides its options: the pid of the process a pane runs.
import type { AgentRecord } from '../../core/agent.js';
import { tmux } from '../../tmux/command.js';
import type { TmuxLink } from '../tmux-link.js';

/**
 * The pid of the process an agent's pane runs (its processes hold a Codex session's files open, and
 * fresh tells from it whether a new session started); null when there is no pane or no answer.
 */
export async function panePid(link: TmuxLink, agent: AgentRecord, log: (m: string) => void): Promise<number | null> {
  if (!agent.paneId || !link.connected) return null;
  const out = await link.run(tmux.display(agent.paneId, '#{pane_pid}')).catch((e: Error) => {
    log(`could not read the pid of ${agent.name}'s pane ${agent.paneId}: ${e.message}`);
    return [] as string[];
  });
  return Number(out[0]) || null;
}
