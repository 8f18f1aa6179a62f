// Doctor checks of the programs tmuxcodex runs: Node, tmux (and the features used), git (and the
// newer features used when present), and the agent CLIs on PATH with their versions.
import { run } from '../../proc/run.js';
import { parseTmuxVersion, tmuxBinary, tmuxIsNewEnough, tmuxVersionText } from '../../tmux/binary.js';
import { findOnPath } from '../../agents/profiles.js';
import { gitProgram, type GitProgram } from '../../agents/git-facts.js';
import { NODE_RANGE } from '../../version.js';
import { atLeast, passed, problem, versionOf, type Check } from './check.js';

const AGENT_CLIS = ['codex', 'claude', 'aider', 'gemini', 'opencode'] as const;

/** The running Node against package.json's engines. */
export function nodeCheck(): Check {
  const need = versionOf(NODE_RANGE) ?? [20, 19, 0];
  const have = versionOf(process.versions.node);
  const detail = `Node ${process.versions.node} (${process.execPath}); needs ${NODE_RANGE}`;
  return atLeast(have, need) ? passed('node version', detail) : problem('node version', detail, `Install Node ${need[0]}.${need[1]} or newer (https://nodejs.org, or: nvm install ${need[0]})`);
}

/** tmux's version and the features tmuxcodex uses, each named with the tmux that brought it. */
export async function tmuxCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  let text: string;
  try {
    text = await tmuxVersionText(env);
  } catch (e) {
    return problem('tmux version', `\`${tmuxBinary(env)} -V\` failed: ${(e as Error).message.split('\n')[0]}`, 'Install tmux 3.2 or newer (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)');
  }
  const v = parseTmuxVersion(text);
  const has = (major: number, minor: number) => v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));
  const features = [
    `control-mode subscriptions (refresh-client -B, 3.2): ${has(3, 2) ? 'yes' : 'no'}`,
    `popups (display-popup, 3.2): ${has(3, 2) ? 'yes' : 'no: the plugin\'s keys open windows instead'}`,
    `timed messages (display-message -d, 3.2): ${has(3, 2) ? 'yes' : 'no'}`,
  ];
  const detail = `${text}; ${features.join('; ')}`;
  return tmuxIsNewEnough(v) ? passed('tmux version', detail) : problem('tmux version', detail, 'Upgrade tmux to 3.2 or newer (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)');
}

/** git's version, and which newer git features tmuxcodex uses it has (asked of git, not guessed from the number). */
export async function gitCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  let git: GitProgram;
  try {
    git = await gitProgram(env);
  } catch (e) {
    return problem('git version', `git failed: ${(e as Error).message.split('\n')[0]}`, 'Install git (Debian/Ubuntu: apt-get install git; macOS: brew install git)');
  }
  const detail = `${git.version}; merge-tree --write-tree (merge and map without a worktree): ${git.writeTree ? 'yes' : 'no'}; merge-tree --stdin (the map's batched conflict prediction): ${git.stdin ? 'yes' : 'no'}`;
  return git.writeTree && git.stdin ? passed('git version', detail) : problem('git version', detail, 'Upgrade git to 2.40 or newer (merge-tree --write-tree and --stdin)');
}

/** One agent CLI: where it is and what `--version` says; absent is fine (only its profile needs it). */
async function agentCli(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const path = findOnPath(name, env);
  if (!path) return `${name}: not found`;
  const version = await run(path, ['--version'], { timeoutMs: 5000, env }).then((r) => (r.stdout.trim() || r.stderr.trim()).split('\n')[0], (e: Error) => `--version failed: ${e.message.split('\n')[0]}`);
  return `${name}: ${version} (${path})`;
}

/** The agent CLIs found on PATH, with their versions. */
export async function agentsCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  const lines = await Promise.all(AGENT_CLIS.map((n) => agentCli(n, env)));
  return passed('agent CLIs', `${lines.join('; ')}${lines.every((l) => l.endsWith('not found')) ? ' (none found: only the shell profile and --cmd will run)' : ''}`);
}
