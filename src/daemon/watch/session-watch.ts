// The daemon's reactions to tmux: pane deaths, layout changes, windows and sessions coming and
// going. It keeps the registry in step with tmux, each managed window in its sidebar layout, and
// every sidebar alive.
import { tmux, type ProgramSpec, type TmuxServer } from '../../tmux/command.js';
import { PANE_DEAD_STATUS, PANE_STATE, SERVER_PID, WINDOW_LAYOUT, WINDOW_LAYOUTS } from '../../tmux/formats.js';
import type { WindowId } from '../../tmux/ids.js';
import type { Notification } from '../../tmux/control/events.js';
import { agentsFromPanes, listSessionPanes, type PaneInfo } from '../../agents/pane-query.js';
import { LayoutKeeper, managedWindows, restoreSidebar, windowsMissingSidebar, type LayoutSettings } from '../../agents/windows.js';
import type { Registry } from '../store/registry.js';
import { sessionExists, type TmuxLink } from '../../tmux/link.js';

/** Subscription that reports every pane's death (remain-on-exit keeps dead panes; no notification is sent). */
export const PANE_STATE_SUBSCRIPTION = { name: 'tmuxcodex-panes', what: '%*', format: PANE_STATE.template };

export interface WatchOptions {
  server: TmuxServer;
  /** The agents session this daemon manages. */
  session: string;
  env: NodeJS.ProcessEnv;
  /** The sidebar layout; toggleSidebar changes its width in place (the layout keeper holds the same object). */
  layout: LayoutSettings;
  /** How to start a sidebar pane. */
  sidebar: ProgramSpec;
  log: (m: string) => void;
}

export class SessionWatch {
  private readonly keeper: LayoutKeeper;
  private reconcileTimer: NodeJS.Timeout | null = null;
  /** When each sidebar was last repaired, so a sidebar that keeps dying is not restarted in a loop. */
  private readonly sidebarRepairs = new Map<string, number>();

  constructor(private readonly link: TmuxLink, private readonly registry: Registry, private readonly o: WatchOptions) {
    this.keeper = new LayoutKeeper(o.layout);
    link.on('notification', (n) => this.onNotification(n));
    link.on('connected', () => {
      this.ready = this.afterConnect().catch((e) => o.log(`after connect: ${(e as Error).message}`));
    });
    link.on('disconnected', () => void this.afterDisconnect().catch((e) => o.log(`after disconnect: ${(e as Error).message}`)));
  }

  /** Forgets the layout kept for a window that was closed. */
  forgetWindow(windowId: string): void {
    this.keeper.forget(windowId);
  }

  close(): void {
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
  }

  private onNotification(n: Notification): void {
    switch (n.type) {
      case 'layout-change':
        // select-layout would unzoom a zoomed window; its layout is fixed once it is unzoomed.
        if (!n.flags.includes('Z')) this.keepLayout(n.windowId, n.layout);
        this.scheduleReconcile();
        break;
      case 'window-add':
      case 'window-close':
      case 'sessions-changed':
        this.scheduleReconcile();
        break;
      case 'subscription-changed':
        if (n.name === PANE_STATE_SUBSCRIPTION.name && n.paneId) this.onPaneState(n.paneId, n.value);
        break;
      default:
        break;
    }
  }

  /** A pane's dead flag changed (reported by the subscription within a second). */
  private onPaneState(paneId: string, value: string): void {
    const agent = this.registry.byPane(paneId);
    if (!agent) {
      this.scheduleReconcile(); // perhaps a sidebar died: the reconcile repairs it
      return;
    }
    const state = PANE_STATE.parse(value);
    if (state?.dead) {
      this.registry.patch(agent.id, { state: 'exited', exitCode: state.deadStatus });
      if (state.deadStatus === null) void this.reapLostExit(paneId);
    } else if (agent.state === 'exited') this.registry.patch(agent.id, { state: 'running', exitCode: null });
  }

  /**
   * tmux 3.3a sometimes misses the SIGCHLD of a pane's process: the pane reads dead, but its exit
   * status stays empty (the child is an unreaped zombie) until some other child exits. A SIGCHLD
   * sent to the server makes it run its waitpid loop; then the status is read back.
   */
  private async reapLostExit(paneId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const pid = SERVER_PID.first(await this.link.run(tmux.display(paneId, SERVER_PID.template)))?.pid;
        process.kill(Number(pid), 'SIGCHLD');
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        const status = PANE_DEAD_STATUS.first(await this.link.run(tmux.display(paneId, PANE_DEAD_STATUS.template)))?.deadStatus ?? null;
        const agent = this.registry.byPane(paneId);
        if (status !== null && agent) {
          this.registry.patch(agent.id, { exitCode: status });
          return;
        }
      } catch (e) {
        this.o.log(`reading the exit status of ${paneId} failed: ${(e as Error).message}`);
        return;
      }
    }
  }

  private keepLayout(windowId: WindowId, reported: string): void {
    const want = this.keeper.desiredFor(windowId, reported);
    if (!want) return;
    // Only managed windows get the sidebar layout. The window option is set when the window is
    // made, before any split, so it is already there when the first %layout-change arrives.
    void listSessionPanes(this.link, this.o.session).then(async (panes) => {
      if (!panes.some((p) => p.windowId === windowId && p.windowManaged)) { this.keeper.forget(windowId); return; }
      await this.link.run(tmux.selectLayout(windowId, want));
    }).catch((e) => this.o.log(`layout for ${windowId} failed: ${(e as Error).message}`));
  }

  /** Lays every managed window out again (after the sidebar's width changed). */
  async relayoutAll(): Promise<void> {
    for (const windowId of managedWindows(await listSessionPanes(this.link, this.o.session)).keys()) {
      const layout = WINDOW_LAYOUT.first(await this.link.run(tmux.display(windowId, WINDOW_LAYOUT.template)))?.layout;
      if (layout) this.keepLayout(windowId, layout);
    }
  }

  /** Re-reads the panes a moment after a burst of changes, and reconciles the registry with them. */
  private scheduleReconcile(): void {
    if (this.reconcileTimer) return;
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = null;
      void this.reconcile();
    }, 20);
  }

  private async reconcile(): Promise<void> {
    try {
      if (!this.link.connected && !(await sessionExists(this.o.server, this.o.session, this.o.env))) {
        this.registry.reconcile([]);
        return;
      }
      const panes = await listSessionPanes(this.link, this.o.session);
      this.registry.reconcile(agentsFromPanes(panes));
      await this.repairSidebars(panes);
    } catch (e) {
      this.o.log(`reconcile failed: ${(e as Error).message}`);
    }
  }

  /** Restarts a sidebar that died and puts back one that was killed by hand (at most every 10 s each). */
  private async repairSidebars(panes: readonly PaneInfo[]): Promise<void> {
    const due = (key: string) => {
      const last = this.sidebarRepairs.get(key) ?? 0;
      if (Date.now() - last < 10_000) return false;
      this.sidebarRepairs.set(key, Date.now());
      return true;
    };
    for (const p of panes) {
      if (p.role === 'sidebar' && p.dead && due(p.paneId)) {
        this.o.log(`sidebar ${p.paneId} died (status ${p.deadStatus ?? '?'}); restarting it`);
        await this.link.run(tmux.respawnPane(p.paneId, '/', this.o.sidebar));
      }
    }
    for (const [windowId, first] of windowsMissingSidebar(panes)) {
      if (!due(windowId)) continue;
      this.o.log(`window ${windowId} lost its sidebar; putting it back`);
      await restoreSidebar(this.link, first, { width: this.o.layout.sidebarWidth, cwd: '/', sidebar: this.o.sidebar });
    }
  }

  /** After (re)attaching: rebuild the registry from pane options and fix every managed window's layout. */
  /** Settles once the first reconcile after connecting is done (the registry matches tmux). */
  ready: Promise<void> = Promise.resolve();

  private async afterConnect(): Promise<void> {
    await this.reconcile();
    try {
      const lines = await this.link.run(tmux.listWindows(this.o.session, WINDOW_LAYOUTS.template));
      for (const { windowId, layout } of WINDOW_LAYOUTS.all(lines)) {
        if (layout) this.keepLayout(windowId, layout);
      }
    } catch (e) {
      this.o.log(`layout check failed: ${(e as Error).message}`);
    }
  }

  private async afterDisconnect(): Promise<void> {
    if (!(await sessionExists(this.o.server, this.o.session, this.o.env))) this.registry.reconcile([]);
  }
}
