// Profiles: what a pane runs for an agent CLI, with a session id and a task; the message when the
// CLI is not installed names how to install it.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, launchArgv, launchOf, programFor } from '../../../src/agents/profiles.js';
import { TmuxcodexError } from '../../../src/errors.js';

const env = { PATH: '/usr/bin:/bin' };

describe('programFor', () => {
  it('puts the session arguments before the task, the task after the profile\'s prefix', () => {
    const profiles = { ...BUILTIN_PROFILES, claude: { ...BUILTIN_PROFILES.claude!, argv: ['true'] } };
    expect(programFor({ profile: 'claude', cmd: null, task: 'fix it', profiles, env, sessionArgs: ['--session-id', 'abc'] }))
      .toEqual({ kind: 'argv', argv: ['true', '--session-id', 'abc', '--', 'fix it'] });
  });

  it('says how to install a CLI that is not on PATH (exit 2)', () => {
    let err: unknown;
    try { programFor({ profile: 'codex', cmd: null, task: null, env }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TmuxcodexError);
    expect((err as TmuxcodexError).exitCode).toBe(2);
    expect((err as TmuxcodexError).hint).toBe('Install it (npm install -g @openai/codex), or run another program with --cmd "...".');
  });
});

describe('launch', () => {
  it('a profile without a task prefix takes no task; resume arguments replace a task', () => {
    const aider = launchOf(BUILTIN_PROFILES.aider!, { K: 'v' })!;
    expect(launchArgv(aider, [], 'ignored')).toEqual(['aider']);
    expect(aider.env).toEqual({ K: 'v' });
    expect(launchArgv(launchOf(BUILTIN_PROFILES.codex!, {})!, ['resume', 'id-1'], null)).toEqual(['codex', 'resume', 'id-1']);
    expect(launchOf(BUILTIN_PROFILES.shell!, {})).toBeNull();
  });
});
