#!/bin/sh
# tmuxcodex's tmux plugin. In ~/.tmux.conf:
#   run-shell /path/to/tmuxcodex/tmux/tmuxcodex.tmux
# or with TPM:  set -g @plugin 'OWNER/tmuxcodex'   (TPM runs ../tmuxcodex.tmux, which runs this)
# It asks tmuxcodex to bind its keys in this server: prefix + a (option @tmuxcodex-key), then
# n spawn, M merge, S squash-merge, P pull request, x stop, f fresh, s fold the sidebar,
# w next waiting, 1-9 an agent,
# m map, l list, ? the keys; and the agents' status in front of status-right
# (set @tmuxcodex-status-right to off or replace before the run-shell line to change that).
#
# Without dist/ (a TPM clone, a checkout never built) it uses a `tmuxcodex` found on PATH; a TPM
# clone without one is built once in the background; a plain checkout is told what to run. Whatever
# happens is said: on stdout (run-shell shows it), as a tmux message once a client is attached (TPM
# throws stdout away), and in the option @tmuxcodex-plugin-status.
here=$(cd "$(dirname "$0")/.." && pwd)

# Says msg every way there is (see above); the tmux message waits up to 30 s for a client.
say() {
  printf 'tmuxcodex: %s\n' "$1"
  tmux set-option -g @tmuxcodex-plugin-status "$1" 2>/dev/null
  (
    tries=30
    while [ "$tries" -gt 0 ]; do
      clients=$(tmux list-clients -F '#{client_name}' 2>/dev/null) || exit 0 # the server is gone
      if [ -n "$clients" ]; then
        # -d came in tmux 3.2; an older tmux shows the message for its display-time instead.
        tmux display-message -d 15000 "tmuxcodex: $1" 2>/dev/null || tmux display-message "tmuxcodex: $1" 2>/dev/null
        exit 0
      fi
      tries=$((tries - 1))
      sleep 1
    done
  ) >/dev/null 2>&1 &
}

# Binds the keys with the CLI at $1 (a launcher script) or, without $1, the tmuxcodex on PATH.
bind_keys() {
  if [ -n "$1" ]; then out=$(node "$1" plugin 2>&1); else out=$(tmuxcodex plugin 2>&1); fi
  status=$?
  if [ "$status" -ne 0 ]; then say "the plugin could not bind its keys: $(printf '%s' "$out" | tr '\n' ' ')"; return "$status"; fi
  tmux set-option -g @tmuxcodex-plugin-status "keys bound (prefix + $(tmux show-option -gqv @tmuxcodex-key | grep . || echo a))" 2>/dev/null
  [ -z "$out" ] || printf '%s\n' "$out"
}

if [ -f "$here/dist/bin/tmuxcodex.js" ]; then
  if ! command -v node >/dev/null 2>&1; then
    say "node was not found on tmux's PATH; install Node 20.19 or newer, then: tmux source-file ~/.tmux.conf"
    exit 0
  fi
  bind_keys "$here/src/bin/launch.cjs"
  exit 0
fi

if command -v tmuxcodex >/dev/null 2>&1; then
  bind_keys ""
  exit 0
fi

build_command="cd '$here' && npm install"
# TPM sets TMUX_PLUGIN_MANAGER_PATH and clones plugins below it; anything else is a source checkout.
tpm_root="${TMUX_PLUGIN_MANAGER_PATH%/}"
case "$here/" in
  "$tpm_root"/?*) [ -n "$tpm_root" ] ;;
  *) false ;;
esac || {
  # A source checkout: building it is the user's call (it fetches packages); say what to run.
  say "this checkout ($here) was never built, and no tmuxcodex is on PATH. Run: $build_command  (or npm install -g tmuxcodex), then: tmux source-file ~/.tmux.conf"
  exit 0
}

# A TPM clone has no dist/: build it once, in the background (npm install runs prepare, which builds).
if ! command -v npm >/dev/null 2>&1; then
  say "the plugin is not built and npm was not found; install Node 20.19 or newer (with npm), then: $build_command"
  exit 0
fi
# The log and the lock live in the clone (git ignores them): one build per clone at a time.
log="$here/plugin-build.log"
lock="$here/.plugin-build.lock"
if ! mkdir "$lock" 2>/dev/null; then
  say "the plugin is being built already (log: $log)"
  exit 0
fi
say "building the plugin in the background (npm install in $here; log: $log); its keys follow when it is done"
(
  if (cd "$here" && npm install --no-audit --no-fund) >"$log" 2>&1 && [ -f "$here/dist/bin/tmuxcodex.js" ]; then
    bind_keys "$here/src/bin/launch.cjs" >/dev/null && say "built; keys bound (prefix + $(tmux show-option -gqv @tmuxcodex-key | grep . || echo a))"
  else
    say "building the plugin failed (log: $log). Run: $build_command  (or npm install -g tmuxcodex), then: tmux source-file ~/.tmux.conf"
  fi
  rmdir "$lock"
) >/dev/null 2>&1 &
exit 0
