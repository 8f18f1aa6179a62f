// Keeps what tmux draws about agents current, so tmux forks nothing to show it: the global user
// option @tmuxcodex-status (status-right shows it: statusSegmentFormat) and each agent pane's
// @tmuxcodex-border (managed windows show it in pane-border-format). Changed values only, at most
// once a second.
import type { AgentRecord } from '../../core/agent.js';
import { paneBorder, statusSegment } from '../../core/status.js';
import { tmux } from '../../tmux/command.js';
import { listSessionPanes } from '../../agents/pane-query.js';
import { managedWindows, BORDER_OPTIONS } from '../../agents/windows.js';
import type { TmuxLink } from '../../tmux/link.js';

import { BORDER_OPTION, STATUS_OPTION } from '../../tmux/status-formats.js';
const MIN_INTERVAL_MS = 1000;

export class StatusKeeper {
  private lastStatus: string | null = null;
  private readonly lastBorder = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  /** How many tmux commands the keeper has sent (the bench counts them against agent changes). */
  commands = 0;

  constructor(private readonly link: TmuxLink, private readonly session: string, private readonly agents: () => AgentRecord[], private readonly log: (m: string) => void) {
    link.on('connected', () => {
      // A new connection may be a new server: nothing we set is known to be there.
      this.lastStatus = null;
      this.lastBorder.clear();
      void this.markWindows().catch((e) => log(`pane borders: ${(e as Error).message}`));
      this.changed();
    });
  }

  /** Something about the agents changed: flush now, or once a second has passed since the last flush. */
  changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, MIN_INTERVAL_MS - (Date.now() - this.lastFlush));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastFlush = Date.now();
      void this.flush().catch((e) => this.log(`status: ${(e as Error).message}`));
    }, wait);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private async flush(): Promise<void> {
    if (!this.link.connected) return;
    const agents = this.agents();
    const status = statusSegment(agents);
    if (status !== this.lastStatus) {
      this.commands++;
      await this.link.run(tmux.setGlobalOption(STATUS_OPTION, status));
      this.lastStatus = status;
    }
    const live = new Set<string>();
    for (const a of agents) {
      if (!a.paneId || a.state === 'gone') continue;
      live.add(a.paneId);
      const border = paneBorder(a);
      if (this.lastBorder.get(a.paneId) === border) continue;
      this.commands++;
      // A pane that died before the registry heard of it: the border is cosmetic, so logged, not thrown.
      await this.link.run(tmux.setPaneOption(a.paneId, BORDER_OPTION, border)).catch((e: Error) => this.log(`could not draw the border of ${a.name}'s pane ${a.paneId}: ${e.message}`));
      this.lastBorder.set(a.paneId, border);
    }
    for (const pane of this.lastBorder.keys()) if (!live.has(pane)) this.lastBorder.delete(pane);
  }

  /** Managed windows made by an older daemon get the border settings too. */
  private async markWindows(): Promise<void> {
    for (const windowId of managedWindows(await listSessionPanes(this.link, this.session)).keys()) {
      // A window closed meanwhile needs no border settings: logged, and the next windows still get theirs.
      for (const [name, value] of BORDER_OPTIONS) await this.link.run(tmux.setWindowOption(windowId, name, value)).catch((e: Error) => this.log(`could not set ${name} on window ${windowId}: ${e.message}`));
    }
  }
}
