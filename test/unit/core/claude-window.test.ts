// Claude Code's context window from the model (FORMATS.md §2.3, §5.1), checked against what the real
// CLI said about its own sessions: `-p --output-format json` modelUsage[model].contextWindow, and the
// transcripts it wrote (copies of shared/fixtures/transcripts in test/fixtures/transcripts).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { claudeSessionModel, claudeWindow, modelArg } from '../../../src/core/claude-window.js';
import { applyClaudeRecord } from '../../../src/transcripts/parse/claude.js';
import { emptySessionFacts } from '../../../src/core/session.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

/** The facts a whole fixture transcript folds into. */
function factsOf(file: string) {
  const f = emptySessionFacts();
  for (const line of readFileSync(FIXTURES + file, 'utf8').split('\n')) if (line.trim()) applyClaudeRecord(f, JSON.parse(line));
  return f;
}

/** What the real CLI printed as its window, per model, in `-p --output-format json`. */
function reportedWindows(file: string): Record<string, number> {
  const out = JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as { modelUsage: Record<string, { contextWindow: number }> };
  return Object.fromEntries(Object.entries(out.modelUsage).map(([m, u]) => [m, u.contextWindow]));
}

describe('claudeWindow', () => {
  it('agrees with the window the real CLI reported for each model it ran', () => {
    for (const file of ['claude332-p-output-format-json.json', 'claude-p-output-format-json.json', 'claude-tools-p-output-format-json.json']) {
      for (const [model, window] of Object.entries(reportedWindows(file))) expect(claudeWindow(model), `${file}: ${model}`).toBe(window);
    }
  });

  it('1M for [1m] models, 200k for other full ids, unknown (null) for aliases and nothing', () => {
    expect(claudeWindow('claude-opus-4-8[1m]')).toBe(1_000_000);
    expect(claudeWindow('opus[1m]')).toBe(1_000_000);
    expect(claudeWindow('claude-sonnet-4-5-20250929')).toBe(200_000);
    expect(claudeWindow('opus')).toBeNull();
    expect(claudeWindow('sonnet')).toBeNull();
    expect(claudeWindow(null)).toBeNull();
  });
});

describe('claudeSessionModel, from the transcripts the real CLI wrote', () => {
  it('2.1.332: the transcript names claude-opus-5-5, which runs with 1M fresh and resumed', () => {
    const f = factsOf('claude332-tui.b8b9d899-c4f5-4a26-a2f9-7413687b8b17.jsonl');
    expect([f.model, f.cliVersion]).toEqual(['claude-opus-5-5', '2.1.332']);
    expect(claudeWindow(claudeSessionModel(f.model, f.cliVersion))).toBe(reportedWindows('claude332-p-output-format-json.json')['claude-opus-5-5']);
  });

  it('2.1.197: a fresh session with no model configured ran claude-opus-4-8[1m] although its transcript says claude-opus-4-8', () => {
    const f = factsOf('claude-tui.ca809c38-46a1-4ebe-9bdb-4d976a8fa14e.jsonl');
    expect([f.model, f.cliVersion]).toEqual(['claude-opus-4-8', '2.1.197']);
    expect(claudeSessionModel(f.model, f.cliVersion)).toBe('claude-opus-4-8[1m]');
    expect(claudeWindow(claudeSessionModel(f.model, f.cliVersion))).toBe(1_000_000);
  });

  it('other versions and models are taken as the transcript names them', () => {
    expect(claudeSessionModel('claude-opus-4-8', '2.0.5')).toBe('claude-opus-4-8');
    expect(claudeSessionModel('claude-opus-4-8', null)).toBe('claude-opus-4-8');
    expect(claudeSessionModel('claude-sonnet-4-5', '2.1.197')).toBe('claude-sonnet-4-5');
    expect(claudeSessionModel(null, '2.1.332')).toBeNull();
  });
});

describe('modelArg', () => {
  it('reads --model X and --model=X, not past --', () => {
    expect(modelArg(['claude', '--model', 'opus[1m]'])).toBe('opus[1m]');
    expect(modelArg(['claude', '--model=claude-opus-4-8'])).toBe('claude-opus-4-8');
    expect(modelArg(['claude', '--', '--model', 'x'])).toBeNull();
    expect(modelArg(['claude'])).toBeNull();
  });
});
