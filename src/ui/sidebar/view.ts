// What the sidebar shows, as lines of styled segments: pure, from agent records only, so it can be
// tested (and kept as text fixtures) without a terminal. One block per agent, grouped by worktree:
// name and profile with a state glyph; branch → target with ahead/behind and a conflict mark; dirty
// files, session age and turns; a context bar coloured by the thresholds. Below a height where the
// blocks do not fit, a compact mode gives each agent one line. Without UTF-8, plain ASCII.
import type { AgentRecord } from '../../core/agent.js';
import { shortAge } from '../git-line.js';
import { treeOrder } from '../../core/tree.js';

/** A run of text with one style: a colour (palette index) and/or bold/inverse. */
export interface Segment { text: string; fg?: number; bold?: boolean; dim?: boolean }
export interface Line { segments: Segment[]; agentId: string | null }

export interface ViewOptions {
  width: number;
  height: number;
  selected: string | null;
  unicode: boolean;
  thresholds: { contextWarn: number; contextCritical: number };
  status: string | null;
  now: number;
}

/** Palette indices that read on 8-colour terminals too. */
export const COLOR = { green: 2, yellow: 3, red: 1, blue: 4, magenta: 5, cyan: 6, grey: 8 } as const;

const GLYPHS = {
  unicode: { working: '●', waiting: '◆', idle: '○', starting: '…', running: '●', exited: '✕', gone: '·', unknown: '?', full: '█', empty: '░', arrow: '→', ahead: '↑', behind: '↓', conflict: '✗', dirty: '✎', rule: '─', sep: '·' },
  ascii: { working: '*', waiting: '!', idle: 'o', starting: '.', running: '*', exited: 'x', gone: '-', unknown: '?', full: '#', empty: '-', arrow: '->', ahead: '+', behind: '-', conflict: 'X', dirty: '~', rule: '-', sep: '|' },
};

const STATE_COLOR: Record<string, number | undefined> = { working: COLOR.green, waiting: COLOR.yellow, running: COLOR.green, exited: COLOR.red, unknown: COLOR.grey, gone: COLOR.grey };

/** Width of a segment list in terminal columns (agent names and glyphs here are one column each). */
export function lineWidth(segments: readonly Segment[]): number {
  return segments.reduce((n, s) => n + [...s.text].length, 0);
}

/** Cuts segments to width columns, ending in '…' when cut. */
export function fitSegments(segments: readonly Segment[], width: number, ellipsis: string): Segment[] {
  if (lineWidth(segments) <= width) return [...segments];
  const out: Segment[] = [];
  let room = Math.max(0, width - 1);
  for (const s of segments) {
    const chars = [...s.text];
    if (chars.length <= room) { out.push(s); room -= chars.length; continue; }
    if (room > 0) out.push({ ...s, text: chars.slice(0, room).join('') });
    break;
  }
  out.push({ text: ellipsis, dim: true });
  return out;
}

function contextColor(percent: number, t: ViewOptions['thresholds']): number {
  return percent >= t.contextCritical ? COLOR.red : percent >= t.contextWarn ? COLOR.yellow : COLOR.green;
}

/** "[██████░░░░] 42%" sized to the width left after the label. */
function contextBar(a: AgentRecord, o: ViewOptions, g: typeof GLYPHS.unicode): Segment[] {
  const pct = a.context?.percent;
  if (pct == null) return [{ text: a.context ? `ctx ${Math.round(a.context.usedTokens / 1000)}k` : 'ctx -', dim: true }];
  const label = ` ${Math.round(pct)}%`;
  const cells = Math.max(4, Math.min(20, o.width - 4 - label.length));
  const full = Math.min(cells, Math.round((pct / 100) * cells));
  const color = contextColor(pct, o.thresholds);
  return [{ text: g.full.repeat(full), fg: color }, { text: g.empty.repeat(cells - full), dim: true }, { text: label, fg: color }];
}

/** text cut to at most max columns, ending in ellipsis when cut. */
function abbreviate(text: string, max: number, ellipsis: string): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return max <= [...ellipsis].length ? chars.slice(0, Math.max(0, max)).join('') : chars.slice(0, max - [...ellipsis].length).join('') + ellipsis;
}

/**
 * "  branch→target ↑a ↓b merged" within the width: the branch is abbreviated first, then the
 * target, so the counts and marks (what a person reads it for) are never cut mid-word.
 */
function branchLine(a: AgentRecord, marks: Segment[], o: ViewOptions, g: typeof GLYPHS.unicode): Segment[] {
  const ellipsis = o.unicode ? '…' : '~';
  const target = a.target && a.target !== a.branch ? `${g.arrow}${a.target}` : '';
  // The line's room, less the indent a shared worktree's helper gets (up to 4 columns).
  const room = o.width - 4 - lineWidth(marks);
  let branch = a.branch!;
  let shownTarget = target;
  if ([...branch].length + [...target].length > room) {
    // The branch gives way first, down to a few letters; only then is the target cut too.
    const branchRoom = Math.max(Math.min(4, [...branch].length), room - [...target].length);
    branch = abbreviate(branch, branchRoom, ellipsis);
    shownTarget = abbreviate(target, Math.max(0, room - [...branch].length), ellipsis);
  }
  const line: Segment[] = [{ text: `  ${branch}` }];
  if (shownTarget) line.push({ text: shownTarget, dim: true });
  return [...line, ...marks];
}

/** The block of lines for one agent. */
function agentBlock(a: AgentRecord, o: ViewOptions, g: typeof GLYPHS.unicode): Segment[][] {
  const state = a.state === 'exited' ? `exited ${a.exitCode ?? '?'}` : a.state;
  const lines: Segment[][] = [[
    { text: `${(g as Record<string, string>)[a.state] ?? '?'} `, fg: STATE_COLOR[a.state] },
    { text: a.name, bold: true }, { text: ` ${a.profile} ${g.sep} ${state}`, dim: true },
  ]];
  if (a.branch) {
    const marks: Segment[] = [];
    if (a.git) {
      marks.push({ text: ` ${g.ahead}${a.git.ahead} ${g.behind}${a.git.behind}` });
      if (a.git.noCommitsYet) marks.push({ text: ' no commits yet', dim: true });
      else if (a.git.merged) marks.push({ text: ' merged', fg: COLOR.cyan });
      else if (a.git.conflicts.length) marks.push({ text: ` ${g.conflict}${a.git.conflicts.length}`, fg: COLOR.red, bold: true });
    }
    lines.push(branchLine(a, marks, o, g));
    for (const p of a.git?.conflictsWith ?? []) lines.push([{ text: `  ${g.conflict} with ${p.agent}: ${p.files.join(', ')}`, fg: COLOR.red }]);
  }
  if (a.fixBlocked) lines.push([{ text: `  fix blocked: ${a.fixBlocked.reason}`, fg: COLOR.red, bold: true }]);
  // What the agent waits for, as its CLI says it (Claude's sessions file: "permission prompt", "dialog open").
  if (a.state === 'waiting' && a.waitingFor) lines.push([{ text: `  needs you: ${a.waitingFor}`, fg: STATE_COLOR.waiting }]);
  const facts: string[] = [];
  if (a.git?.dirty) facts.push(`${g.dirty}${a.git.dirty}`);
  const since = a.conversation?.freshStartedAt ?? a.conversation?.startedAt;
  if (since) facts.push(shortAge(since, o.now));
  if (a.conversation) facts.push(`${a.conversation.turns}t`);
  if (a.pr) facts.push(`PR${/\/pull\/(\d+)/.exec(a.pr.url)?.[1] ? ` #${/\/pull\/(\d+)/.exec(a.pr.url)![1]}` : ''}`);
  if (facts.length) lines.push([{ text: `  ${facts.join(` ${g.sep} `)}`, dim: true }]);
  if (a.context || a.transcriptFormat) lines.push([{ text: '  ' }, ...contextBar(a, { ...o, width: o.width - 2 }, g)]);
  return lines;
}

/** One line per agent, for short panes: "● name 42% ↑1 ✗". */
function compactLine(a: AgentRecord, o: ViewOptions, g: typeof GLYPHS.unicode): Segment[] {
  const line: Segment[] = [{ text: `${(g as Record<string, string>)[a.state] ?? '?'} `, fg: STATE_COLOR[a.state] }, { text: a.name, bold: true }];
  if (a.context?.percent != null) line.push({ text: ` ${Math.round(a.context.percent)}%`, fg: contextColor(a.context.percent, o.thresholds) });
  if (a.git?.ahead) line.push({ text: ` ${g.ahead}${a.git.ahead}` });
  if (a.git?.conflicts.length && !a.git.merged) line.push({ text: ` ${g.conflict}`, fg: COLOR.red });
  return line;
}

/** Agents grouped by worktree (an integrator and its helpers share one), oldest group first. */
export function groupByWorktree(agents: readonly AgentRecord[]): Array<{ folder: string; agents: AgentRecord[] }> {
  const groups = new Map<string, AgentRecord[]>();
  for (const a of [...agents].sort((x, y) => x.createdAt.localeCompare(y.createdAt))) {
    const key = a.worktree?.path ?? a.cwd;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups].map(([folder, list]) => ({ folder, agents: list }));
}

/** At or below this height (a phone's 80x24 terminal) the sidebar is compact whatever fits. */
export const COMPACT_HEIGHT = 24;

/** Whether the full blocks fit the height; else the compact mode. */
export function fitsFull(agents: readonly AgentRecord[], o: ViewOptions): boolean {
  if (o.height <= COMPACT_HEIGHT) return false;
  const g = o.unicode ? GLYPHS.unicode : GLYPHS.ascii;
  const groups = groupByWorktree(agents);
  const rows = 2 + (o.status ? 1 : 0) + groups.length + agents.reduce((n, a) => n + agentBlock(a, o, g).length, 0);
  return rows <= o.height;
}

/** The sidebar's lines, each cut to the width; agent lines carry the agent's id (for selection and clicks). */
export function sidebarLines(agents: readonly AgentRecord[], o: ViewOptions): Line[] {
  const g = o.unicode ? GLYPHS.unicode : GLYPHS.ascii;
  const ellipsis = o.unicode ? '…' : '~';
  const out: Line[] = [
    { segments: [{ text: 'tmuxcodex', bold: true }, { text: `  ${agents.filter((a) => a.state !== 'gone').length} agents`, dim: true }], agentId: null },
    { segments: [{ text: g.rule.repeat(o.width), dim: true }], agentId: null },
  ];
  if (o.status) out.push({ segments: [{ text: o.status, fg: COLOR.yellow }], agentId: null });
  const live = agents.filter((a) => a.state !== 'gone');
  if (!live.length) {
    for (const t of ['no agents yet', 'n: spawn one', '?: keys']) out.push({ segments: [{ text: t, dim: true }], agentId: null });
  }
  const compact = !fitsFull(live, o);
  const groups = groupByWorktree(live);
  for (const group of groups) {
    if (groups.length > 1 && !compact) out.push({ segments: [{ text: group.folder.split('/').pop() || group.folder, fg: COLOR.blue }], agentId: null });
    for (const { agent: a, depth } of treeOrder(group.agents)) {
      const block = compact ? [compactLine(a, o, g)] : agentBlock(a, o, g);
      // A child's lines are indented under its parent's, its first line marked.
      const indent = '  '.repeat(Math.max(0, depth - 1)) + (depth ? (o.unicode ? '↳ ' : '> ') : '');
      const pad = ' '.repeat([...indent].length);
      block.forEach((segments, i) => out.push({ segments: indent ? [{ text: i === 0 ? indent : pad, dim: true }, ...segments] : segments, agentId: a.id }));
    }
  }
  return out.map((l) => ({ ...l, segments: fitSegments(l.segments, o.width, ellipsis) }));
}

/** The lines as plain text (tests, fixtures): what the pane shows without colours. */
export function plainText(lines: readonly Line[], selected: string | null): string {
  return lines.map((l) => (l.agentId && l.agentId === selected ? '>' : '') + l.segments.map((s) => s.text).join('')).join('\n');
}
