// Landing in the checkout that has the target (git/land.ts), on a real repository: when git fails
// part way (a pre-commit hook refusing the squash commit), the rollback takes back what the merge
// wrote and nothing else: an edit the person saved meanwhile stays.
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { landBranch } from '../../../src/git/land.js';
import { TmuxcodexError } from '../../../src/errors.js';
import { gitIn, hermeticGitFolder } from '../../helpers/tree.js';

const folder = hermeticGitFolder('tmuxcodex-land-');

describe('landBranch in the target\'s checkout', () => {
  it('a squash whose commit a hook refuses is taken back, keeping the person\'s edit made while the hook ran', async () => {
    const repo = join(folder.dir(), 'repo');
    mkdirSync(repo);
    const git = (...a: string[]) => gitIn(repo, a, folder.env());
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.name', 'Person');
    await git('config', 'user.email', 'person@example.com');
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    writeFileSync(join(repo, 'notes.txt'), 'notes\n');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'base');
    const before = (await git('rev-parse', 'HEAD')).trim();
    await git('checkout', '-q', '-b', 'feat');
    writeFileSync(join(repo, 'a.txt'), 'a from the agent\n');
    await git('commit', '-q', '-am', 'agent work');
    await git('checkout', '-q', 'main');
    // The hook takes its time (lint, tests); meanwhile the person saves notes.txt. Then it fails.
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\nprintf "the person\'s edit\\n" > notes.txt\nexit 1\n');
    chmodSync(hook, 0o755);
    let error: unknown = null;
    await landBranch(repo, { branch: 'feat', target: 'main', method: 'squash', message: 'land feat' }).catch((e: unknown) => { error = e; });
    expect(error).toBeInstanceOf(TmuxcodexError);
    expect((error as TmuxcodexError).code).toBe('MERGE_FAILED');
    expect(readFileSync(join(repo, 'notes.txt'), 'utf8')).toBe('the person\'s edit\n');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n');
    expect((await git('rev-parse', 'HEAD')).trim()).toBe(before);
    expect(await git('diff', '--cached', '--name-only')).toBe('');
  });
});
