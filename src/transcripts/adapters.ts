// One adapter per agent CLI whose transcript tmuxcodex reads: how to fold its records, how to find
// its file, how to choose or learn its session id, and how to resume it. Adding Gemini CLI, Aider
// or OpenCode is one more entry here with its parser and locator.
import { claudeSessionModel, claudeWindow, modelArg } from '../core/claude-window.js';
import { randomUUID } from 'node:crypto';
import type { SessionFacts } from '../core/session.js';
import { applyClaudeRecord } from './parse/claude.js';
import { applyCodexRecord } from './parse/codex.js';
import type { LineScan } from './first-read.js';
import { claudeConfigDir, claudeTranscriptPath, codexHome, codexSessionFromProcesses, findCodexRollout } from './locate.js';

export interface LocateContext {
  /** The agent's environment (where CODEX_HOME / CLAUDE_CONFIG_DIR point). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Spawn time, ms. */
  since: number;
  panePid: number | null;
  /** The session id already known (chosen at spawn, or found before). */
  sessionId: string | null;
  /** Session ids other agents read. */
  claimed: ReadonlySet<string>;
}

export interface TranscriptAdapter {
  readonly name: string;
  apply(facts: SessionFacts, record: unknown): void;
  /** A session id chosen for the agent at spawn, with the arguments that give it; null when the CLI picks its own. */
  chooseSession(): { sessionId: string; args: string[] } | null;
  locate(ctx: LocateContext): Promise<{ path: string; sessionId: string } | null>;
  /**
   * The arguments that resume a session by id (replacing the task arguments). model is the one the
   * session ran, given again where the CLI would otherwise pick another (Claude takes a resumed
   * session's model from its transcript, without [1m]: a 1M session would come back with 200k).
   */
  resumeArgs(sessionId: string, model: string | null, argv: readonly string[]): string[];
  /** The folder the CLI keeps its sessions in, for this environment. */
  home(env: NodeJS.ProcessEnv): string;
  /** The model a session runs: the configured one, else the transcript's by the CLI's own rules. */
  sessionModel(configured: string | null, facts: SessionFacts): string | null;
  /** The context window for a model when the transcript does not state one (Claude Code never does; FORMATS.md §2.3). */
  windowOf(model: string | null): number | null;
  /** Recognises prompts and compactions in raw lines, for the unparsed middle of a huge transcript. */
  scan: LineScan;
}

const claude: TranscriptAdapter = {
  name: 'claude',
  apply: applyClaudeRecord,
  chooseSession() {
    const sessionId = randomUUID();
    return { sessionId, args: ['--session-id', sessionId] };
  },
  async locate(ctx) {
    if (!ctx.sessionId) return null;
    return { path: await claudeTranscriptPath(ctx.env, ctx.cwd, ctx.sessionId), sessionId: ctx.sessionId };
  },
  resumeArgs: (id, model, argv) => ['--resume', id, ...(model && !modelArg(argv) ? ['--model', model] : [])],
  home: claudeConfigDir,
  // Claude's transcript states no window: it follows from the model (src/core/claude-window.ts).
  sessionModel: (configured, f) => configured ?? claudeSessionModel(f.model, f.cliVersion),
  windowOf: claudeWindow,
  scan: {
    promptMarkers: ['"promptId"'],
    compactionMarker: '"compact_boundary"',
    prompt: (l) => l.includes('"type":"user"') && l.includes('"promptId"') && !/"(isMeta|isCompactSummary|isSidechain)":true/.test(l) && !l.includes('"tool_result"') && !l.includes('[Request interrupted by user') && !/"content":"\s*<(command-|local-command-)/.test(l),
    compaction: (l) => l.includes('"subtype":"compact_boundary"'),
  },
};

const codex: TranscriptAdapter = {
  name: 'codex',
  apply: applyCodexRecord,
  chooseSession: () => null,
  async locate(ctx) {
    const home = codexHome(ctx.env);
    const held = ctx.sessionId ?? (ctx.panePid ? await codexSessionFromProcesses(ctx.panePid, home) : null);
    return findCodexRollout({ home, cwd: ctx.cwd, since: ctx.since, claimed: ctx.claimed, sessionId: held });
  },
  resumeArgs: (id) => ['resume', id],
  home: codexHome,
  // Codex states its window in every token_count (model_context_window).
  sessionModel: (configured, f) => configured ?? f.model,
  windowOf: () => null,
  scan: {
    promptMarkers: ['"type":"UserMessage"', '"type":"user_message"'],
    compactionMarker: '"type":"compacted"',
    prompt: (l) => l.includes('"type":"UserMessage"') || l.includes('"type":"user_message"'),
    compaction: (l) => l.startsWith('{') && l.includes('"type":"compacted"'),
  },
};

export const ADAPTERS: Readonly<Record<string, TranscriptAdapter>> = { claude, codex };

/** The adapter for an agent's profile, or null for programs whose transcripts we do not read. */
export function adapterFor(profile: string): TranscriptAdapter | null {
  return Object.hasOwn(ADAPTERS, profile) ? ADAPTERS[profile]! : null;
}
