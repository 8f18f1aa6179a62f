// The sidebar's requests: highlight the selected agent's pane, fold the sidebars away and back.
import { tmux } from '../../tmux/command.js';
import type { DaemonContext } from '../context.js';
import type { Params, Result } from '../protocol.js';
import { SELECTED_OPTION } from '../../tmux/status-formats.js';


/** A folded sidebar keeps one column: its pane (and program) stay, out of the way. */
const FOLDED_SIDEBAR_WIDTH = 1;

/** Marks the pane of the agent selected in the sidebar (its border is drawn reversed), unmarking the last one. */
export async function highlight(ctx: DaemonContext, p: Params<'highlight'>): Promise<Result<'highlight'>> {
  const pane = p.agent ? ctx.registry.resolve(p.agent).paneId : null;
  const last = ctx.sidebar.highlighted;
  // A border drawn wrong is cosmetic, and the pane may have died since: logged, never an error.
  const logged = (what: string) => (e: Error) => ctx.log(`could not ${what}: ${e.message}`);
  if (last && last !== pane) await ctx.link.run(tmux.unsetPaneOption(last, SELECTED_OPTION)).catch(logged(`unmark pane ${last} as selected`));
  if (pane && pane !== last) await ctx.link.run(tmux.setPaneOption(pane, SELECTED_OPTION, '1')).catch(logged(`mark pane ${pane} as selected`));
  ctx.sidebar.highlighted = pane;
  return { paneId: pane };
}

/**
 * Folds the sidebars away (one column wide) or back to their width, in every managed window:
 * the sidebar keeps running, so its state and keys are there again at once.
 */
export async function toggleSidebar(ctx: DaemonContext): Promise<Result<'toggleSidebar'>> {
  const layout = ctx.o.layout;
  const hidden = layout.sidebarWidth !== FOLDED_SIDEBAR_WIDTH;
  layout.sidebarWidth = hidden ? FOLDED_SIDEBAR_WIDTH : ctx.sidebar.width;
  await ctx.watch.session.relayoutAll();
  return { hidden };
}
