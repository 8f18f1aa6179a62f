// pr's GitHub address of a remote, for the compare page when gh is missing.
import { describe, expect, it } from 'vitest';
import { githubWebUrl } from '../../../src/agents/pull-request.js';

describe('githubWebUrl', () => {
  it('reads ssh and https GitHub remotes, and nothing else', () => {
    expect(githubWebUrl('git@github.com:me/repo.git')).toBe('https://github.com/me/repo');
    expect(githubWebUrl('https://token@github.com/me/repo/')).toBe('https://github.com/me/repo');
    expect(githubWebUrl('ssh://git@github.com/me/repo')).toBe('https://github.com/me/repo');
    expect(githubWebUrl('https://gitlab.com/me/repo.git')).toBeNull();
  });
});
