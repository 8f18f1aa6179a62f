// `plugin`: binds tmuxcodex's keys in the tmux server it runs in (tmux/tmuxcodex.tmux runs it from
// tmux.conf or TPM). One prefix key (default prefix + a, option @tmuxcodex-key) enters the
// `tmuxcodex` key table; each action on an agent asks first, saying what will happen. It also
// puts the agents' status segment in front of status-right (@tmuxcodex-status-right: off, replace).
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { literalForFormat, shellWord, tmux, type TmuxCommand } from '../../tmux/command.js';
import { parseTmuxVersion, tmuxOnce, tmuxVersionText } from '../../tmux/binary.js';
import { PANE_META } from '../../tmux/agent-options.js';
import { CURRENT_PANE, agentPaneCondition, formatVar, optionOr, statusSegmentFormat } from '../../tmux/status-formats.js';

export const KEY_TABLE = 'tmuxcodex';
const KEY_OPTION = '@tmuxcodex-key';
const CLI = fileURLToPath(new URL('../../bin/tmuxcodex.js', import.meta.url));

/** This CLI as a shell command line (for run-shell and popups), args appended as given. */
function cliLine(...args: string[]): string {
  return [literalForFormat(shellWord(process.execPath)), literalForFormat(shellWord(CLI)), ...args].join(' ');
}

/** Whether this tmux has display-popup (tmux 3.2); without it the keys open windows instead. */
export function hasPopups(version: readonly [number, number] | null): boolean {
  return version !== null && (version[0] > 3 || (version[0] === 3 && version[1] >= 2));
}

/**
 * A popup that runs the CLI and stays open until Enter, so its answer (or error) can be read; on a
 * tmux without popups, a window that does the same.
 */
function popup(popups: boolean, title: string, ...args: string[]): TmuxCommand {
  const line = `${cliLine(...args)}; printf '\\n%s' 'press Enter to close'; read _`;
  return popups ? tmux.displayPopup(line, { title, width: '80%', height: '60%' }) : tmux.windowForPopup(line, { title });
}

/**
 * Runs command for the agent in the current pane, or says that the pane is not an agent's. The
 * condition expands to 1 or 0: if-shell -F takes any value starting with "0" as false, and one agent id
 * in sixteen does (the keys said "this pane runs no agent" on such an agent's pane).
 */
export function forAgent(command: TmuxCommand): TmuxCommand {
  return tmux.ifFormat(agentPaneCondition(PANE_META.id), command, tmux.message('tmuxcodex: this pane runs no agent; select an agent pane first'));
}

/** Asks y/n with a prompt naming the agent (prompt is a format), then runs the CLI in a popup. */
function confirmThen(popups: boolean, prompt: string, title: string, ...args: string[]): TmuxCommand {
  return forAgent(tmux.confirmBefore(`${prompt} (y/n)`, popup(popups, title, ...args)));
}

interface Binding { key: string; help: string; command: TmuxCommand }

/** The bindings of the tmuxcodex key table (results in popups, or in windows on a tmux without them). */
export function bindings(popups = true): Binding[] {
  const agent = formatVar(PANE_META.name);
  const branchToTarget = `${formatVar(PANE_META.branch)} into ${optionOr(PANE_META.target, 'its target')}`;
  return [
    { key: 'n', help: 'spawn an agent: a form asks for profile, name, worktree, target and task', command: popup(popups, 'tmuxcodex spawn', 'spawn', '--ask') },
    { key: 'M', help: 'merge the agent\'s branch into its target (a merge commit), then stop it and remove its worktree',
      command: confirmThen(popups, `Merge ${branchToTarget} (merge commit), then stop ${agent} and remove its worktree?`, 'tmuxcodex merge', 'merge', CURRENT_PANE) },
    { key: 'S', help: 'squash-merge the agent\'s branch into its target, then stop it and remove its worktree',
      command: confirmThen(popups, `Squash-merge ${branchToTarget} as one commit, then stop ${agent} and remove its worktree?`, 'tmuxcodex merge --squash', 'merge', '--squash', CURRENT_PANE) },
    { key: 'P', help: 'push the agent\'s branch and open a pull request against its target',
      command: confirmThen(popups, `Push ${formatVar(PANE_META.branch)} and open a pull request against ${optionOr(PANE_META.target, 'its target')}?`, 'tmuxcodex pr', 'pr', CURRENT_PANE) },
    { key: 'x', help: 'stop the agent; uncommitted work is archived before its worktree is removed',
      command: confirmThen(popups, `Stop ${agent}? Uncommitted work is archived, then its worktree is removed; an unmerged branch is kept.`, 'tmuxcodex kill', 'kill', CURRENT_PANE) },
    { key: 'f', help: 'a fresh session of the agent (a handoff brief goes to the new one)',
      command: confirmThen(popups, `Start a fresh session of ${agent}? Its current session is stopped and the new one gets a handoff brief.`, 'tmuxcodex fresh', 'fresh', CURRENT_PANE) },
    { key: 's', help: 'fold the sidebar away, or back', command: tmux.runShell(cliLine('sidebar', '--toggle')) },
    { key: 'w', help: 'jump to the next agent waiting for you', command: tmux.runShell(cliLine('focus', '--waiting')) },
    ...Array.from({ length: 9 }, (_, i) => ({ key: String(i + 1), help: i === 0 ? 'jump to agent 1 (to 9), oldest first' : '', command: tmux.runShell(cliLine('focus', '--index', String(i + 1))) })),
    { key: 'm', help: 'the merge map, in a popup', command: popup(popups, 'tmuxcodex map', 'map') },
    { key: 'l', help: 'the agents, in a popup', command: popup(popups, 'tmuxcodex list', 'list') },
    { key: '?', help: 'these keys', command: popup(popups, 'tmuxcodex keys', 'plugin', '--keys') },
  ];
}

const STATUS_RIGHT_OPTION = '@tmuxcodex-status-right';

/**
 * Puts the @tmuxcodex-status option (kept current by the daemon: tmux forks nothing per refresh) in front of
 * the user's status-right, unless @tmuxcodex-status-right says off; replace only when it says so.
 */
async function addStatusSegment(server: Parameters<typeof tmuxOnce>[0], env: NodeJS.ProcessEnv): Promise<void> {
  const mode = (await tmuxOnce(server, tmux.showGlobalOption(STATUS_RIGHT_OPTION), env)).trim() || 'prepend';
  if (mode === 'off') return;
  const current = (await tmuxOnce(server, tmux.showGlobalOption('status-right'), env)).replace(/\n$/, '');
  if (current.includes('@tmuxcodex-status')) return;
  const segment = statusSegmentFormat();
  await tmuxOnce(server, tmux.setGlobalOption('status-right', mode === 'replace' ? segment : `${segment}${current}`), env);
  const length = Number((await tmuxOnce(server, tmux.showGlobalOption('status-right-length'), env)).trim()) || 40;
  if (length < 120) await tmuxOnce(server, tmux.setGlobalOption('status-right-length', '120'), env);
}

export const plugin: Command = {
  name: 'plugin',
  usage: 'plugin [--keys]',
  summary: 'bind tmuxcodex\'s keys in this tmux server (tmux/tmuxcodex.tmux runs it); --keys lists them',
  options: { keys: { type: 'boolean', help: 'print the key bindings instead of installing them' } },
  async run(ctx) {
    const server = ctx.target.server;
    let prefixKey: string;
    try {
      prefixKey = (await tmuxOnce(server, tmux.showGlobalOption(KEY_OPTION), ctx.env)).trim() || 'a';
    } catch (e) {
      throw usageError('NO_TMUX_SERVER', `No tmux server is running at ${server.socketPath}: ${(e as Error).message}`, 'Run it inside tmux: add `run-shell /path/to/tmuxcodex/tmux/tmuxcodex.tmux` to ~/.tmux.conf (or use TPM).');
    }
    if (flag(ctx, 'keys')) {
      const lines = [`prefix + ${prefixKey}, then:`, ...bindings().filter((b) => b.help).map((b) => `  ${b.key.padEnd(3)} ${b.help}`)];
      process.stdout.write(lines.join('\n') + '\n');
      return;
    }
    // A key the user bound to something else is theirs: say so, and how to choose another.
    const existing = (await tmuxOnce(server, tmux.listKeys('prefix', prefixKey), ctx.env).catch(() => '')).trim();
    if (existing && !existing.includes(`switch-client -T ${KEY_TABLE}`)) {
      await tmuxOnce(server, tmux.message(`tmuxcodex: prefix + ${prefixKey} is already bound (${existing.replace(/^bind-key\s+(-r\s+)?-T prefix \S+\s+/, '')}); set @tmuxcodex-key to another key before loading the plugin`), ctx.env).catch(() => {});
      throw usageError('KEY_TAKEN', `prefix + ${prefixKey} is already bound to something else; tmuxcodex left it alone.`, 'Choose another key: set -g @tmuxcodex-key KEY (before the run-shell line in tmux.conf).');
    }
    const version = await tmuxVersionText(ctx.env);
    const popups = hasPopups(parseTmuxVersion(version));
    await tmuxOnce(server, tmux.bindKey('prefix', prefixKey, tmux.switchKeyTable(KEY_TABLE)), ctx.env);
    for (const b of bindings(popups)) await tmuxOnce(server, tmux.bindKey(KEY_TABLE, b.key, b.command), ctx.env);
    if (!popups) {
      const note = `tmuxcodex: ${version} has no popups (tmux 3.2 brought them): the keys show their results in a new window instead`;
      process.stdout.write(`${note}\n`);
      await tmuxOnce(server, tmux.message(note), ctx.env).catch(() => {}); // no client attached yet: stdout said it
    }
    await addStatusSegment(server, ctx.env);
  },
};
