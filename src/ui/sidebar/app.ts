// The sidebar as a blessed program in pane 0 of each agents window. It renders from the daemon's
// snapshot and events only (no git or tmux calls of its own), redraws only when its text changes,
// and acts through the daemon (focus, kill, fresh, merge) or the CLI (spawn, pr: they need the
// person's environment). Keys: j/k or arrows, Enter focus, n spawn, x kill, f fresh, M merge,
// S squash, P pull request, m map, ? help; a click selects.
import blessed from 'blessed';
import type { AgentRecord } from '../../core/agent.js';
import { COLOR, sidebarLines, type Line, type Segment } from './view.js';

export interface SidebarClient {
  request(method: string, params: unknown): Promise<unknown>;
}

export interface SidebarHost {
  /** Runs this CLI with args (for spawn and pr); resolves with its exit code and output. */
  cli(args: string[], cwd: string): Promise<{ code: number; output: string }>;
  thresholds: { contextWarn: number; contextCritical: number };
  env: NodeJS.ProcessEnv;
}

/** Grey where the terminal has 256 colours; on 8 colours (no index 8) dim text stays plain. */
const GREY = /256col/.test(process.env.TERM ?? '') ? COLOR.grey : null;

/** blessed tags for a segment; its text escaped so that braces in names stay text. */
function tagged(s: Segment): string {
  let t = blessed.escape(s.text);
  if (s.fg !== undefined && (s.fg < 8 || GREY !== null)) t = `{${s.fg}-fg}${t}{/${s.fg}-fg}`;
  if (s.dim && GREY !== null) t = `{${GREY}-fg}${t}{/${GREY}-fg}`;
  if (s.bold) t = `{bold}${t}{/bold}`;
  return t;
}

function toContent(lines: readonly Line[], selected: string | null, width: number): string {
  return lines.map((l) => {
    const text = l.segments.map(tagged).join('');
    if (!l.agentId || l.agentId !== selected) return text;
    const pad = ' '.repeat(Math.max(0, width - l.segments.reduce((n, s) => n + [...s.text].length, 0)));
    return `{inverse}${text}${pad}{/inverse}`;
  }).join('\n');
}

export class SidebarApp {
  private readonly screen: blessed.Widgets.Screen;
  private readonly box: blessed.Widgets.BoxElement;
  private agents = new Map<string, AgentRecord>();
  private selected: string | null = null;
  /** The connection's state (null when connected) and a passing message over it. */
  private status: string | null = 'connecting…';
  private warning: string | null = null;
  private flashText: string | null = null;
  private flashTimer: NodeJS.Timeout | undefined;
  private lines: Line[] = [];
  private lastContent = '';
  private client: SidebarClient | null = null;
  private overlay: blessed.Widgets.BoxElement | null = null;
  private readonly unicode: boolean;

  constructor(private readonly host: SidebarHost) {
    this.unicode = /utf-?8/i.test(host.env.LC_ALL || host.env.LC_CTYPE || host.env.LANG || '');
    // feasibility.md §2: blessed cannot read Debian's terminfo; its bundled xterm-256color works in tmux.
    this.screen = blessed.screen({ terminal: 'xterm-256color', warnings: false, fullUnicode: this.unicode, forceUnicode: this.unicode, smartCSR: true, autoPadding: false, title: 'tmuxcodex' });
    // With UTF-8, send box and rule characters as they are, not as the ACS line-drawing set (which
    // capture-pane, and so the tests, show as "qqq"; feasibility.md §2.4).
    if (this.unicode) (this.screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    this.box = blessed.box({ top: 0, left: 0, width: '100%', height: '100%', tags: true, mouse: true, wrap: false });
    this.screen.append(this.box);
    this.screen.on('resize', () => this.render(true));
    this.box.on('click', (data: { y: number }) => {
      const id = this.lines[data.y - (this.box.atop as number)]?.agentId;
      if (id) this.select(id);
    });
    this.bindKeys();
    // Ages move on: look again every 30 s (a redraw only if the text changed).
    setInterval(() => this.render(), 30_000).unref();
    this.render(true);
  }

  setClient(client: SidebarClient | null, status: string | null): void {
    this.client = client;
    this.status = status;
    // The connection's news outranks a passing message.
    clearTimeout(this.flashTimer);
    this.flashText = null;
    this.render();
  }

  /** A lasting warning from the daemon (the journal cannot be written); shown while there is no other status. */
  setWarning(text: string | null): void {
    this.warning = text;
    this.render();
  }

  setAgents(list: readonly AgentRecord[]): void {
    this.agents = new Map(list.map((a) => [a.id, a]));
    this.render();
  }

  upsert(a: AgentRecord): void {
    this.agents.set(a.id, a);
    this.render();
  }

  remove(id: string): void {
    this.agents.delete(id);
    this.render();
  }

  private live(): AgentRecord[] {
    return [...this.agents.values()].filter((a) => a.state !== 'gone').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Draws when the text changed (or when forced: a resize). */
  private render(force = false): void {
    const width = (this.screen.width as number) || 30;
    const height = (this.screen.height as number) || 24;
    const live = this.live();
    if (this.selected && !live.some((a) => a.id === this.selected)) this.selected = live[0]?.id ?? null;
    if (!this.selected) this.selected = live[0]?.id ?? null;
    this.lines = sidebarLines([...this.agents.values()], { width, height, selected: this.selected, unicode: this.unicode, thresholds: this.host.thresholds, status: this.flashText ?? this.status ?? this.warning, now: Date.now() });
    const content = toContent(this.lines, this.selected, width);
    if (!force && content === this.lastContent) return;
    this.lastContent = content;
    this.box.setContent(content);
    this.screen.render();
  }

  private select(id: string): void {
    this.selected = id;
    this.render();
    this.highlight();
  }

  private highlightTimer: NodeJS.Timeout | undefined;

  /** Tells the daemon which agent is selected, so its pane's border shows it (after keys settle). */
  private highlight(): void {
    clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => { void this.client?.request('highlight', { agent: this.selected }).catch(() => {}); }, 50);
  }

  private move(delta: number): void {
    const live = this.live();
    if (!live.length) return;
    const i = Math.max(0, live.findIndex((a) => a.id === this.selected));
    this.select(live[(i + delta + live.length) % live.length]!.id);
  }

  private current(): AgentRecord | null {
    return this.selected ? this.agents.get(this.selected) ?? null : null;
  }

  private bindKeys(): void {
    // blessed names a capital letter by its shifted key: M is 'S-m'.
    const when = (keys: string[], fn: () => void) => this.screen.key(keys, () => { if (!this.overlay) fn(); });
    when(['j', 'down'], () => this.move(1));
    when(['k', 'up'], () => this.move(-1));
    when(['enter'], () => { const a = this.current(); if (a) void this.act(() => this.client!.request('focus', { agent: a.id })); });
    when(['x'], () => this.confirmAgent((a) => `Stop ${a.name}? Uncommitted work is archived, then its worktree is removed; an unmerged branch is kept.`, (a) => this.client!.request('kill', { agent: a.id, force: false, keepWorktree: false })));
    when(['f'], () => this.confirmAgent((a) => `Fresh session for ${a.name}? The current one is stopped; the new one gets a handoff brief.`, (a) => this.client!.request('fresh', { agent: a.id })));
    when(['S-m'], () => this.confirmAgent((a) => `Merge ${a.branch ?? a.name} into ${a.target ?? 'its target'} (merge commit), then stop ${a.name} and remove its worktree?`, (a) => this.client!.request('merge', { agent: a.id, into: null, method: 'merge', keep: false })));
    when(['S-s'], () => this.confirmAgent((a) => `Squash-merge ${a.branch ?? a.name} into ${a.target ?? 'its target'}, then stop ${a.name} and remove its worktree?`, (a) => this.client!.request('merge', { agent: a.id, into: null, method: 'squash', keep: false })));
    when(['S-p'], () => this.confirmAgent((a) => `Push ${a.branch ?? a.name} and open a pull request against ${a.target ?? 'its target'}?`, async (a) => {
      const r = await this.host.cli(['pr', a.id], a.cwd);
      if (r.code !== 0) throw new Error(r.output.trim());
      return r.output.trim();
    }));
    when(['n'], () => this.spawnForm());
    when(['m'], () => { const a = this.current(); void this.show('merge map', async () => (await this.host.cli(['map'], a?.cwd ?? process.cwd())).output); });
    when(['?'], () => void this.show('keys', async () => HELP));
  }

  /** Runs a request; an error shows as the status line for a while. */
  private async act(fn: () => Promise<unknown>): Promise<void> {
    if (!this.client) return;
    try {
      await fn();
    } catch (e) {
      this.flash((e as Error).message);
    }
  }

  /** Shows text over the status line for a few seconds. */
  private flash(text: string): void {
    clearTimeout(this.flashTimer);
    this.flashText = text.split('\n')[0] ?? text;
    this.render();
    this.flashTimer = setTimeout(() => { this.flashText = null; this.render(); }, 6000);
    this.flashTimer.unref();
  }

  /** A box over the list; Escape, q or Enter closes it. */
  private openOverlay(text: string, onKey?: (key: string) => boolean): void {
    this.overlay?.destroy();
    const box = blessed.box({ parent: this.screen, top: 'center', left: 0, width: '100%', height: 'shrink', border: { type: 'line' }, content: blessed.escape(text), tags: true, scrollable: true, keys: true, style: { border: { fg: COLOR.blue } } });
    this.overlay = box;
    const close = () => { box.destroy(); this.overlay = null; this.render(true); };
    box.key(['escape', 'q', 'enter', 'y', 'n', 'Y', 'N'], (_ch: unknown, key: { name: string; full: string }) => {
      if (onKey && !onKey(key.full)) return;
      close();
    });
    box.focus();
    this.screen.render();
  }

  private confirmAgent(prompt: (a: AgentRecord) => string, run: (a: AgentRecord) => Promise<unknown>): void {
    const a = this.current();
    if (!a || !this.client) return;
    this.openOverlay(`${prompt(a)}\n\ny: yes   n / Esc: no`, (key) => {
      if (key === 'y' || key === 'Y') {
        this.flash(`working on ${a.name}…`);
        void this.act(async () => {
          const out = await run(a);
          this.flash(typeof out === 'string' && out ? out : `done: ${a.name}`);
        });
      }
      return ['y', 'Y', 'n', 'N', 'escape', 'q'].includes(key);
    });
  }

  private async show(title: string, text: () => Promise<string>): Promise<void> {
    this.openOverlay(`${title}: …`);
    try {
      const body = await text();
      if (this.overlay) this.overlay.setContent(blessed.escape(`${title}\n\n${body}`));
    } catch (e) {
      this.overlay?.setContent(blessed.escape(`${title}: ${(e as Error).message}`));
    }
    this.screen.render();
  }

  /** n: profile, name and task, one question at a time; then `tmuxcodex spawn`. */
  private spawnForm(): void {
    const ask = (question: string, value: string): Promise<string | null> => new Promise((resolve) => {
      const prompt = blessed.prompt({ parent: this.screen, top: 'center', left: 0, width: '100%', height: 'shrink', border: { type: 'line' }, tags: false });
      this.overlay = prompt as unknown as blessed.Widgets.BoxElement;
      prompt.input(question, value, (_err: unknown, answer: string | null) => {
        prompt.destroy();
        this.overlay = null;
        this.render(true);
        resolve(answer ?? null);
      });
    });
    void (async () => {
      const profile = await ask('profile (claude, codex, shell, ...):', 'claude');
      if (profile === null || !profile.trim()) return;
      const name = await ask('name (empty: automatic):', '');
      if (name === null) return;
      const task = await ask('task (empty: none):', '');
      if (task === null) return;
      const cwd = this.current()?.cwd ?? process.cwd();
      const args = ['spawn', profile.trim(), ...(name.trim() ? ['--name', name.trim()] : []), ...(task.trim() ? ['--task', task.trim()] : [])];
      this.flash(`spawning ${profile.trim()}…`);
      const r = await this.host.cli(args, cwd);
      this.flash(r.output.trim().split('\n').pop() ?? '');
    })();
  }
}

const HELP = [
  'j k, arrows  move', 'Enter   go to its pane', 'n       spawn an agent', 'x       stop it', 'f       fresh session',
  'M       merge to target', 'S       squash-merge', 'P       pull request', 'm       merge map', '?       these keys', '',
  'Esc or q closes this',
].join('\n');
