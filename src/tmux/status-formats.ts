// The formats tmux expands by itself, written into options and bindings: the status segment, the
// agent pane borders, and the key bindings' prompts and conditions. Built here so that every `#{`
// tmuxcodex writes lives in src/tmux/ (tmux.1 FORMATS: #{name}, #{?cond,then,else}).

/** The global option the daemon keeps the agents' status line in (status-right shows it). */
export const STATUS_OPTION = '@tmuxcodex-status';
/** The pane option the daemon keeps each agent's border text in (pane-border-format shows it). */
export const BORDER_OPTION = '@tmuxcodex-border';
/** The pane option that marks the agent selected in the sidebar. */
export const SELECTED_OPTION = '@tmuxcodex-selected';

/** #{name}: a format variable or user option, expanded by tmux. */
export function formatVar(name: string): string {
  return `#{${name}}`;
}

/** #{?cond,then,otherwise}: then when cond expands to something true (not empty, not 0). */
export function formatIf(cond: string, then: string, otherwise: string): string {
  return `#{?${cond},${then},${otherwise}}`;
}

/** An option's value, or fallback when it is unset or empty. */
export function optionOr(option: string, fallback: string): string {
  return formatIf(option, formatVar(option), fallback);
}

/**
 * True ("1") in a pane that runs an agent, else "0". Why #{?...,1,0} and not the id itself: if-shell
 * -F takes any value starting with "0" as false, and one agent id in sixteen does.
 */
export function agentPaneCondition(idOption: string): string {
  return formatIf(idOption, '1', '0');
}

/** The current pane's id, expanded when a binding runs (the agent a key acts on). */
export const CURRENT_PANE = formatVar('pane_id');

/** The status-right segment: the agents' status and a bar, or nothing while there is none. */
export function statusSegmentFormat(): string {
  return formatIf(STATUS_OPTION, `${formatVar(STATUS_OPTION)} | `, '');
}

/** pane-border-format for managed windows: the agent's border text (reversed when selected), else the pane title. */
export function paneBorderFormat(): string {
  return `${formatIf(SELECTED_OPTION, '#[reverse]', '')} ${optionOr(BORDER_OPTION, formatVar('pane_title'))} `;
}
