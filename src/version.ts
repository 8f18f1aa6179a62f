// The package version, read once from package.json (the CLI and daemon must agree on it).
import { readFileSync } from 'node:fs';

const PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; engines: { node: string } };

export const VERSION: string = PACKAGE.version;

/** The Node versions this package runs on, as package.json's engines says (">=20.19"). */
export const NODE_RANGE: string = PACKAGE.engines.node;

/** The compiled CLI entry, for programs tmux starts (the sidebar) and the daemon the CLI starts. */
export const CLI_ENTRY: string = new URL('./bin/tmuxcodex.js', import.meta.url).pathname;
export const DAEMON_ENTRY: string = new URL('./bin/tmuxcodexd.js', import.meta.url).pathname;
