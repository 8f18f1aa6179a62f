#!/bin/sh
# The agents' hook (set up by `tmuxcodex hooks install` in Claude Code's settings and Codex's
# notify): hands the event to the tmuxcodex daemon as one line appended to the agent's own events
# file, which the daemon watches. No Node start, nothing printed, exit 0 at once: a hook must never
# slow down or disturb the agent. Outside a tmuxcodex agent (no TMUXCODEX_HOOK_FILE) it does nothing.
# Usage: agent-hook.sh claude|codex tmuxcodex-hook=EVENT [CODEX_JSON]
exec 2>/dev/null # nothing reaches the agent's screen, not even a failed write
file=${TMUXCODEX_HOOK_FILE-}
kind=${1-}
event=${2-}
event=${event#tmuxcodex-hook=}
payload=
if [ "$kind" = codex ]; then
  # Codex gives its JSON as the last argument.
  for arg in "$@"; do payload=$arg; done
elif [ ! -t 0 ]; then
  # Claude Code writes the event's JSON on stdin; only a Notification's message is wanted, but the
  # pipe is drained either way so that Claude never writes into a closed pipe.
  if [ "$event" = Notification ]; then payload=$(head -c 4000); else cat >/dev/null; fi
fi
[ -n "$file" ] || exit 0
# One line per event: kind, event, then the JSON with its newlines folded (JSON allows that).
printf '%s\t%s\t%s\n' "$kind" "$event" "$(printf '%s' "$payload" | tr '\n\r' '  ')" >>"$file"
exit 0
