// `sync-files`: re-apply the copy steps (e.g. an updated .env) to the worktrees of live agents.
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { join } from 'node:path';
import { loadConfig, REPO_CONFIG } from '../../config/load.js';
import { requireTrust } from '../../agents/trust.js';
import { repositoryTop } from '../../agents/git-facts.js';
import { worktreeIncludePatterns } from '../../agents/provision/index.js';
import { printJson, escapeControl } from '../output.js';

export const syncFiles: Command = {
  name: 'sync-files',
  usage: 'sync-files AGENT | --all',
  summary: 'copy files matching the copy steps (default .env*) from the source checkout into agents\' worktrees again',
  options: { all: { type: 'boolean', help: 'every live agent with a new worktree' } },
  async run(ctx) {
    const agent = ctx.positionals[0] ?? null;
    if ((agent === null) === !flag(ctx, 'all')) throw usageError('SYNC_TARGET', 'sync-files needs one AGENT or --all.', 'Example: tmuxcodex sync-files --all');
    const repo = repositoryTop(ctx.cwd);
    const { config, repoHash } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: repo, env: ctx.env });
    // The repository's own copy steps, like spawn's, only once the person approved that file.
    requireTrust(config, null, repo ? join(repo, REPO_CONFIG) : null, repoHash, ctx.env);
    const globs = (config.setup ?? [{ copy: ['.env*'] }]).flatMap((s) => ('copy' in s ? s.copy : []));
    const include = repo ? worktreeIncludePatterns(repo) : [];
    const client = await ctx.daemon();
    const res = await client.request('syncFiles', { agent, globs: [...globs, ...include] });
    if (ctx.json) return printJson(res);
    for (const r of res.results) process.stdout.write(escapeControl(`${r.agent}: ${r.copied.length ? r.copied.join(', ') : 'nothing new'}\n`, true));
  },
};
