// What an agent's own transcript says about its session: pure data, folded record by record by the
// transcript parsers (src/transcripts/parse/), read by the daemon, list --json and the sidebar.

export type Activity = 'working' | 'idle' | 'unknown';

export interface SessionFacts {
  sessionId: string | null;
  /** When the session began (the transcript's own start, not the pane's). */
  startedAt: string | null;
  lastActivityAt: string | null;
  /** Tokens in the context now (what the next model call starts from), null before the first call. */
  usedTokens: number | null;
  /** The window the transcript states (Codex); null where it does not (Claude). */
  windowTokens: number | null;
  /** Prompts the person (or tmuxcodex) gave. */
  turns: number;
  /** Working inside a turn, idle after one; unknown until a turn starts or ends. */
  activity: Activity;
  compactions: number;
  /** The last few prompts and the last answer, for a handoff brief (each cut to 2,000 characters). */
  recentPrompts: string[];
  lastAnswer: string | null;
  /** The model the last main-chain answer came from, as the transcript names it (Claude: no [1m] suffix). */
  model: string | null;
  /** The CLI version that wrote the transcript, where its lines say (Claude Code's `version`). */
  cliVersion: string | null;
}

export function emptySessionFacts(): SessionFacts {
  return { sessionId: null, startedAt: null, lastActivityAt: null, usedTokens: null, windowTokens: null, turns: 0, activity: 'unknown', compactions: 0, recentPrompts: [], lastAnswer: null, model: null, cliVersion: null };
}

const KEEP_PROMPTS = 3;
const KEEP_CHARS = 2000;

/** Records a prompt the person gave (keeps the last few, cut to size). */
export function notePrompt(f: SessionFacts, text: string): void {
  f.turns++;
  f.recentPrompts = [...f.recentPrompts, text.slice(0, KEEP_CHARS)].slice(-KEEP_PROMPTS);
}

export function noteAnswer(f: SessionFacts, text: string): void {
  f.lastAnswer = text.slice(0, KEEP_CHARS);
}

/** Percent of the window in use, rounded to one decimal; null when either side is unknown. */
export function contextPercent(used: number | null, window: number | null): number | null {
  if (used === null || !window) return null;
  return Math.round((used / window) * 1000) / 10;
}
