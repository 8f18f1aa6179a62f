// The `tmuxcodex` command's first steps, run as a user runs them: the launcher (src/bin/launch.cjs,
// the package's bin) says which Node is needed and that dist/ is missing before anything else can
// fail; an unknown command is reported as one (with the nearest command) before its options are judged.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { isolatedEnv } from '../helpers/tmux-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAUNCHER = join(ROOT, 'src/bin/launch.cjs');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; bin: Record<string, string> };
const tmp = mkdtempSync(join(tmpdir(), 'tmuxcodex-test-entry-'));
const env = isolatedEnv(tmp);

afterAll(() => {
  if (!process.env.TMUXCODEX_TEST_KEEP) rmSync(tmp, { recursive: true, force: true });
});

/** Runs a launcher with node (plus node options) in the isolated environment; never throws. */
async function launch(launcher: string, args: string[], nodeOptions: string[] = []) {
  const res = await execa(process.execPath, [...nodeOptions, launcher, ...args], { env, extendEnv: false, reject: false, cwd: tmp, timeout: 20_000 });
  return { stdout: String(res.stdout), stderr: String(res.stderr), exitCode: res.exitCode };
}

describe('the launcher', () => {
  it('is the package bin', () => {
    expect(PKG.bin.tmuxcodex).toBe('src/bin/launch.cjs');
  });

  it('prints the version', async () => {
    expect(await launch(LAUNCHER, ['--version'])).toMatchObject({ stdout: PKG.version, exitCode: 0 });
  });

  it('on an older Node says which Node is needed, before anything else runs', async () => {
    const preload = join(tmp, 'old-node.cjs');
    writeFileSync(preload, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.20.4' } });\n");
    for (const args of [['list'], ['--version'], ['up', '--detached']]) {
      const res = await launch(LAUNCHER, args, ['--require', preload]);
      expect(res.exitCode, args.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('needs Node 20.19 or newer; this is Node 18.20.4');
      expect(res.stderr).toMatch(/Install a current Node/);
    }
  });

  it('uses only syntax that old Nodes parse (no ES2015+ tokens), so it can say the above', () => {
    const code = readFileSync(LAUNCHER, 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('//')).join('\n');
    for (const token of ['=>', 'const ', 'let ', '`', 'class ', '...', 'async ', 'await ', '?.', '??']) expect(code, token).not.toContain(token);
    expect(code).not.toMatch(/^\s*import\s/m);
  });

  it('in a package without dist/ says so and what to do, for a source checkout and for an install', async () => {
    const checkout = join(tmp, 'checkout');
    mkdirSync(join(checkout, 'src/bin'), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
    copyFileSync(LAUNCHER, join(checkout, 'src/bin/launch.cjs'));
    writeFileSync(join(checkout, 'src/bin/tmuxcodex.ts'), '');
    const fromSource = await launch(join(checkout, 'src/bin/launch.cjs'), ['list']);
    expect(fromSource.exitCode).toBe(2);
    expect(fromSource.stderr).toContain(`${join(checkout, 'dist/bin/tmuxcodex.js')} is missing`);
    expect(fromSource.stderr).toContain(`cd ${checkout} && npm install`);

    rmSync(join(checkout, 'src/bin/tmuxcodex.ts'));
    const installed = await launch(join(checkout, 'src/bin/launch.cjs'), ['list']);
    expect(installed.exitCode).toBe(2);
    expect(installed.stderr).toMatch(/installed without its dist\/ folder; reinstall it: npm install -g tmuxcodex/);
  });
});

describe('an unknown command', () => {
  it('is reported as one before its options are judged', async () => {
    const res = await launch(LAUNCHER, ['shipp', '--to', 'x']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/^tmuxcodex: Unknown command "shipp"\./);
    expect(res.stderr).not.toMatch(/Unknown option/);
    expect(res.stdout).toBe('');
  });

  it('names the nearest command, also after global options and with --json', async () => {
    expect((await launch(LAUNCHER, ['spwan', '--name', 'x'])).stderr).toMatch(/Unknown command "spwan"\. Did you mean `spawn`\?/);
    expect((await launch(LAUNCHER, ['-L', 'work', 'dameon', 'stop'])).stderr).toMatch(/Did you mean `daemon`\?/);
    const json = await launch(LAUNCHER, ['lst', '--bogus', '--json']);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command "lst". Did you mean `list`?' } });
  });

  it('a mistyped sub-action is named before the options it would judge (the same rule, one level down)', async () => {
    const daemon = await launch(LAUNCHER, ['daemon', 'strat', '--foo']);
    expect(daemon.exitCode).toBe(2);
    expect(daemon.stderr).toMatch(/Unknown daemon action "strat"\. Did you mean `daemon start`\?\n\s+Use one of: start, stop, status, run\./);
    expect((await launch(LAUNCHER, ['hooks', 'instal', '--claude', '--bogus'])).stderr).toMatch(/Unknown hooks action "instal"\. Did you mean `hooks install`\?/);
    // A right sub-action with a wrong option: the option is the mistake.
    expect((await launch(LAUNCHER, ['daemon', 'status', '--bogus'])).stderr).toMatch(/Unknown option --bogus for `daemon`/);
  });

  it('after help is one too', async () => {
    const res = await launch(LAUNCHER, ['help', 'lisst']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/Unknown command "lisst"\. Did you mean `list`\?/);
  });
});
