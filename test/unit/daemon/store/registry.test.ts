// The daemon's registry: the journal on disk (atomic, reloadable), lookups by id and name, events,
// and reconciling with the agent panes tmux reports.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../../src/core/agent.js';
import { Registry, readJournal } from '../../../../src/daemon/store/registry.js';
import { TmuxcodexError } from '../../../../src/errors.js';
import { paneId, windowId } from '../../../../src/tmux/ids.js';

let dir: string;
let journal: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmuxcodex-registry-'));
  journal = join(dir, 'state', 'key-1234', 'agents.json'); // the folder does not exist yet
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function agent(over: Partial<AgentRecord> = {}): AgentRecord {
  n++;
  return {
    id: (0x10000000 + n).toString(16), name: `agent-${n}`, profile: 'shell', paneId: paneId(`%${n}`), windowId: windowId('@1'), session: 'agents',
    cwd: '/tmp', worktree: null, branch: null, base: null, target: null, parentId: null, task: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), sessionId: null, transcriptPath: null,
    state: 'running', exitCode: null, ports: [], source: null, deps: [], branchCreated: false, fix: null, pr: null, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null,
    ...over,
  };
}

/** Records every event the registry emits, in order. */
function recordEvents(reg: Registry): [string, AgentRecord][] {
  const seen: [string, AgentRecord][] = [];
  for (const ev of ['added', 'updated', 'removed'] as const) reg.on(ev, (a) => seen.push([ev, a]));
  return seen;
}

function journalOnDisk(): { version: number; agents: AgentRecord[] } {
  return JSON.parse(readFileSync(journal, 'utf8')) as { version: number; agents: AgentRecord[] };
}

function usageErrorOf(fn: () => unknown): TmuxcodexError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TmuxcodexError);
    expect((e as TmuxcodexError).exitCode).toBe(2);
    return e as TmuxcodexError;
  }
  throw new Error('expected an error');
}

describe('the journal', () => {
  it('starts empty and writes nothing until something changes', () => {
    const reg = new Registry(journal);
    expect(reg.all()).toEqual([]);
    expect(existsSync(journal)).toBe(false);
  });

  it('is complete, valid JSON after every put, replaced by rename, never left as a temp file', () => {
    const reg = new Registry(journal);
    // Each write is a new file renamed over the old one (temp + rename), not an in-place rewrite:
    // the journal's inode changes with every write.
    let lastIno = -1;
    const newInode = () => {
      const ino = statSync(journal).ino;
      expect(ino).not.toBe(lastIno);
      lastIno = ino;
    };
    const put: AgentRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const a = agent({ task: `task ${i}\nwith a newline and "quotes"` });
      reg.put(a);
      put.push(a);
      expect(journalOnDisk()).toEqual({ version: 1, agents: put });
      expect(readdirSync(join(journal, '..'))).toEqual(['agents.json']);
      newInode();
      expect(statSync(journal).mode & 0o777).toBe(0o600);
    }
    reg.patch(put[0]!.id, { state: 'idle' });
    expect(journalOnDisk().agents[0]!.state).toBe('idle');
    newInode();
  });

  it('is read back by a new registry, as the daemon does after a restart', () => {
    const a = agent({ context: { usedTokens: 5, windowTokens: 10, percent: 50, updatedAt: '2026-01-01T00:00:00.000Z' } });
    const b = agent({ state: 'gone', git: { ahead: 1, behind: 2, dirty: 3, merged: false, mergedHow: 'no', mergedOn: null, conflicts: [] } });
    const first = new Registry(journal);
    first.put(a);
    first.put(b);
    const second = new Registry(journal);
    expect(second.all()).toEqual([a, b]);
    expect(second.get(b.id)).toEqual(b);
    expect(readJournal(journal)).toEqual([a, b]);
  });

  it('survives a removal across restarts', () => {
    const reg = new Registry(journal);
    const a = agent();
    const b = agent();
    reg.put(a);
    reg.put(b);
    reg.remove(a.id);
    expect(new Registry(journal).all()).toEqual([b]);
  });

  it.each([
    ['missing', null],
    ['not JSON', '{"version": 1, "agents": ['],
    ['another version', JSON.stringify({ version: 2, agents: [agent()] })],
    ['agents not a list', JSON.stringify({ version: 1, agents: {} })],
    ['a JSON null', 'null'],
  ])('reads a journal that is %s as empty', (_what, content) => {
    if (content !== null) {
      mkdirSync(join(journal, '..'), { recursive: true });
      writeFileSync(journal, content);
    }
    expect(readJournal(journal)).toEqual([]);
    expect(new Registry(journal).all()).toEqual([]);
  });

  it('keeps why it cannot be written (a folder in its place) until a write works, telling of each change once', () => {
    const heard: Array<string | null> = [];
    const events: Array<string | null> = [];
    const reg = new Registry(journal, (p) => heard.push(p));
    reg.on('journal', (p) => events.push(p));
    reg.put(agent());
    expect(reg.journalWriteProblem).toBeNull();
    rmSync(journal);
    mkdirSync(journal); // the file replaced by a folder
    for (let i = 0; i < 20; i++) reg.put(agent()); // many writes, as a busy daemon makes
    expect(reg.journalWriteProblem).toContain('cannot be written');
    expect(reg.journalWriteProblem).toContain('a folder is in its place');
    expect(reg.journalWriteProblem).toContain(journal);
    expect(heard).toEqual([reg.journalWriteProblem]); // said once, not once per write
    expect(events).toEqual([reg.journalWriteProblem]);
    expect(readdirSync(join(journal, '..'))).toEqual(['agents.json']); // no temp files left
    rmSync(journal, { recursive: true });
    reg.save();
    expect(reg.journalWriteProblem).toBeNull();
    expect(heard).toEqual([events[0], null]);
    expect(events).toEqual([heard[0], null]);
    expect(journalOnDisk().agents).toHaveLength(21); // nothing lost: the whole registry is written
  });

  it('says so when the journal cannot be read (a folder in its place), instead of reading it as none', () => {
    mkdirSync(journal, { recursive: true });
    const reg = new Registry(journal);
    expect(reg.all()).toEqual([]);
    expect(reg.journalProblem).toContain('could not be read');
    expect(reg.journalProblem).toContain('EISDIR');
    expect(new Registry(join(journal, '..', 'absent.json')).journalProblem).toBeNull();
  });

  it('lists agents oldest first, then by name', () => {
    const reg = new Registry(journal);
    const t = '2026-03-01T00:00:00.000Z';
    const late = agent({ createdAt: '2026-04-01T00:00:00.000Z', name: 'a' });
    const b = agent({ createdAt: t, name: 'b' });
    const a = agent({ createdAt: t, name: 'a' });
    for (const x of [late, b, a]) reg.put(x);
    expect(reg.all().map((x) => x.id)).toEqual([a.id, b.id, late.id]);
    expect(journalOnDisk().agents.map((x) => x.id)).toEqual([a.id, b.id, late.id]);
  });
});

describe('lookups', () => {
  it('resolves by id, then by a unique name', () => {
    const reg = new Registry(journal);
    const a = agent({ name: 'fix-login' });
    const b = agent({ name: 'docs' });
    reg.put(a);
    reg.put(b);
    expect(reg.resolve(a.id)).toEqual(a);
    expect(reg.resolve('docs')).toEqual(b);
  });

  it('prefers an id over a name that happens to equal it', () => {
    const reg = new Registry(journal);
    const a = agent();
    const b = agent({ name: a.id });
    reg.put(a);
    reg.put(b);
    expect(reg.resolve(a.id)).toEqual(a);
  });

  it('refuses a name two agents share, listing their ids', () => {
    const reg = new Registry(journal);
    const a = agent({ name: 'twin' });
    const b = agent({ name: 'twin', state: 'gone' });
    reg.put(a);
    reg.put(b);
    const e = usageErrorOf(() => reg.resolve('twin'));
    expect(e.code).toBe('AMBIGUOUS_AGENT');
    expect(e.message).toBe('More than one agent is named "twin".');
    expect(e.hint).toBe(`Use the id instead: ${a.id}, ${b.id}.`);
  });

  it('reports an unknown agent', () => {
    const reg = new Registry(journal);
    reg.put(agent({ name: 'x' }));
    const e = usageErrorOf(() => reg.resolve('nobody'));
    expect(e.code).toBe('AGENT_NOT_FOUND');
    expect(e.message).toBe('No agent is called "nobody".');
    expect(usageErrorOf(() => reg.resolve('')).code).toBe('AGENT_NOT_FOUND');
  });

  it('finds the live agent of a pane, never a gone one', () => {
    const reg = new Registry(journal);
    const gone = agent({ paneId: paneId('%5'), state: 'gone' });
    reg.put(gone);
    expect(reg.byPane('%5')).toBeUndefined();
    const live = agent({ paneId: paneId('%5') });
    reg.put(live);
    expect(reg.byPane('%5')).toEqual(live);
    expect(reg.byPane('%404')).toBeUndefined();
  });

  it('holds the names of agents with a pane; a gone agent frees its name but keeps its id', () => {
    const reg = new Registry(journal);
    const a = agent();
    const b = agent({ state: 'gone' });
    reg.put(a);
    reg.put(b);
    expect(reg.names()).toEqual(new Set([a.name]));
    expect(reg.ids()).toEqual(new Set([a.id, b.id]));
  });

  it('drops the gone records of a name a new agent takes over, and only those', () => {
    const reg = new Registry(journal);
    const live = agent();
    const gone = agent({ state: 'gone', name: 'reused' });
    const other = agent({ state: 'gone' });
    for (const r of [live, gone, other]) reg.put(r);
    reg.dropGoneNamed('reused');
    expect(reg.get(gone.id)).toBeUndefined();
    expect(reg.get(other.id)).toBeDefined();
    expect(reg.get(live.id)).toBeDefined();
  });
});

describe('events', () => {
  it('emits added, updated and removed, with the record', () => {
    const reg = new Registry(journal);
    const seen = recordEvents(reg);
    const a = agent();
    reg.put(a);
    const changed = { ...a, state: 'working' as const };
    reg.put(changed);
    reg.patch(a.id, { task: 'new task' });
    reg.remove(a.id);
    expect(seen).toEqual([['added', a], ['updated', changed], ['updated', { ...changed, task: 'new task' }], ['removed', { ...changed, task: 'new task' }]]);
  });

  it('emits nothing and writes nothing for an identical put, or for a patch or removal of an unknown id', () => {
    const reg = new Registry(journal);
    const a = agent();
    reg.put(a);
    const seen = recordEvents(reg);
    const ino = statSync(journal).ino;
    reg.put({ ...a });
    reg.put(JSON.parse(JSON.stringify(a)) as AgentRecord);
    reg.patch(a.id, { state: a.state });
    reg.patch('nope0000', { state: 'idle' });
    reg.remove('nope0000');
    expect(seen).toEqual([]);
    expect(statSync(journal).ino).toBe(ino);
  });

  it('emits only after the journal holds the change', () => {
    const reg = new Registry(journal);
    const onDisk: AgentRecord[][] = [];
    reg.on('added', () => onDisk.push(readJournal(journal)));
    reg.on('removed', () => onDisk.push(readJournal(journal)));
    const a = agent();
    reg.put(a);
    reg.remove(a.id);
    expect(onDisk).toEqual([[a], []]);
  });
});

describe('reconcile', () => {
  it('marks agents whose panes are gone as gone, keeping everything else about them', () => {
    const reg = new Registry(journal);
    const context = { usedTokens: 1000, windowTokens: 200_000, percent: 0.5, updatedAt: '2026-01-01T00:00:00.000Z' };
    const git = { ahead: 2, behind: 0, dirty: 1, merged: false, mergedHow: 'no' as const, mergedOn: null, conflicts: [] };
    const killed = agent({ context, git, transcriptPath: '/t.jsonl' });
    const alive = agent();
    reg.put(killed);
    reg.put(alive);
    const seen = recordEvents(reg);
    reg.reconcile([alive]);
    expect(reg.get(killed.id)).toEqual({ ...killed, state: 'gone' });
    expect(reg.get(alive.id)).toEqual(alive);
    expect(seen).toEqual([['updated', { ...killed, state: 'gone' }]]);
    expect(new Registry(journal).get(killed.id)!.state).toBe('gone');
  });

  it('keeps transcript, context and git for live agents, taking the rest from tmux', () => {
    const reg = new Registry(journal);
    const context = { usedTokens: 1000, windowTokens: 200_000, percent: 0.5, updatedAt: '2026-01-01T00:00:00.000Z' };
    const git = { ahead: 2, behind: 0, dirty: 1, merged: true, mergedHow: 'ancestor' as const, mergedOn: 'main', conflicts: [] };
    const known = agent({ context, git, transcriptPath: '/t.jsonl', state: 'working' });
    reg.put(known);
    const fromTmux: AgentRecord = { ...known, paneId: paneId('%77'), windowId: windowId('@9'), state: 'exited', exitCode: 1, context: null, contextWindow: null, model: null, transcriptFormat: null, launch: null, conversation: null, git: null, transcriptPath: null };
    const seen = recordEvents(reg);
    reg.reconcile([fromTmux]);
    const merged = { ...fromTmux, context, git, transcriptPath: '/t.jsonl' };
    expect(reg.get(known.id)).toEqual(merged);
    expect(seen).toEqual([['updated', merged]]);
    expect(journalOnDisk().agents).toEqual([merged]);
  });

  it('adds live agents it did not know', () => {
    const reg = new Registry(journal);
    const seen = recordEvents(reg);
    const fresh = agent();
    reg.reconcile([fresh]);
    expect(reg.all()).toEqual([fresh]);
    expect(seen).toEqual([['added', fresh]]);
  });

  it('changes nothing when tmux agrees with the registry, and leaves gone agents alone', () => {
    const reg = new Registry(journal);
    const a = agent({ context: { usedTokens: 1, windowTokens: 2, percent: 50, updatedAt: '2026-01-01T00:00:00.000Z' } });
    const gone = agent({ state: 'gone' });
    reg.put(a);
    reg.put(gone);
    const seen = recordEvents(reg);
    const ino = statSync(journal).ino;
    reg.reconcile([{ ...a, context: null }]); // tmux never carries context
    reg.reconcile([{ ...a, context: null }]);
    expect(seen).toEqual([]);
    expect(statSync(journal).ino).toBe(ino);
    expect(reg.get(gone.id)).toEqual(gone);
  });

  it('brings a gone agent back when its pane is reported again', () => {
    const reg = new Registry(journal);
    const a = agent();
    reg.put(a);
    reg.reconcile([]);
    expect(reg.get(a.id)!.state).toBe('gone');
    reg.reconcile([a]);
    expect(reg.get(a.id)).toEqual(a);
  });
});
