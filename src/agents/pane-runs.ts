// Whether an agent's pane still runs the agent's CLI: tmux's pane_current_command names the
// foreground process of the pane's terminal. After the person quits Claude in a pane whose
// command left a shell behind (`--cmd "claude; bash"`) and runs vim there, the row says "runs vim".
import { basename } from 'node:path';
import type { AgentRecord } from '../core/agent.js';

/** The names the CLIs' processes show: the native binaries, or node for the npm wrappers. */
const CLI_NAMES: Record<string, readonly string[]> = {
  claude: ['claude', 'claude.exe', 'node'],
  codex: ['codex', 'node'],
};

/**
 * What the agent's pane runs now when that is not the agent's CLI, else null. Null too when there
 * is nothing to compare with (a shell or another program: whatever runs there is its work) and for
 * a dead pane (its state says so).
 */
export function paneRunsOther(agent: Pick<AgentRecord, 'profile' | 'transcriptFormat' | 'launch'>, current: { dead: boolean; command: string } | undefined): string | null {
  if (!current || current.dead || !current.command) return null;
  const cli = CLI_NAMES[agent.transcriptFormat ?? agent.profile];
  if (!cli) return null;
  // sh: the setup steps' script, and the `sh -c` that runs a --cmd, lead the pane's process group.
  const expected = new Set<string>([...cli, 'sh']);
  const argv0 = agent.launch?.argv[0];
  if (argv0) expected.add(basename(argv0));
  return expected.has(current.command) ? null : current.command;
}
