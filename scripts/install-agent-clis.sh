#!/usr/bin/env bash
# Installs the pinned real agent CLIs (Codex CLI, Claude Code) that test/e2e/real-cli.test.ts
# drives, into a cache folder outside node_modules, and prints that folder.
# Idempotent: when both pinned versions are already there it installs nothing.
#   TMUXCODEX_AGENT_CLIS  the folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/tmuxcodex/agent-clis/<codex>-<claude>)
# The versions are read from test/real-cli/versions.json so the test and this script agree.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
versions="$here/test/real-cli/versions.json"
codex_version="$(node -p "require('$versions').codex")"
claude_version="$(node -p "require('$versions').claude")"
dir="${TMUXCODEX_AGENT_CLIS:-${XDG_CACHE_HOME:-$HOME/.cache}/tmuxcodex/agent-clis/$codex_version-$claude_version}"

# installed_version PACKAGE: the version in the cache folder, or nothing.
installed_version() {
  local pj="$dir/node_modules/$1/package.json"
  [ -f "$pj" ] && node -p "require('$pj').version" 2>/dev/null || true
}

if [ "$(installed_version @openai/codex)" = "$codex_version" ] &&
   [ "$(installed_version @anthropic-ai/claude-code)" = "$claude_version" ]; then
  echo "agent CLIs already installed (codex $codex_version, claude-code $claude_version)" >&2
else
  echo "installing @openai/codex@$codex_version and @anthropic-ai/claude-code@$claude_version into $dir" >&2
  mkdir -p "$dir"
  # The folder gets its own package.json so npm does not walk up into another project.
  [ -f "$dir/package.json" ] || echo '{"name":"tmuxcodex-agent-clis","private":true}' >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "@openai/codex@$codex_version" "@anthropic-ai/claude-code@$claude_version" >&2
fi
echo "$dir"
