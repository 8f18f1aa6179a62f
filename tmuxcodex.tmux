#!/bin/sh
# TPM runs the *.tmux files at the top of a plugin's folder: this one hands over to tmux/tmuxcodex.tmux.
exec "$(cd "$(dirname "$0")" && pwd)/tmux/tmuxcodex.tmux" "$@"
