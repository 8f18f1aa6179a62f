// The one method table: every method has an entry, params are checked before a handler runs, and
// requests about agents wait for the daemon's start.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, isMethod, METHOD_TABLE } from '../../../../src/daemon/methods/table.js';
import { highlight, toggleSidebar } from '../../../../src/daemon/methods/sidebar.js';
import type { ClientConn } from '../../../../src/daemon/server.js';
import { TmuxcodexError } from '../../../../src/errors.js';
import { agentRecord, fakeDaemon, type FakeDaemon } from '../../../helpers/fake-daemon.js';

let d: FakeDaemon;
afterEach(() => d.dispose());
const conn = { socket: null as never, authed: true, subscribed: false, closed: new Promise<void>(() => {}) } satisfies ClientConn;

describe('the method table', () => {
  it('knows its methods and nothing else', () => {
    d = fakeDaemon();
    expect(isMethod('send')).toBe(true);
    expect(isMethod('toString')).toBe(false);
    expect(isMethod(42)).toBe(false);
    expect(Object.keys(METHOD_TABLE)).toContain('subscribe');
  });

  it('refuses params of the wrong type with a usage error naming the field, before the handler runs', async () => {
    const a = agentRecord();
    d = fakeDaemon([a]);
    const e = await dispatch(d.ctx, 'send', { agent: a.id, text: 42, enter: true }, conn).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TmuxcodexError);
    expect((e as TmuxcodexError).code).toBe('BAD_PARAMS');
    expect((e as TmuxcodexError).message).toContain('text');
    expect(d.tmux.commands).toEqual([]);
    expect(((await dispatch(d.ctx, 'capture', 'nope', conn).catch((err: unknown) => err)) as TmuxcodexError).code).toBe('BAD_PARAMS');
  });

  it('lets missing optional fields through, as the CLI leaves them out', async () => {
    d = fakeDaemon([agentRecord()]);
    expect(await dispatch(d.ctx, 'highlight', {}, conn)).toEqual({ paneId: null });
  });

  it('answers status before the start is done, and holds list until it is', async () => {
    d = fakeDaemon([agentRecord()]);
    let start!: () => void;
    Object.assign(d.ctx.daemon, { started: new Promise<void>((r) => (start = r)) });
    expect(await dispatch(d.ctx, 'status', {}, conn)).toMatchObject({ running: true, agents: 1 });
    let listed = false;
    const list = dispatch(d.ctx, 'list', {}, conn).then(() => (listed = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(listed).toBe(false);
    start();
    await list;
    expect(listed).toBe(true);
  });
});

describe('the sidebar methods', () => {
  it('highlight marks the selected pane and unmarks the one before', async () => {
    const a = agentRecord();
    const b = agentRecord();
    d = fakeDaemon([a, b]);
    await highlight(d.ctx, { agent: a.id });
    await highlight(d.ctx, { agent: b.id });
    expect(d.tmux.commands).toEqual([
      ['set-option', '-p', '-t', a.paneId!, '@tmuxcodex-selected', '1'],
      ['set-option', '-p', '-u', '-t', a.paneId!, '@tmuxcodex-selected'],
      ['set-option', '-p', '-t', b.paneId!, '@tmuxcodex-selected', '1'],
    ]);
  });

  it('toggleSidebar folds the sidebars to one column and back to the configured width', async () => {
    d = fakeDaemon();
    expect(await toggleSidebar(d.ctx)).toEqual({ hidden: true });
    expect(d.ctx.o.layout.sidebarWidth).toBe(1);
    expect(await toggleSidebar(d.ctx)).toEqual({ hidden: false });
    expect(d.ctx.o.layout.sidebarWidth).toBe(30);
  });
});
