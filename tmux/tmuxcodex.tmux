#!/bin/sh
# tmuxcodex's tmux plugin. In ~/.tmux.conf:
#   run-shell /path/to/tmuxcodex/tmux/tmuxcodex.tmux
# or with TPM:  set -g @plugin 'OWNER/tmuxcodex'
# It asks tmuxcodex to bind its keys in this server: prefix + a (option @tmuxcodex-key), then
# n spawn, M merge, S squash-merge, P pull request, x stop, f fresh, s fold the sidebar,
# w next waiting, 1-9 an agent,
# m map, l list, ? the keys; and the agents' status in front of status-right
# (set @tmuxcodex-status-right to off or replace before the run-shell line to change that).
here=$(cd "$(dirname "$0")" && pwd)
exec node "$here/../dist/bin/tmuxcodex.js" plugin
