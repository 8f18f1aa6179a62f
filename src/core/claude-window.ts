// Which context window Claude Code gives a model (FORMATS.md §2.3 and §5.1), from what tmuxcodex can
// know: the model the agent was configured with, or the one its transcript names, and the CLI's
// version. The transcript never states the window, so a wrong guess here would make every threshold
// fire early or late: where the window cannot be known it is null, never assumed.

export const CLAUDE_1M = 1_000_000;
export const CLAUDE_200K = 200_000;

/** Splits "2.1.197" into numbers; null for anything else. */
function versionParts(version: string | null): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function atLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}

/**
 * The model a session runs when the agent configured none, given what its transcript names.
 * Claude Code 2.1.197 (and, as far as observed, its successors before 2.1.332) starts a fresh session
 * on `claude-opus-4-8[1m]` while the transcript says `claude-opus-4-8`: the suffix is put back.
 * From 2.1.332 the default model is natively 1M and the transcript's name is the whole truth.
 */
export function claudeSessionModel(transcriptModel: string | null, cliVersion: string | null): string | null {
  if (!transcriptModel) return null;
  const v = versionParts(cliVersion);
  if (v && atLeast(v, [2, 1, 197]) && !atLeast(v, [2, 1, 332]) && transcriptModel === 'claude-opus-4-8') return 'claude-opus-4-8[1m]';
  return transcriptModel;
}

/**
 * The window for a model: 1M for a `[1m]` model and for the natively-1M Opus 5 family, 200k for any
 * other full Claude model id; null for an alias (`opus`, `sonnet`) whose model the CLI picks.
 */
export function claudeWindow(model: string | null): number | null {
  if (!model) return null;
  if (/\[1m\]$/i.test(model)) return CLAUDE_1M;
  if (/^claude-opus-5(-|$)/.test(model)) return CLAUDE_1M;
  if (/^claude-[a-z0-9-]+$/.test(model)) return CLAUDE_200K;
  return null;
}

/** The value of --model in an argv (`--model X` or `--model=X`), or null. */
export function modelArg(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--model') return argv[i + 1] ?? null;
    if (a.startsWith('--model=')) return a.slice('--model='.length);
  }
  return null;
}
