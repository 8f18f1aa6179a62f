// The model a Claude Code agent is configured to run, read the way Claude Code reads it: --model on
// its command line, then ANTHROPIC_MODEL, then `model` in the settings files (the project's local
// file, the project's file, the user's). Null when none says: the transcript will name the model.
import { join } from 'node:path';
import { readRegularFile } from '../fs/read-regular.js';
import { modelArg } from '../core/claude-window.js';
import { claudeConfigDir } from '../transcripts/locate.js';

/** `model` from a Claude settings file, or null when the file is missing, invalid or silent. */
function settingsModel(file: string): string | null {
  try {
    // The project's files are the repository's: a symlink to a FIFO or /dev/zero is no settings file.
    const v = JSON.parse(readRegularFile(file)?.toString('utf8') ?? 'null') as { model?: unknown } | null;
    return typeof v?.model === 'string' && v.model ? v.model : null;
  } catch {
    return null;
  }
}

/** The configured model and where it came from, for an agent started with argv in cwd under env. */
export function configuredClaudeModel(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): { model: string; source: string } | null {
  const fromArg = modelArg(argv);
  if (fromArg) return { model: fromArg, source: '--model' };
  if (env.ANTHROPIC_MODEL) return { model: env.ANTHROPIC_MODEL, source: 'ANTHROPIC_MODEL' };
  for (const file of [join(cwd, '.claude', 'settings.local.json'), join(cwd, '.claude', 'settings.json'), join(claudeConfigDir(env), 'settings.json')]) {
    const model = settingsModel(file);
    if (model) return { model, source: file };
  }
  return null;
}
