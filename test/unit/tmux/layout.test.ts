// The custom-layout builder: checksums tmux accepts, and sidebar layouts whose cells tile the window
// exactly (tmux's layout_check rejects a layout whose children do not add up to their parent).
import { describe, expect, it } from 'vitest';
import { describeLayout, gridShape, layoutChecksum, layoutShape, leafWidths, sidebarLayout, splitSizes } from '../../../src/tmux/layout.js';

/**
 * Layouts printed by tmux 3.3a itself (`#{window_layout}`), recorded on a throwaway server:
 *   tmux -L tmuxcodex-unit-PID -f /dev/null new -d -x 200 -y 50; split-window -h; split-window -v;
 *   split-window -h -t 0; select-layout tiled; select-layout main-vertical; resize-window -x 80 -y 24;
 *   select-layout even-horizontal
 * and, on a second one, new -d -x 300 -y 80 with 12 split-window + select-layout tiled, then
 * main-horizontal, resize-window -x 120 -y 40, even-vertical.
 */
const TMUX_LAYOUTS = [
  'ac9d,200x50,0,0,0',
  'cf3a,200x50,0,0{100x50,0,0,0,99x50,101,0,1}',
  '21be,200x50,0,0{100x50,0,0,0,99x50,101,0[99x25,101,0,1,99x24,101,26,2]}',
  '423d,200x50,0,0{50x50,0,0,0,49x50,51,0,3,99x50,101,0[99x25,101,0,1,99x24,101,26,2]}',
  'd45b,200x50,0,0[200x24,0,0{99x24,0,0,0,100x24,100,0,3},200x25,0,25{99x25,0,25,1,100x25,100,25,2}]',
  '3ffd,200x50,0,0{80x50,0,0,0,119x50,81,0[119x16,81,0,3,119x16,81,17,1,119x16,81,34,2]}',
  'f687,80x24,0,0{19x24,0,0,0,19x24,20,0,3,19x24,40,0,1,20x24,60,0,2}',
  '35ed,300x80,0,0[300x19,0,0{74x19,0,0,0,74x19,75,0,1,74x19,150,0,2,75x19,225,0,3},300x19,0,20{74x19,0,20,4,74x19,75,20,5,74x19,150,20,6,75x19,225,20,7},300x19,0,40{74x19,0,40,8,74x19,75,40,9,74x19,150,40,10,75x19,225,40,11},300x20,0,60,12]',
  '8043,300x80,0,0[300x24,0,0,0,300x55,0,25{24x55,0,25,1,24x55,25,25,2,24x55,50,25,3,24x55,75,25,4,24x55,100,25,5,24x55,125,25,6,24x55,150,25,7,24x55,175,25,8,24x55,200,25,9,24x55,225,25,10,24x55,250,25,11,25x55,275,25,12}]',
  'bcc7,120x40,0,0[120x4,0,0,0,120x35,0,5{9x35,0,5,1,9x35,10,5,2,9x35,20,5,3,9x35,30,5,4,9x35,40,5,5,9x35,50,5,6,9x35,60,5,7,9x35,70,5,8,9x35,80,5,9,9x35,90,5,10,9x35,100,5,11,10x35,110,5,12}]',
  '6ad8,120x40,0,0[120x2,0,0,0,120x2,0,3,1,120x2,0,6,2,120x2,0,9,3,120x2,0,12,4,120x2,0,15,5,120x2,0,18,6,120x2,0,21,7,120x2,0,24,8,120x2,0,27,9,120x2,0,30,10,120x2,0,33,11,120x4,0,36,12]',
];

/** A parsed layout cell: a leaf (id) or a split ('{' left-right, '[' top-bottom) with children. */
interface Node { w: number; h: number; x: number; y: number; id?: number; split?: '{' | '['; children?: Node[] }

/** A strict recursive-descent parser of tmux's layout grammar (layout-custom.c layout_construct). */
function parseLayout(layout: string): { checksum: string; body: string; root: Node } {
  const m = /^([0-9a-f]{4}),(.*)$/.exec(layout);
  if (!m) throw new Error(`no checksum in ${layout}`);
  const body = m[2]!;
  let i = 0;
  const num = (): number => {
    const s = /^\d+/.exec(body.slice(i));
    if (!s) throw new Error(`number expected at ${i} in ${body}`);
    i += s[0].length;
    return Number(s[0]);
  };
  const eat = (ch: string) => {
    if (body[i] !== ch) throw new Error(`"${ch}" expected at ${i} in ${body}, got "${body[i]}"`);
    i++;
  };
  const cell = (): Node => {
    const w = num(); eat('x'); const h = num(); eat(','); const x = num(); eat(','); const y = num();
    const c = body[i];
    if (c === ',') { i++; return { w, h, x, y, id: num() }; }
    if (c === '{' || c === '[') {
      i++;
      const children = [cell()];
      while (body[i] === ',') { i++; children.push(cell()); }
      eat(c === '{' ? '}' : ']');
      return { w, h, x, y, split: c, children };
    }
    throw new Error(`"," "{" or "[" expected at ${i} in ${body}`);
  };
  const root = cell();
  if (i !== body.length) throw new Error(`trailing text at ${i} in ${body}`);
  return { checksum: m[1]!, body, root };
}

function leaves(n: Node): Node[] {
  return n.children ? n.children.flatMap(leaves) : [n];
}

/** What tmux's layout_check demands, recursively: children fill their parent with 1-cell borders. */
function checkTiling(n: Node): void {
  if (!n.children) {
    expect(n.w, 'leaf width').toBeGreaterThan(0);
    expect(n.h, 'leaf height').toBeGreaterThan(0);
    return;
  }
  expect(n.children.length, 'a split has at least two children').toBeGreaterThanOrEqual(2);
  let x = n.x;
  let y = n.y;
  for (const ch of n.children) {
    if (n.split === '{') {
      expect([ch.x, ch.y, ch.h]).toEqual([x, n.y, n.h]);
      x += ch.w + 1;
    } else {
      expect([ch.x, ch.y, ch.w]).toEqual([n.x, y, n.w]);
      y += ch.h + 1;
    }
    // tmux flattens a split into a same-direction parent; nesting the same direction is never needed.
    if (ch.split) expect(ch.split).not.toBe(n.split);
    checkTiling(ch);
  }
  if (n.split === '{') expect(x - 1, 'children widths + borders').toBe(n.x + n.w);
  else expect(y - 1, 'children heights + borders').toBe(n.y + n.h);
}

/**
 * The sidebar layout read as a grid: the sidebar, one vertical border, then rows of agents. In every
 * row the widths plus one border between neighbours fill the agent area; the row heights plus one
 * border between rows fill the window height; no two leaves overlap; every cell that no leaf covers
 * is one of those borders.
 */
function checkSidebarGrid(root: Node): void {
  const [sidebar, ...agents] = leaves(root);
  if (agents.length === 0) return;
  const areaX = sidebar!.w + 1;
  const areaW = root.w - areaX;
  const rows = new Map<number, Node[]>();
  for (const l of agents) rows.set(l.y, [...(rows.get(l.y) ?? []), l]);
  const ys = [...rows.keys()].sort((a, b) => a - b);
  let y = 0;
  let borderCells = root.h; // the column between sidebar and agents
  for (const [k, ry] of ys.entries()) {
    const row = rows.get(ry)!.sort((a, b) => a.x - b.x);
    expect(ry, `row ${k} starts one border below the previous`).toBe(y);
    expect(new Set(row.map((l) => l.h)).size, `row ${k} has one height`).toBe(1);
    expect(row.reduce((s, l) => s + l.w, 0) + row.length - 1, `row ${k}: widths + borders`).toBe(areaW);
    let x = areaX;
    for (const l of row) { expect(l.x).toBe(x); x += l.w + 1; }
    borderCells += (row.length - 1) * row[0]!.h + (k > 0 ? areaW : 0);
    y += row[0]!.h + 1;
  }
  expect(y - 1, 'heights + borders').toBe(root.h);
  const covered = new Uint8Array(root.w * root.h);
  let twice = 0;
  for (const l of [sidebar!, ...agents]) {
    expect(l.x + l.w).toBeLessThanOrEqual(root.w);
    expect(l.y + l.h).toBeLessThanOrEqual(root.h);
    for (let yy = l.y; yy < l.y + l.h; yy++) for (let xx = l.x; xx < l.x + l.w; xx++) twice += covered[yy * root.w + xx]!++;
  }
  expect(twice, 'cells covered by two leaves').toBe(0);
  expect(covered.filter((c) => c === 0).length, 'uncovered cells are exactly the borders').toBe(borderCells);
}

describe('layoutChecksum', () => {
  it.each(TMUX_LAYOUTS)('matches the checksum tmux printed for %s', (layout) => {
    const comma = layout.indexOf(',');
    expect(layoutChecksum(layout.slice(comma + 1))).toBe(layout.slice(0, comma));
  });

  it('is four lowercase hex digits, zero-padded', () => {
    expect(layoutChecksum('')).toBe('0000');
    expect(layoutChecksum('\x01')).toBe('0001');
    for (const s of ['a', 'zzzzzzzz', '1x1,0,0,0', 'x'.repeat(1000)]) expect(layoutChecksum(s)).toMatch(/^[0-9a-f]{4}$/);
  });

  it('depends on every character and on their order', () => {
    const body = '200x50,0,0{100x50,0,0,0,99x50,101,0,1}';
    expect(layoutChecksum(body.replace('99x50', '98x50'))).not.toBe(layoutChecksum(body));
    expect(layoutChecksum('12')).not.toBe(layoutChecksum('21'));
  });
});

describe('splitSizes', () => {
  it('gives the whole length to a single part', () => {
    expect(splitSizes(200, 1)).toEqual([200]);
  });

  it('leaves one border cell between parts and gives the remainder to earlier parts', () => {
    expect(splitSizes(169, 2)).toEqual([84, 84]);
    expect(splitSizes(170, 2)).toEqual([85, 84]);
    expect(splitSizes(10, 3)).toEqual([3, 3, 2]);
    expect(splitSizes(49, 4)).toEqual([12, 12, 11, 11]);
  });

  it('always sums with its borders to the total, parts differing by at most one', () => {
    for (let total = 1; total <= 300; total += 7) {
      for (let n = 1; n <= 8 && 2 * n - 1 <= total; n++) {
        const parts = splitSizes(total, n);
        expect(parts).toHaveLength(n);
        expect(parts.reduce((a, b) => a + b, 0) + n - 1).toBe(total);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
        expect([...parts].sort((a, b) => b - a)).toEqual(parts);
        expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
      }
    }
  });
});

describe('gridShape', () => {
  it.each([
    [1, 1, 1], [2, 1, 2], [3, 2, 2], [4, 2, 2], [5, 2, 3], [6, 2, 3], [7, 3, 3], [9, 3, 3], [10, 3, 4], [12, 3, 4], [13, 4, 4], [16, 4, 4],
  ])('%i tiles are %i rows x %i columns', (n, rows, cols) => {
    expect(gridShape(n)).toEqual({ rows, cols });
  });

  it('fits n with no empty row, and is never taller than wide', () => {
    for (let n = 1; n <= 64; n++) {
      const { rows, cols } = gridShape(n);
      expect(rows * cols).toBeGreaterThanOrEqual(n);
      expect((rows - 1) * cols).toBeLessThan(n);
      expect(cols).toBeGreaterThanOrEqual(rows);
    }
  });
});

describe('sidebarLayout', () => {
  it('is the whole window as one pane when there are no agents', () => {
    expect(sidebarLayout(200, 50, 30, 0)).toBe('ac9d,200x50,0,0,0'); // the same string tmux printed for a fresh window
  });

  it('puts one row of agents directly beside the sidebar', () => {
    expect(layoutShape(sidebarLayout(200, 50, 30, 1))).toBe('200x50,0,0{30x50,0,0,169x50,31,0}');
    expect(layoutShape(sidebarLayout(200, 50, 30, 2))).toBe('200x50,0,0{30x50,0,0,84x50,31,0,84x50,116,0}');
  });

  it('nests several rows of agents in a top-to-bottom split, a lone last agent spanning its row', () => {
    expect(layoutShape(sidebarLayout(200, 50, 30, 3))).toBe(
      '200x50,0,0{30x50,0,0,169x50,31,0[169x25,31,0{84x25,31,0,84x25,116,0},169x24,31,26]}');
  });

  const SIZES: [number, number][] = [[200, 50], [120, 40], [80, 24], [300, 80]];
  const cases = SIZES.flatMap(([w, h]) => Array.from({ length: 17 }, (_, agents) => [w, h, agents] as const));

  it.each(cases)('%ix%i with %i agents tiles the window with a 30-column sidebar', (w, h, agents) => {
    const layout = sidebarLayout(w, h, 30, agents);
    const { checksum, body, root } = parseLayout(layout);
    expect(checksum).toBe(layoutChecksum(body));
    expect([root.w, root.h, root.x, root.y]).toEqual([w, h, 0, 0]);
    const ls = leaves(root);
    expect(ls).toHaveLength(agents + 1);
    // The sidebar is the first leaf (tmux gives it pane index 0): full height, exactly 30 wide, at the left.
    if (agents === 0) expect(ls[0]).toMatchObject({ w, h, x: 0, y: 0 });
    else {
      expect(root.split).toBe('{');
      expect(ls[0]).toMatchObject({ w: 30, h, x: 0, y: 0 });
      for (const l of ls.slice(1)) expect(l.x).toBeGreaterThanOrEqual(31);
    }
    checkTiling(root);
    checkSidebarGrid(root);
    // Agent panes are balanced: widths differ by at most one within a row, heights by one across rows.
    const agentLeaves = ls.slice(1);
    if (agentLeaves.length > 0) {
      const { rows, cols } = gridShape(agents);
      const byRow = new Map<number, Node[]>();
      for (const l of agentLeaves) byRow.set(l.y, [...(byRow.get(l.y) ?? []), l]);
      expect(byRow.size).toBe(rows);
      for (const row of byRow.values()) {
        expect(row.length).toBeLessThanOrEqual(cols);
        expect(Math.max(...row.map((l) => l.w)) - Math.min(...row.map((l) => l.w))).toBeLessThanOrEqual(1);
      }
      const heights = [...byRow.values()].map((r) => r[0]!.h);
      expect(Math.max(...heights) - Math.min(...heights)).toBeLessThanOrEqual(1);
    }
    // The helpers read back what was built.
    expect(describeLayout(layout)).toEqual({ width: w, height: h, panes: agents + 1 });
    expect(leafWidths(layout)).toEqual(ls.map((l) => l.w));
  });

  it('keeps other sidebar widths exact', () => {
    for (const side of [10, 24, 45, 120]) {
      const ls = leaves(parseLayout(sidebarLayout(300, 80, side, 5)).root);
      expect(ls[0]!.w).toBe(side);
      checkTiling(parseLayout(sidebarLayout(300, 80, side, 5)).root);
    }
  });

  it('narrows a sidebar wider than the window so the agents keep at least a column', () => {
    const { root } = parseLayout(sidebarLayout(40, 10, 120, 1));
    checkTiling(root);
    expect(leaves(root).map((l) => l.w)).toEqual([37, 2]);
  });
});

describe('describeLayout', () => {
  it('reads size and pane count from layouts tmux printed', () => {
    expect(describeLayout(TMUX_LAYOUTS[0]!)).toEqual({ width: 200, height: 50, panes: 1 });
    expect(describeLayout(TMUX_LAYOUTS[3]!)).toEqual({ width: 200, height: 50, panes: 4 });
    expect(describeLayout(TMUX_LAYOUTS[7]!)).toEqual({ width: 300, height: 80, panes: 13 });
    expect(describeLayout(TMUX_LAYOUTS[10]!)).toEqual({ width: 120, height: 40, panes: 13 });
  });

  it('rejects strings that are not layouts', () => {
    expect(describeLayout('')).toBeNull();
    expect(describeLayout('200x50,0,0,0')).toBeNull(); // no checksum
    expect(describeLayout('ABCD,200x50,0,0,0')).toBeNull(); // tmux prints lowercase hex
    expect(describeLayout('not a layout')).toBeNull();
  });
});

describe('leafWidths', () => {
  it('lists leaf widths in layout order, ignoring split cells', () => {
    expect(leafWidths(TMUX_LAYOUTS[0]!)).toEqual([200]);
    expect(leafWidths(TMUX_LAYOUTS[3]!)).toEqual([50, 49, 99, 99]);
    expect(leafWidths(TMUX_LAYOUTS[5]!)).toEqual([80, 119, 119, 119]);
    expect(leafWidths(TMUX_LAYOUTS[7]!)).toEqual([74, 74, 74, 75, 74, 74, 74, 75, 74, 74, 74, 75, 300]);
  });
});

describe('layoutShape', () => {
  it('drops the checksum and the pane ids but keeps every size and offset', () => {
    expect(layoutShape(TMUX_LAYOUTS[2]!)).toBe('200x50,0,0{100x50,0,0,99x50,101,0[99x25,101,0,99x24,101,26]}');
    expect(layoutShape('35ed,300x80,0,0[300x19,0,0,10,300x60,0,20,123]')).toBe('300x80,0,0[300x19,0,0,300x60,0,20]');
  });

  it('makes layouts that differ only in pane ids equal, and layouts of different geometry different', () => {
    const a = 'cf3a,200x50,0,0{100x50,0,0,0,99x50,101,0,1}';
    const renumbered = '0000,200x50,0,0{100x50,0,0,17,99x50,101,0,42}';
    expect(layoutShape(renumbered)).toBe(layoutShape(a));
    expect(layoutShape('0000,200x50,0,0{99x50,0,0,0,100x50,100,0,1}')).not.toBe(layoutShape(a));
  });

  it('agrees with tmux on our own layouts: shape of what we build is stable under renumbering', () => {
    const want = sidebarLayout(200, 50, 30, 5);
    const asTmuxWouldNumber = want.replace(/(\d+x\d+,\d+,\d+),(\d+)/g, (_, cell: string, id: string) => `${cell},${Number(id) + 100}`);
    expect(asTmuxWouldNumber).not.toBe(want);
    expect(layoutShape(asTmuxWouldNumber)).toBe(layoutShape(want));
  });
});
