// The one pane fact the daemon reads besides its options: the pid of the process a pane runs.
import type { AgentRecord } from '../../core/agent.js';
import { tmux } from '../../tmux/command.js';
import { PANE_PID } from '../../tmux/formats.js';
import type { TmuxLink } from '../../tmux/link.js';

/**
 * The pid of the process an agent's pane runs (its processes hold a Codex session's files open, and
 * fresh tells from it whether a new session started); null when there is no pane or no answer.
 */
export async function panePid(link: TmuxLink, agent: AgentRecord, log: (m: string) => void): Promise<number | null> {
  if (!agent.paneId || !link.connected) return null;
  const out = await link.run(tmux.display(agent.paneId, PANE_PID.template)).catch((e: Error) => {
    log(`could not read the pid of ${agent.name}'s pane ${agent.paneId}: ${e.message}`);
    return [] as string[];
  });
  return PANE_PID.first(out)?.pid || null;
}
