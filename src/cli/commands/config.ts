import type { Command } from '../command.js';
import { usageError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { repositoryRoot } from '../../agents/git-facts.js';
import { printJson } from '../output.js';

export const config: Command = {
  name: 'config',
  usage: 'config check',
  summary: 'validate the config files and print the effective settings',
  options: {},
  async run(ctx) {
    if (ctx.positionals[0] !== 'check') throw usageError('BAD_CONFIG_ACTION', 'config needs an action: check.', 'Run `tmuxcodex config check`.');
    const { config: effective, files } = await loadConfig({ configFile: ctx.target.configFile, repoRoot: await repositoryRoot(ctx.cwd), env: ctx.env });
    if (ctx.json) return printJson({ files, config: effective });
    process.stdout.write(`${files.length ? files.map((f) => `ok  ${f}`).join('\n') : 'no config files; using defaults'}\n${JSON.stringify(effective, null, 2)}\n`);
  },
};
