// tmux version parsing and server resolution, always against explicit env objects (never the real $TMUX).
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MIN_TMUX, parseTmuxVersion, resolveServer, tmuxBinary, tmuxSocketDir } from '../../../src/tmux/binary.js';
import { TmuxcodexError } from '../../../src/errors.js';

const UID = userInfo().uid;

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', [3, 3]], ['tmux 3.2', [3, 2]], ['tmux 3.4\n', [3, 4]], ['tmux 3.10', [3, 10]], ['tmux 2.9a', [2, 9]],
    ['tmux next-3.5', [3, 5]], ['tmux 3.5-rc2', [3, 5]], ['tmux master', [99, 0]],
  ])('reads %j as %j', (text, want) => {
    expect(parseTmuxVersion(text)).toEqual(want);
  });

  it.each(['', 'tmux', 'tmux unknown', 'command not found'])('is null for %j', (text) => {
    expect(parseTmuxVersion(text)).toBeNull();
  });

  it('needs at least tmux 3.2', () => {
    expect(MIN_TMUX).toEqual([3, 2]);
  });
});

describe('tmuxBinary and tmuxSocketDir', () => {
  it('runs `tmux` unless TMUXCODEX_TMUX names another build', () => {
    expect(tmuxBinary({})).toBe('tmux');
    expect(tmuxBinary({ TMUXCODEX_TMUX: '' })).toBe('tmux');
    expect(tmuxBinary({ TMUXCODEX_TMUX: '/opt/tmux-3.4/bin/tmux' })).toBe('/opt/tmux-3.4/bin/tmux');
  });

  it('keeps sockets in TMUX_TMPDIR (or /tmp) under tmux-UID, as tmux does', () => {
    expect(tmuxSocketDir({})).toBe(`/tmp/tmux-${UID}`);
    expect(tmuxSocketDir({ TMUX_TMPDIR: '' })).toBe(`/tmp/tmux-${UID}`);
    expect(tmuxSocketDir({ TMUX_TMPDIR: '/run/x' })).toBe(`/run/x/tmux-${UID}`);
  });
});

describe('resolveServer', () => {
  const INSIDE = { TMUX: '/tmp/tmux-1000/inside,4242,3' };

  it('takes -S as given, whatever -L and $TMUX say', () => {
    expect(resolveServer({ socketPath: '/s/sock', socketName: 'ignored' }, INSIDE)).toEqual({ socketPath: '/s/sock', configFile: undefined });
  });

  it('turns -L into the socket path tmux would use, keeping the name', () => {
    expect(resolveServer({ socketName: 'work' }, { TMUX_TMPDIR: '/t', ...INSIDE })).toEqual({ socketName: 'work', socketPath: `/t/tmux-${UID}/work`, configFile: undefined });
    expect(resolveServer({ socketName: 'work' }, {})).toEqual({ socketName: 'work', socketPath: `/tmp/tmux-${UID}/work`, configFile: undefined });
  });

  it('refuses a -L name with a slash', () => {
    let err: unknown;
    try { resolveServer({ socketName: 'a/b' }, {}); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TmuxcodexError);
    expect(err).toMatchObject({ code: 'BAD_SOCKET_NAME', exitCode: 2 });
  });

  it('uses the server of $TMUX when inside tmux and given neither -L nor -S', () => {
    expect(resolveServer({}, INSIDE)).toEqual({ socketPath: '/tmp/tmux-1000/inside', configFile: undefined });
  });

  it('falls back to tmux\'s default server outside tmux', () => {
    expect(resolveServer({}, {})).toEqual({ socketName: 'default', socketPath: `/tmp/tmux-${UID}/default`, configFile: undefined });
    expect(resolveServer({}, { TMUX: '', TMUX_TMPDIR: '/t' })).toEqual({ socketName: 'default', socketPath: `/t/tmux-${UID}/default`, configFile: undefined });
  });

  it('passes TMUXCODEX_TMUX_CONFIG on as the config file for a server it may start', () => {
    expect(resolveServer({ socketName: 'x' }, { TMUXCODEX_TMUX_CONFIG: '/dev/null' }).configFile).toBe('/dev/null');
    expect(resolveServer({}, { TMUXCODEX_TMUX_CONFIG: '/dev/null', ...INSIDE }).configFile).toBe('/dev/null');
    expect(resolveServer({ socketPath: '/s' }, { TMUXCODEX_TMUX_CONFIG: '' }).configFile).toBeUndefined();
  });
});
