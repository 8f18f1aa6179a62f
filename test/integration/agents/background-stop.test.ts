// A kill right after a spawn: the background pass that gives a cloned node_modules' hardlinked
// files inodes of their own must be stopped, and finished touching the folder, before the
// worktree is removed (git's removal failed with "Directory not empty" while copies were written).
import { describe, expect, it } from 'vitest';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInBackground, stopBackgroundWork } from '../../../src/agents/provision/background.js';
import { unshareTree } from '../../../src/agents/provision/clone.js';

/** Every file under dir with its link count: what a writer in the folder would change. */
function state(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${p}:${statSync(p).nlink}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('background work on a new worktree', () => {
  it('is stopped by stopBackgroundWork: nothing is written after it returns, no temp copy is left, and the folder can be removed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tmuxcodex-bgstop-'));
    try {
      const snapshot = join(root, 'snapshot');
      const wt = join(root, 'wt');
      for (let i = 0; i < 3000; i++) {
        const pkg = `pkg-${Math.floor(i / 30)}`;
        if (i % 30 === 0) { mkdirSync(join(snapshot, pkg), { recursive: true }); mkdirSync(join(wt, 'node_modules', pkg), { recursive: true }); }
        writeFileSync(join(snapshot, pkg, `f${i % 30}.js`), `module.exports = ${i};\n`);
        linkSync(join(snapshot, pkg, `f${i % 30}.js`), join(wt, 'node_modules', pkg, `f${i % 30}.js`));
      }
      const done = runInBackground(wt, (signal) => unshareTree(join(wt, 'node_modules'), { gentle: true, signal }));
      await stopBackgroundWork(wt);
      const after = state(wt);
      expect(after.filter((f) => f.includes('.tmuxcodex-unshare'))).toEqual([]);
      // Stopped part way: some files still share the snapshot's inode (the pass is gentle: 3,000 files take far longer than the stop).
      expect(after.some((f) => f.endsWith(':2'))).toBe(true);
      // The job has ended by now (stop waited for it): the folder is as stop left it.
      await done;
      expect(state(wt)).toEqual(after);
      rmSync(wt, { recursive: true });
      expect(existsSync(wt)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a worktree without background work stops at once', async () => {
    await expect(stopBackgroundWork('/nonexistent/worktree')).resolves.toBeUndefined();
  });
});
