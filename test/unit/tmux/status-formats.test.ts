// The formats tmuxcodex writes into tmux options and bindings, exactly as tmux will expand them.
import { describe, expect, it } from 'vitest';
import { CURRENT_PANE, agentPaneCondition, formatIf, formatVar, optionOr, paneBorderFormat, statusSegmentFormat } from '../../../src/tmux/status-formats.js';

describe('status formats', () => {
  it('writes tmux format syntax', () => {
    expect(formatVar('pane_id')).toBe('#{pane_id}');
    expect(formatIf('@a', 'yes', 'no')).toBe('#{?@a,yes,no}');
    expect(optionOr('@tmuxcodex-target', 'its target')).toBe('#{?@tmuxcodex-target,#{@tmuxcodex-target},its target}');
    expect(CURRENT_PANE).toBe('#{pane_id}');
  });

  it('gives 1 or 0 for an agent pane, never the id (if-shell -F reads a leading 0 as false)', () => {
    expect(agentPaneCondition('@tmuxcodex-id')).toBe('#{?@tmuxcodex-id,1,0}');
  });

  it('builds the status segment and the pane border the plugin and the managed windows use', () => {
    expect(statusSegmentFormat()).toBe('#{?@tmuxcodex-status,#{@tmuxcodex-status} | ,}');
    expect(paneBorderFormat()).toBe('#{?@tmuxcodex-selected,#[reverse],} #{?@tmuxcodex-border,#{@tmuxcodex-border},#{pane_title}} ');
  });
});
