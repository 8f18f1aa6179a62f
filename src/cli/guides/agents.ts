// `tmuxcodex help agents`: a guide written for a coding agent (an integrator) on delegating work
// to sub-agents in their own tmux panes. Users paste it into the integrator's instructions.
export const AGENTS_GUIDE = `# Delegating to sub-agents with tmuxcodex

You run inside a tmux pane managed by tmuxcodex ($TMUXCODEX_AGENT_ID is your id). You can start
other coding agents in panes of their own, give them work, wait for them and read what they did.
Every command below prints JSON with --json and exits 0 on success, 1 when the operation failed,
2 on bad input (the message says why and what to do).

1. Spawn a helper. It records you as its parent and, by default, works in YOUR worktree (same
   files, same branch); add --worktree new for a branch and folder of its own.
     tmuxcodex spawn claude --name tests --task "Write unit tests for src/parser.ts" --json
   --wait-ready returns once it shows its prompt. Several spawns at once are fine.

2. Give it more work. Multi-line text goes in as one paste, then Enter:
     tmuxcodex send tests "Also cover the empty input case."
     tmuxcodex send tests --file plan.md        # or: ... | tmuxcodex send tests -

3. Wait for it to finish its turn (exit 0), to need a person (--waiting), or to exit (--exit).
   Exit 1 means the timeout passed; 3 means it ended before getting there; with --exit, 4 means it
   exited with a non-zero status (its value is exitCode in --json; --any-status takes any).
     tmuxcodex wait tests --idle --timeout 900

4. Read what it did:
     tmuxcodex capture tests --lines 200          # its screen and 200 lines of scrollback
     tmuxcodex list --json                        # state, context use, git fields of every agent
     tmuxcodex events --follow --json             # spawned, state changes, context thresholds, exits

5. Bring its work back. In a shared worktree its changes are already in your files (review them
   with git diff). With --worktree new: tmuxcodex merge tests (or --squash), which refuses a
   conflicting merge and changes nothing.

6. Stop it when done: tmuxcodex kill tests. Killing yourself while helpers run needs
   --children kill (stop them too) or --children keep.

Keep helpers few (2-4), give each one clear, self-contained task, and wait for one before giving
it the next. Check tmuxcodex list for a helper whose context is nearly full: tmuxcodex fresh NAME
restarts it with a handoff brief.
`;
