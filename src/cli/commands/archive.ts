// `archive list` and `archive restore`: the work saved when an agent with changes was killed
// (the steps are src/agents/archives.ts).
import type { Command } from '../command.js';
import { str } from '../command.js';
import { usageError } from '../../errors.js';
import { requireRepository } from '../../agents/git-facts.js';
import { archivesOf, restoreArchive } from '../../agents/archives.js';
import { age, printJson, table, escapeControl } from '../output.js';

export const archive: Command = {
  name: 'archive',
  usage: 'archive list | archive restore ID [--into PATH]',
  summary: 'list work saved from killed agents, or restore it into a new (or a clean existing) worktree',
  options: { into: { type: 'string', arg: 'PATH', help: 'restore into this existing, clean worktree' } },
  async run(ctx) {
    const repo = await requireRepository(ctx.cwd, 'archives are kept in the repository');
    const action = ctx.positionals[0];
    if (action === 'list') {
      const archives = (await archivesOf(repo)).map(({ id, agent, branch, ref, createdAt, files, commit, base }) => ({ id, agent, branch, ref, createdAt, files, commit, base }));
      if (ctx.json) return printJson({ archives });
      if (!archives.length) return void process.stdout.write('no archives\n');
      process.stdout.write(table(['ID', 'BRANCH', 'FILES', 'AGE', 'REF'], archives.map((a) => [a.id, a.branch ?? '-', String(a.files), age(a.createdAt), a.ref])));
      return;
    }
    if (action !== 'restore') throw usageError('BAD_ARCHIVE_ACTION', action ? `Unknown archive action "${action}".` : 'archive needs an action.', 'Use `archive list` or `archive restore ID`.');
    const id = ctx.positionals[1];
    if (!id) throw usageError('MISSING_ARCHIVE_ID', 'archive restore needs the ID of an archive.', 'Run `tmuxcodex archive list` to see them.');
    const restored = await restoreArchive(repo, id, { into: str(ctx, 'into'), cwd: ctx.cwd, configFile: ctx.target.configFile, env: ctx.env });
    if (ctx.json) return printJson({ id: restored.id, path: restored.path });
    const how = restored.created ? `a new worktree ${restored.path} (branch ${restored.created.branch}, based on ${restored.created.base.slice(0, 12)})` : restored.path;
    process.stdout.write(escapeControl(`restored ${restored.id} into ${how}\n`, true));
  },
};
