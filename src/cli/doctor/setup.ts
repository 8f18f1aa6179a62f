// Doctor checks of this user's setup: config files, agent hooks, the daemon's socket folder, the
// daemon and its version, the plugin's keys in this tmux server, and the worktree root (writable,
// which filesystem, reflinks or not).
import { constants, existsSync, readFileSync, statSync } from 'node:fs';
import { access, copyFile, rm, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TmuxcodexError } from '../../errors.js';
import { daemonPaths } from '../../daemon/protocol.js';
import { loadConfig } from '../../config/load.js';
import { repositoryTop } from '../../agents/git-facts.js';
import { worktreesRootOf } from '../../agents/new-worktree.js';
import { claudeSettingsFile } from '../../agents/hooks.js';
import { claudeConfigDir, codexHome } from '../../transcripts/locate.js';
import { tmuxOnce } from '../../tmux/binary.js';
import { tmux } from '../../tmux/command.js';
import { VERSION } from '../../version.js';
import type { CommandContext } from '../command.js';
import { passed, problem, type Check } from './check.js';

/** The config files, loaded and validated as every command does. */
export async function configCheck(ctx: CommandContext): Promise<Check> {
  try {
    const { files } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: repositoryTop(ctx.cwd), env: ctx.env });
    return passed('config', files.length ? `valid: ${files.join(', ')}` : 'no config files (the defaults apply)');
  } catch (e) {
    if (!(e instanceof TmuxcodexError)) throw e;
    return problem('config', e.message, 'Fix the file at the line and column named, then check it: tmuxcodex config check');
  }
}

/** Whether Claude Code's hooks and Codex's notify call tmuxcodex. */
export function hooksCheck(ctx: CommandContext): Check {
  const read = (path: string) => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };
  const claude = claudeSettingsFile(claudeConfigDir(ctx.env));
  const codex = join(codexHome(ctx.env), 'config.toml');
  // Both kinds of entry carry tmuxcodex's mark: the shell hook (tmux/agent-hook.sh) and the older `tmuxcodex hook`.
  const claudeOn = read(claude).includes('tmuxcodex-hook=');
  const codexOn = /"tmuxcodex-hook"/.test(read(codex));
  const detail = `Claude Code (${claude}): ${claudeOn ? 'installed' : 'not installed'}; Codex (${codex}): ${codexOn ? 'installed' : 'not installed'}`;
  // Optional: without them, states come from the transcripts alone.
  return passed('hooks', claudeOn && codexOn ? detail : `${detail} (optional; \`tmuxcodex hooks install\` makes waiting and idle exact)`);
}

/** The daemon's socket folder: absent (made on first start) or a 0700 folder of this user. */
export function socketDirCheck(ctx: CommandContext): Check {
  const dir = daemonPaths(ctx.target.server.socketPath, ctx.env).runtimeDir;
  if (!existsSync(dir)) return passed('socket folder', `${dir} does not exist yet (made 0700 at the daemon's first start)`);
  const st = statSync(dir);
  const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
  if (!st.isDirectory()) return problem('socket folder', `${dir} is not a folder`, `rm ${dir}   (or point XDG_RUNTIME_DIR at a private folder)`);
  if (st.uid !== process.getuid?.()) return problem('socket folder', `${dir} belongs to uid ${st.uid}, not to you`, `Point XDG_RUNTIME_DIR at a folder of your own (or remove ${dir} as its owner)`);
  if ((st.mode & 0o077) !== 0) return problem('socket folder', `${dir} is mode ${mode}: others could reach the daemon's socket`, `chmod 700 ${dir}`);
  return passed('socket folder', `${dir}: mode ${mode}, yours`);
}

/** Whether a daemon runs for this tmux server, and whether its version is this CLI's. */
export async function daemonCheck(ctx: CommandContext): Promise<Check> {
  const client = await ctx.daemon({ autostart: false, anyVersion: true }).catch(() => null);
  if (!client) return passed('daemon', `not running for ${ctx.target.server.socketPath} (any command that needs it starts it)`);
  const { daemonVersion, daemonPid } = client;
  client.close();
  const detail = `running (pid ${daemonPid}), version ${daemonVersion}; this CLI is ${VERSION}`;
  return daemonVersion === VERSION ? passed('daemon', detail) : problem('daemon', detail, 'tmuxcodex daemon stop   (agents keep running; the next command starts this version)');
}

/** Whether the plugin's prefix key enters the tmuxcodex key table in this tmux server. */
export async function keysCheck(ctx: CommandContext): Promise<Check> {
  const server = ctx.target.server;
  let key: string;
  try {
    key = (await tmuxOnce(server, tmux.showGlobalOption('@tmuxcodex-key'), ctx.env, 5000)).trim() || 'a';
  } catch {
    return passed('plugin keys', `no tmux server runs at ${server.socketPath}: nothing to bind yet`);
  }
  const bound = (await tmuxOnce(server, tmux.listKeys('prefix', key), ctx.env, 5000).catch(() => '')).includes('switch-client -T tmuxcodex');
  return bound ? passed('plugin keys', `prefix + ${key} enters the tmuxcodex key table in ${server.socketPath}`)
    : passed('plugin keys', `not bound in ${server.socketPath} (optional): add \`run-shell /path/to/tmuxcodex/tmux/tmuxcodex.tmux\` to ~/.tmux.conf, or run \`tmuxcodex plugin\``);
}

/** Linux statfs magic numbers of the filesystems people keep repositories on. */
const FILESYSTEMS: Record<number, string> = {
  0xef53: 'ext4 (or ext2/3)', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs', 0x6969: 'nfs',
  0x65735546: 'fuse', 0x2fc12fc1: 'zfs', 0xf2f52010: 'f2fs', 0x5346544e: 'ntfs', 0x4d44: 'vfat', 0x1a: 'apfs',
};

/** The nearest folder of path that exists (the worktree root itself is made at the first spawn). */
function existingAncestor(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** Whether files can be reflinked (copy-on-write clones) in dir: one small probe file, removed after. */
async function reflinks(dir: string): Promise<boolean> {
  const source = join(dir, `.tmuxcodex-doctor-${process.pid}`);
  const clone = `${source}.clone`;
  try {
    await writeFile(source, 'probe\n');
    await copyFile(source, clone, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    await rm(source, { force: true });
    await rm(clone, { force: true });
  }
}

/** The folder new worktrees go in: writable, its filesystem, and whether it reflinks (dependency clones). */
export async function worktreeRootCheck(ctx: CommandContext): Promise<Check> {
  const top = repositoryTop(ctx.cwd);
  if (!top) return passed('worktree root', `${ctx.cwd} is not in a git repository: run doctor in one to check where its worktrees go`);
  // A broken config is the config check's problem: here the default root stands in for it.
  const configured = await loadConfig({ configFile: ctx.target.configFile, repoRoot: top, env: ctx.env }).then((r) => r.config.worktrees.root, () => null);
  const root = await worktreesRootOf(top, configured);
  const dir = existingAncestor(root);
  const where = dir === root ? root : `${root} (not made yet; checked ${dir})`;
  try {
    await access(dir, constants.W_OK);
  } catch {
    return problem('worktree root', `${where} is not writable`, `Make it writable (chmod u+w ${dir}), or set worktrees.root in the config to a folder you can write`);
  }
  const fs = await statfs(dir).then((s) => FILESYSTEMS[s.type] ?? `filesystem type 0x${s.type.toString(16)}`, () => 'filesystem unknown');
  const cow = await reflinks(dir);
  return passed('worktree root', `${where}: writable, ${fs}, ${cow ? 'reflinks (dependency folders are cloned copy-on-write)' : 'no reflinks (dependency folders are hardlinked from a snapshot)'}`);
}
