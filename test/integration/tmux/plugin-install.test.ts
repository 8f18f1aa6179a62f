// The plugin file where dist/ is missing, on a real tmux server: a TPM clone uses a `tmuxcodex` on
// PATH, else builds itself once in the background and then binds its keys (or says the build failed,
// with the log and what to run); a source checkout that was never built says what to run. TPM runs
// the top-level tmuxcodex.tmux with its output thrown away, so what the plugin says is also kept in
// @tmuxcodex-plugin-status. `npm` is a fake here (the seam): the real build is npm's business, and
// the package test builds for real.
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmux } from '../../../src/tmux/command.js';
import { createTestServer } from '../../helpers/tmux-server.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ts = createTestServer('plugin-install');
const plugins = join(ts.root, 'plugins');
const bin = join(ts.root, 'bin');
const basePath = `${bin}:/usr/local/bin:/usr/bin:/bin`;

/** A copy of what `git clone` gives: no dist/, no node_modules/. */
function cloneAt(dir: string): string {
  mkdirSync(join(dir, 'src/bin'), { recursive: true });
  for (const f of ['package.json', 'tmuxcodex.tmux']) copyFileSync(join(ROOT, f), join(dir, f));
  cpSync(join(ROOT, 'tmux'), join(dir, 'tmux'), { recursive: true });
  copyFileSync(join(ROOT, 'src/bin/launch.cjs'), join(dir, 'src/bin/launch.cjs'));
  return dir;
}

/** An executable shell script at path. */
function script(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A fake npm in its own folder: records each call, then either "builds" (links the real dist/) or fails. */
function fakeNpm(name: string, builds: boolean): { dir: string; calls: () => string[] } {
  const dir = join(ts.root, `npm-${name}`);
  const log = join(dir, 'calls');
  script(join(dir, 'npm'), `echo "$PWD $*" >> '${log}'\n` + (builds
    ? `echo building; ln -s '${join(ROOT, 'dist')}' dist && ln -s '${join(ROOT, 'node_modules')}' node_modules`
    : 'echo "npm ERR! fake failure: no network" >&2; exit 1'));
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

/**
 * Runs a plugin file as tmux.conf's run-shell (or TPM) does, with PATH as given. Says whether it
 * printed anything: tmux shows run-shell's output in the pane's view mode (capture-pane cannot read it).
 */
async function runPlugin(file: string, path: string): Promise<{ printed: boolean }> {
  await ts.tmux(tmux.raw('set-environment', '-g', 'PATH', path));
  await ts.tmux(tmux.raw('unbind-key', '-a', '-T', 'tmuxcodex')).catch(() => {}); // no table yet
  await ts.tmux(tmux.raw('set-option', '-gu', '@tmuxcodex-plugin-status'));
  await ts.tmux(tmux.raw('send-keys', '-t', 'main', '-X', 'cancel')).catch(() => {}); // leave a view mode left from before
  await ts.tmux(tmux.runShell(file));
  return { printed: (await ts.tmux(tmux.raw('display-message', '-p', '-t', 'main', '#{pane_mode}'))).trim() === 'view-mode' };
}

const boundKeys = async () => (await ts.tmux(tmux.raw('list-keys', '-T', 'tmuxcodex')).catch(() => '')).split('\n').filter(Boolean).length;
const pluginStatus = async () => (await ts.tmux(tmux.showGlobalOption('@tmuxcodex-plugin-status'))).trim();

beforeAll(async () => {
  mkdirSync(join(ts.env.TMUX_TMPDIR!, `tmux-${process.getuid!()}`), { recursive: true, mode: 0o700 });
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, 'node'));
  await ts.tmux(tmux.raw('new-session', '-d', '-s', 'main', 'sleep 600'));
  // As TPM does before it runs the plugins.
  await ts.tmux(tmux.raw('set-environment', '-g', 'TMUX_PLUGIN_MANAGER_PATH', `${plugins}/`));
});

afterAll(async () => {
  await ts.dispose();
});

describe('a TPM clone (no dist/)', () => {
  it('uses the tmuxcodex on PATH: the key table is bound', async () => {
    const clone = cloneAt(join(plugins, 'tmuxcodex-path'));
    const onPath = join(ts.root, 'installed');
    script(join(onPath, 'tmuxcodex'), `exec node '${join(ROOT, 'src/bin/launch.cjs')}' "$@"`);
    const npm = fakeNpm('unused', false);
    await runPlugin(join(clone, 'tmuxcodex.tmux'), `${onPath}:${npm.dir}:${basePath}`);
    expect(await boundKeys()).toBeGreaterThan(10);
    expect(await pluginStatus()).toBe('keys bound (prefix + a)');
    expect(npm.calls()).toEqual([]);
  });

  it('without a tmuxcodex on PATH builds itself once in the background, says so, then binds the keys', async () => {
    const clone = cloneAt(join(plugins, 'tmuxcodex-build'));
    const npm = fakeNpm('builds', true);
    const { printed } = await runPlugin(join(clone, 'tmuxcodex.tmux'), `${npm.dir}:${basePath}`);
    expect(printed).toBe(true);
    expect(await pluginStatus()).toMatch(/^(building the plugin in the background \(npm install in .*tmuxcodex-build; log: .*plugin-build\.log\)|built; keys bound)/);
    await waitFor(async () => (await pluginStatus()).startsWith('built; keys bound'), { timeoutMs: 15_000, what: 'the background build to bind the keys' });
    expect(await boundKeys()).toBeGreaterThan(10);
    expect(npm.calls()).toEqual([`${clone} install --no-audit --no-fund`]);
    // Built now: the next load binds at once and builds nothing.
    await runPlugin(join(clone, 'tmuxcodex.tmux'), `${npm.dir}:${basePath}`);
    expect(await boundKeys()).toBeGreaterThan(10);
    expect(npm.calls()).toHaveLength(1);
  });

  it('says when the build failed, with its log and what to run; no keys are bound', async () => {
    const clone = cloneAt(join(plugins, 'tmuxcodex-fail'));
    const npm = fakeNpm('fails', false);
    await runPlugin(join(clone, 'tmuxcodex.tmux'), `${npm.dir}:${basePath}`);
    await waitFor(async () => (await pluginStatus()).startsWith('building the plugin failed'), { timeoutMs: 15_000, what: 'the failed build to be reported' });
    const status = await pluginStatus();
    expect(status).toContain(`log: ${join(clone, 'plugin-build.log')}`);
    expect(readFileSync(join(clone, 'plugin-build.log'), 'utf8')).toContain('npm ERR! fake failure');
    expect(existsSync(join(clone, '.plugin-build.lock'))).toBe(false);
    expect(status).toContain(`Run: cd '${clone}' && npm install`);
    expect(await boundKeys()).toBe(0);
  });
});

describe('a source checkout that was never built', () => {
  it('says what to run, and builds nothing', async () => {
    const checkout = cloneAt(join(ts.root, 'src-checkout'));
    const npm = fakeNpm('checkout', true);
    const { printed } = await runPlugin(join(checkout, 'tmux/tmuxcodex.tmux'), `${npm.dir}:${basePath}`);
    expect(printed).toBe(true);
    expect(await pluginStatus()).toContain(`this checkout (${checkout}) was never built, and no tmuxcodex is on PATH. Run: cd '${checkout}' && npm install`);
    expect(await boundKeys()).toBe(0);
    expect(npm.calls()).toEqual([]);
  });

  it('is not taken for a TPM clone when TPM is not there (an empty TMUX_PLUGIN_MANAGER_PATH matched every folder)', async () => {
    const checkout = cloneAt(join(ts.root, 'no-tpm-checkout'));
    const npm = fakeNpm('no-tpm', true);
    await ts.tmux(tmux.raw('set-environment', '-gu', 'TMUX_PLUGIN_MANAGER_PATH'));
    try {
      await runPlugin(join(checkout, 'tmux/tmuxcodex.tmux'), `${npm.dir}:${basePath}`);
    } finally {
      await ts.tmux(tmux.raw('set-environment', '-g', 'TMUX_PLUGIN_MANAGER_PATH', `${plugins}/`));
    }
    expect(await pluginStatus()).toContain('was never built');
    expect(npm.calls()).toEqual([]);
  });
});
