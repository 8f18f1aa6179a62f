import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseClaudeSession, pidOfSessionFile } from '../../../src/transcripts/claude-sessions.js';

// The files Claude Code 2.1.332 wrote (copied from shared/fixtures/transcripts, FORMATS.md §5.1).
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/transcripts/${name}`, import.meta.url)), 'utf8');

describe('parseClaudeSession', () => {
  it('reads status, session and when it changed from the recorded files', () => {
    expect(parseClaudeSession(fixture('claude332-session-registry-tui.json'))).toEqual({ pid: 17116, sessionId: 'c95a02d1-3a68-4464-81f1-bbeb56c419a8', entrypoint: 'cli', status: 'idle', waitingFor: null, at: 1796599597332 });
    expect(parseClaudeSession(fixture('claude332-session-registry-p.json'))).toMatchObject({ status: 'busy', entrypoint: 'sdk-cli' });
  });

  it('keeps waitingFor only with waiting, and says nothing for an older Claude or a half-written file', () => {
    const tui = JSON.parse(fixture('claude332-session-registry-tui.json')) as Record<string, unknown>;
    expect(parseClaudeSession(JSON.stringify({ ...tui, status: 'waiting', waitingFor: 'permission prompt' }))?.waitingFor).toBe('permission prompt');
    expect(parseClaudeSession(JSON.stringify({ ...tui, waitingFor: 'permission prompt' }))?.waitingFor).toBeNull();
    const { status: _status, ...old } = tui;
    expect(parseClaudeSession(JSON.stringify(old))).toBeNull();
    expect(parseClaudeSession(fixture('claude332-session-registry-tui.json').slice(0, 40))).toBeNull();
    expect(parseClaudeSession(JSON.stringify({ ...tui, status: 'sleeping' }))).toBeNull();
  });
});

describe('pidOfSessionFile', () => {
  it('takes <pid>.json only', () => {
    expect(pidOfSessionFile('17116.json')).toBe(17116);
    expect(pidOfSessionFile('17116.0f3a.key')).toBeNull();
    expect(pidOfSessionFile('17116.json.tmp')).toBeNull();
    expect(pidOfSessionFile('0.json')).toBeNull();
  });
});
