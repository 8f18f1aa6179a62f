// What a spawn asks for: the request the CLI sends and the daemon hands to spawnAgent. It lives
// beside spawn (not in the daemon's protocol) so that agents/ never imports daemon/.
import type { WorktreeRequest } from './worktree-choice.js';
import type { NewWorktreeRequest } from './new-worktree.js';
import type { SetupStep } from '../config/schema.js';
import type { ProgramSpec } from '../tmux/command.js';
import type { Launch } from './profiles.js';

export interface SpawnParams {
  profile: string;
  name: string | null;
  cwd: string;
  program: ProgramSpec | null;
  env: Record<string, string>;
  worktree: WorktreeRequest | NewWorktreeRequest;
  /** Provisioning steps from the config (already checked for trust); null = the defaults. */
  setup: SetupStep[] | null;
  ports: { range: [number, number]; count: number };
  /** The shell to start when the agent is a plain shell and setup steps run first. */
  shell: string;
  /** `fix --from`: the agent whose bug this one fixes, and whether all worktrees get the fix. */
  fixFor: { agent: string; toAll: boolean } | null;
  base: string | null;
  target: string | null;
  task: string | null;
  parentId: string | null;
  session: string | null;
  /** The agent CLI's session id when tmuxcodex chose it (claude --session-id). */
  sessionId: string | null;
  /** spawn --context-window, else the profile's: the window size for this agent's percentages. */
  contextWindow: number | null;
  /** The transcript format the program writes (codex, claude), or null. */
  transcriptFormat: string | null;
  /** How to start the agent again (fresh, resurrect); null for a shell or --cmd. */
  launch: Launch | null;
}
