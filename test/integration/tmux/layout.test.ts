// sidebarLayout fed to a real tmux: select-layout accepts it, tmux reports exactly the shape we built
// (same cells, only tmux's own pane ids), and the sidebar - pane index 0 - is 30 columns wide.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLayout, layoutChecksum, layoutShape, leafWidths, sidebarLayout } from '../../../src/tmux/layout.js';
import { tmux } from '../../../src/tmux/command.js';
import { createTestServer } from '../../helpers/tmux-server.js';
import type { PaneId, WindowId } from '../../../src/tmux/ids.js';

const ts = createTestServer('layout');
// tmux creates its own socket folder for -L, but not the parent of an explicit -S path.
mkdirSync(dirname(ts.server.socketPath), { recursive: true, mode: 0o700 });
afterAll(() => ts.dispose());

const SIDEBAR = 30;
const PANE_FORMAT = '#{pane_index} #{pane_id} #{pane_width} #{pane_height} #{pane_left} #{pane_top}';
const IDLE = { kind: 'argv', argv: ['sleep', '3600'] } as const;

interface PaneInfo { index: number; id: PaneId; w: number; h: number; left: number; top: number }

async function panes(windowId: WindowId): Promise<PaneInfo[]> {
  const out = await ts.tmux(tmux.listPanesOfWindow(windowId, PANE_FORMAT));
  return out.trim().split('\n').map((l) => {
    const [index, id, w, h, left, top] = l.split(' ');
    return { index: Number(index), id: id! as PaneId, w: Number(w), h: Number(h), left: Number(left), top: Number(top) };
  });
}

describe.each([[200, 50], [120, 40], [80, 24], [300, 80]])('a %ix%i window', (width, height) => {
  it('takes sidebarLayout for 0..16 agents as it is', async () => {
    const session = `layout-${width}x${height}`;
    const windowId = (await ts.tmux(tmux.newSession({
      session, windowName: 'w', cwd: ts.root, width, height, program: IDLE, format: '#{window_id}',
    }))).trim() as WindowId;
    expect(windowId).toMatch(/^@\d+$/);

    for (let agents = 0; agents <= 16; agents++) {
      if (agents > 0) {
        // One more pane: split the largest one along its longer side.
        const largest = (await panes(windowId)).sort((a, b) => b.w * b.h - a.w * a.h)[0]!;
        await ts.tmux(tmux.splitWindow({ target: largest.id, cwd: ts.root, horizontal: largest.w >= largest.h * 2, program: IDLE, format: '#{pane_id}' }));
      }
      const before = await panes(windowId);
      expect(before).toHaveLength(agents + 1);

      const want = sidebarLayout(width, height, SIDEBAR, agents);
      await ts.tmux(tmux.selectLayout(windowId, want));
      const reported = (await ts.tmux(tmux.display(windowId, '#{window_layout}'))).trim();

      const what = `${agents} agents: want ${want}, tmux has ${reported}`;
      expect(layoutShape(reported), what).toBe(layoutShape(want));
      expect(describeLayout(reported), what).toEqual({ width, height, panes: agents + 1 });
      // tmux's checksum over its own string (with its pane ids) is the one we compute.
      const comma = reported.indexOf(',');
      expect(layoutChecksum(reported.slice(comma + 1))).toBe(reported.slice(0, comma));

      const after = (await panes(windowId)).sort((a, b) => a.index - b.index);
      const sidebar = after[0]!;
      expect(sidebar.index).toBe(0);
      expect(sidebar.id, 'select-layout keeps pane 0 in place').toBe(before.find((p) => p.index === 0)!.id);
      expect([sidebar.left, sidebar.top, sidebar.h]).toEqual([0, 0, height]);
      if (agents > 0) {
        expect(sidebar.w).toBe(SIDEBAR);
        expect(leafWidths(reported)[0]).toBe(SIDEBAR);
        for (const p of after.slice(1)) expect(p.left).toBeGreaterThanOrEqual(SIDEBAR + 1);
      } else expect(sidebar.w).toBe(width);

      // Applying it again changes nothing (the layout keeper relies on this to never loop).
      await ts.tmux(tmux.selectLayout(windowId, want));
      expect(layoutShape((await ts.tmux(tmux.display(windowId, '#{window_layout}'))).trim())).toBe(layoutShape(want));
    }
  });
});
