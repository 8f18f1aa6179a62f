// The package version, read once from package.json (the CLI and daemon must agree on it).
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The compiled CLI entry, for programs tmux starts (the sidebar) and the daemon the CLI starts. */
export const CLI_ENTRY: string = new URL('./bin/tmuxcodex.js', import.meta.url).pathname;
export const DAEMON_ENTRY: string = new URL('./bin/tmuxcodexd.js', import.meta.url).pathname;
