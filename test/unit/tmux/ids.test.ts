// Branded tmux ids: the checking constructors take only what tmux writes (%N, @N, $N).
import { describe, expect, it } from 'vitest';
import { isPaneId, isSessionId, isWindowId, paneId, sessionId, windowId } from '../../../src/tmux/ids.js';

describe('tmux ids', () => {
  it('accepts ids as tmux writes them, and keeps them as they are', () => {
    expect(paneId('%0')).toBe('%0');
    expect(paneId('%123')).toBe('%123');
    expect(windowId('@7')).toBe('@7');
    expect(sessionId('$2')).toBe('$2');
  });

  it('refuses names, targets and other kinds of id', () => {
    for (const s of ['', '%', '%x', '%1 ', ' %1', '@1', '$1', '=agents', 'agents:1.2', '%1.2', '%-1']) expect(isPaneId(s), s).toBe(false);
    for (const s of ['', '@', '@x', '%1', '$1', 'agents']) expect(isWindowId(s), s).toBe(false);
    for (const s of ['', '$', '$x', '%1', '@1', 'agents']) expect(isSessionId(s), s).toBe(false);
    expect(() => paneId('@1')).toThrow(/not a tmux pane id/);
    expect(() => windowId('%1')).toThrow(/not a tmux window id/);
    expect(() => sessionId('agents')).toThrow(/not a tmux session id/);
  });
});
