// Custom tmux layouts: a fixed-width sidebar at pane index 0, agents tiled beside it. Pure.

/** tmux's layout checksum (layout-custom.c layout_checksum), as 4 hex digits. */
export function layoutChecksum(body: string): string {
  let csum = 0;
  for (let i = 0; i < body.length; i++) csum = ((csum >> 1) + ((csum & 1) << 15) + body.charCodeAt(i)) & 0xffff;
  return csum.toString(16).padStart(4, '0');
}

/** Splits total cells into n parts separated by 1-cell borders; earlier parts get the remainder. */
export function splitSizes(total: number, n: number): number[] {
  const usable = total - (n - 1);
  const base = Math.floor(usable / n);
  const extra = usable - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Rows x columns for n tiles: as square as possible, wider than tall. */
export function gridShape(n: number): { rows: number; cols: number } {
  const cols = Math.ceil(Math.sqrt(n));
  return { rows: Math.ceil(n / cols), cols };
}

interface Cell { w: number; h: number; x: number; y: number }

function leaf(c: Cell, id: number): string {
  return `${c.w}x${c.h},${c.x},${c.y},${id}`;
}

/** The agent cells inside area as layout fragments: one per row when rows > 1, else one per cell. */
function gridParts(area: Cell, n: number, firstId: number): { rows: number; parts: string[] } {
  const { rows, cols } = gridShape(n);
  const heights = splitSizes(area.h, rows);
  let y = area.y;
  let id = firstId;
  const rowParts: string[] = [];
  const allCells: string[] = [];
  for (let r = 0; r < rows; r++) {
    const inRow = Math.min(cols, n - r * cols);
    let x = area.x;
    const cells: string[] = [];
    for (const w of splitSizes(area.w, inRow)) {
      cells.push(leaf({ w, h: heights[r]!, x, y }, id++));
      x += w + 1;
    }
    allCells.push(...cells);
    rowParts.push(inRow === 1 ? cells[0]! : `${area.w}x${heights[r]!},${area.x},${y}{${cells.join(',')}}`);
    y += heights[r]! + 1;
  }
  return rows === 1 ? { rows, parts: allCells } : { rows, parts: rowParts };
}

/**
 * The layout string for a window of width x height with a sidebar of sidebarWidth columns at
 * index 0 and `agents` panes tiled to its right. tmux ignores the pane ids in the string and fills
 * cells in pane-index order, which is why the sidebar must be pane index 0.
 */
export function sidebarLayout(width: number, height: number, sidebarWidth: number, agents: number): string {
  const side = Math.max(1, Math.min(sidebarWidth, width - 3));
  let body: string;
  if (agents === 0) body = leaf({ w: width, h: height, x: 0, y: 0 }, 0);
  else {
    const area: Cell = { w: width - side - 1, h: height, x: side + 1, y: 0 };
    const { rows, parts } = gridParts(area, agents, 1);
    // One row of agents sits directly in the root split; several rows nest as a vertical split.
    const agentsPart = rows === 1 ? parts.join(',') : `${area.w}x${area.h},${area.x},0[${parts.join(',')}]`;
    body = `${width}x${height},0,0{${leaf({ w: side, h: height, x: 0, y: 0 }, 0)},${agentsPart}}`;
  }
  return `${layoutChecksum(body)},${body}`;
}

/** True when every agent cell of sidebarLayout would be at least 2x2 (tmux rejects smaller). */
export function sidebarLayoutFits(width: number, height: number, sidebarWidth: number, agents: number): boolean {
  if (agents === 0) return width >= 1 && height >= 1;
  const side = Math.max(1, Math.min(sidebarWidth, width - 3));
  const { rows, cols } = gridShape(agents);
  const areaW = width - side - 1;
  return splitSizes(areaW, cols).every((w) => w >= 2) && splitSizes(height, rows).every((h) => h >= 2);
}

/** Reads WxH and the number of panes from a layout string tmux reported. */
export function describeLayout(layout: string): { width: number; height: number; panes: number } | null {
  const m = /^[0-9a-f]{4},(\d+)x(\d+),/.exec(layout);
  if (!m) return null;
  const panes = (layout.match(/\d+x\d+,\d+,\d+,\d+/g) ?? []).length;
  return { width: Number(m[1]), height: Number(m[2]), panes };
}

/** Widths of the leaves in a layout, in pane order (used to check the sidebar kept its width). */
export function leafWidths(layout: string): number[] {
  return [...layout.matchAll(/(\d+)x\d+,\d+,\d+,\d+/g)].map((m) => Number(m[1]));
}

/** A layout without its checksum and pane ids, for comparing what tmux reports with what we want. */
export function layoutShape(layout: string): string {
  return layout.replace(/^[0-9a-f]{4},/, '').replace(/(\d+x\d+,\d+,\d+),\d+/g, '$1');
}
