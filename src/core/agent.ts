// The agent record: what list --json prints and the journal keeps. Pure data, no I/O.
import type { PaneId, WindowId } from './ids.js';

export type AgentState = 'starting' | 'running' | 'working' | 'idle' | 'waiting' | 'exited' | 'gone' | 'unknown';
export type WorktreeMode = 'new' | 'shared' | 'existing';

export interface AgentRecord {
  id: string;
  name: string;
  profile: string;
  paneId: PaneId | null;
  windowId: WindowId | null;
  session: string | null;
  cwd: string;
  worktree: { path: string; mode: WorktreeMode } | null;
  branch: string | null;
  base: string | null;
  target: string | null;
  parentId: string | null;
  task: string | null;
  createdAt: string;
  sessionId: string | null;
  transcriptPath: string | null;
  /** 'running' = the process is alive and no transcript says more; 'gone' = its pane was killed outside tmuxcodex. */
  state: AgentState;
  /** While waiting: what for, as the CLI says it ("permission prompt", "dialog open", a hook's message); null otherwise. */
  waitingFor?: string | null;
  exitCode: number | null;
  /** Ports allocated to the agent; the first is its PORT. */
  ports: number[];
  /** The worktree a new worktree's files were provisioned from (copy steps, sync-files). */
  source: string | null;
  /**
   * Folders cloned into the worktree and the lock-file hash they were cloned for; "private" once
   * the worktree's lock file changed and the folder stopped sharing files with the snapshot.
   */
  deps: Array<{ dir: string; key: string }>;
  /** True when tmuxcodex created the branch for this agent: only such a branch is ever deleted. */
  branchCreated: boolean;
  /**
   * For an agent made by `fix --from`: the agent whose bug it fixes (its commits are brought there
   * as they land), whether every worktree lacking them gets them too, and the last tip brought.
   */
  fix: { forAgent: string; toAll: boolean; propagatedTip: string | null } | null;
  /**
   * Set when a fix agent's commits stopped at a conflict in this agent's worktree: which fix, the
   * commit that conflicts, its files. The later commits wait; cleared once the chain goes on.
   */
  fixBlocked?: { fix: string; commit: string; files: string[]; reason: string } | null;
  /** The pull request `pr` opened (or found) for the agent's branch. */
  pr: { url: string; base: string } | null;
  /** The context now, from the transcript: window from the transcript, else contextWindow, else the CLI's default; null until known. */
  context: { usedTokens: number; windowTokens: number | null; percent: number | null; updatedAt: string } | null;
  /** How to start the agent's CLI again (fresh, resurrect): its command and the arguments before a task. */
  launch: { argv: string[]; taskPrefix: string[] | null; env: Record<string, string> } | null;
  /** Whose transcript format the agent writes (codex, claude), null when tmuxcodex reads none. */
  transcriptFormat: string | null;
  /** A window size set for this agent (spawn --context-window), over what the transcript or profile says. */
  contextWindow: number | null;
  /**
   * The model the agent's CLI runs: as configured (--model, ANTHROPIC_MODEL, Claude's settings), else
   * as its transcript names it (with the CLI's own default rules); null until known. Claude's window
   * follows from it (src/core/claude-window.ts), and a resumed session is given it again.
   */
  model: string | null;
  /** The agent's conversation, from its transcript: when it began, last activity, turns, and earlier sessions (fresh starts). */
  conversation: { startedAt: string | null; lastActivityAt: string | null; turns: number; compactions: number; freshStartedAt: string | null; lineage: string[] } | null;
  /**
   * Set by `list` only (read from tmux at that moment, never kept): the command the agent's pane runs
   * now when that is not the agent's CLI (the person quit it and runs vim there); null when it is.
   */
  paneRuns?: string | null;
  /** Against the agent's target, kept up to date by the daemon as refs, HEADs and indexes change. */
  git: {
    ahead: number; behind: number; dirty: number; merged: boolean; mergedHow: 'no' | 'ancestor' | 'patch' | 'squash'; mergedOn: string | null; conflicts: string[];
    /** The branch is still at its base: no commits of its own (then merged is always false). */
    noCommitsYet?: boolean;
    /** Other agents (same target) whose branches would conflict with this one if both were merged. */
    conflictsWith?: Array<{ agent: string; files: string[] }>;
  } | null;
}
