// The model a Claude agent is configured to run (agents/claude-model.ts), read from real settings
// files in a temp folder: the project's own files are the repository's, which may be symlinks to a
// FIFO or /dev/zero; the daemon reads them at every spawn.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredClaudeModel } from '../../../src/agents/claude-model.js';

let dir: string;
let cwd: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-claude-model-'));
  cwd = join(dir, 'repo');
  mkdirSync(join(cwd, '.claude'), { recursive: true });
  mkdirSync(join(dir, 'claude-home'));
  env = { HOME: join(dir, 'home'), CLAUDE_CONFIG_DIR: join(dir, 'claude-home') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('configuredClaudeModel', () => {
  it('takes --model, then ANTHROPIC_MODEL, then the project\'s local file, its file, the user\'s', () => {
    writeFileSync(join(dir, 'claude-home', 'settings.json'), '{"model":"sonnet"}');
    expect(configuredClaudeModel(['claude'], env, cwd)).toEqual({ model: 'sonnet', source: join(dir, 'claude-home', 'settings.json') });
    writeFileSync(join(cwd, '.claude', 'settings.json'), '{"model":"opus"}');
    expect(configuredClaudeModel(['claude'], env, cwd)?.model).toBe('opus');
    expect(configuredClaudeModel(['claude'], { ...env, ANTHROPIC_MODEL: 'haiku' }, cwd)?.model).toBe('haiku');
    expect(configuredClaudeModel(['claude', '--model', 'opus[1m]'], env, cwd)).toEqual({ model: 'opus[1m]', source: '--model' });
  });

  it('a project settings file linked to a FIFO or /dev/zero is skipped without reading it', async () => {
    writeFileSync(join(dir, 'claude-home', 'settings.json'), '{"model":"sonnet"}');
    await execa('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(cwd, '.claude', 'settings.local.json'));
    symlinkSync('/dev/zero', join(cwd, '.claude', 'settings.json'));
    // In a child: a blocked open would freeze this run instead of failing the test.
    const module = fileURLToPath(new URL('../../../dist/agents/claude-model.js', import.meta.url));
    const child = `const { configuredClaudeModel } = await import(process.argv[1]);
      console.log(JSON.stringify(configuredClaudeModel(['claude'], JSON.parse(process.argv[2]), process.argv[3])));`;
    const res = await execa(process.execPath, ['--input-type=module', '-e', child, module, JSON.stringify(env), cwd], { timeout: 10_000, reject: false });
    expect(res.timedOut).toBe(false);
    expect(JSON.parse(res.stdout)).toEqual({ model: 'sonnet', source: join(dir, 'claude-home', 'settings.json') });
  });
});
