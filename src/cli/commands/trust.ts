// `trust`: approve the current content of the repository's .tmuxcodex.yaml, so its run steps and
// profiles may run. A changed file must be approved again.
import { existsSync } from 'node:fs';
import { readRegularFile } from '../../fs/read-regular.js';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { usageError } from '../../errors.js';
import { requireRepository } from '../../agents/git-facts.js';
import { REPO_CONFIG } from '../../config/load.js';
import { hashBytes, isApproved, trust as approve } from '../../agents/trust.js';
import { printJson } from '../output.js';

export const trust: Command = {
  name: 'trust',
  usage: 'trust [--show]',
  summary: "approve this repository's .tmuxcodex.yaml (its run steps and profiles) as it is now",
  options: { show: { type: 'boolean', help: 'print the file and whether it is trusted, approve nothing' } },
  async run(ctx) {
    const root = await requireRepository(ctx.cwd, 'trust applies to a repository\'s own config');
    const file = join(root, REPO_CONFIG);
    if (!existsSync(file)) throw usageError('NO_REPO_CONFIG', `${file} does not exist; there is nothing to trust.`);
    if (flag(ctx, 'show')) {
      // One read: the content shown, its hash and the verdict all describe the same bytes.
      const bytes = readRegularFile(file);
      if (bytes === null) throw usageError('CONFIG_UNREADABLE', `${file} is not a regular file: a repository's config is read only from a file.`, 'Replace it with a file, or remove it.');
      const hash = hashBytes(bytes);
      const trusted = isApproved(file, hash, ctx.env);
      if (ctx.json) return printJson({ file, hash, trusted });
      process.stdout.write(`${bytes.toString('utf8')}\n${file} is ${trusted ? 'trusted' : 'NOT trusted'}\n`);
      return trusted ? 0 : 1;
    }
    const hash = approve(file, ctx.env);
    if (ctx.json) return printJson({ file, hash, trusted: true });
    process.stdout.write(`trusted ${file} (sha256 ${hash.slice(0, 16)}…); a changed file asks again\n`);
  },
};
