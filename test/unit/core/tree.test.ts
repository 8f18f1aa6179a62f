// Tree order: each parent followed by its children, depth counted; missing parents and loops are roots.
import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../src/core/agent.js';
import { treeOrder } from '../../../src/core/tree.js';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
const a = (id: string, n: number, parentId: string | null = null) => ({ id, name: id, createdAt: at(n), parentId }) as AgentRecord;

describe('treeOrder', () => {
  it('puts children (and theirs) under their parent, oldest first', () => {
    const order = treeOrder([a('c2', 5, 'lead'), a('lead', 1), a('other', 2), a('c1', 3, 'lead'), a('g1', 6, 'c1')]);
    expect(order.map((x) => `${x.depth}:${x.agent.id}`)).toEqual(['0:lead', '1:c1', '2:g1', '1:c2', '0:other']);
  });
  it('treats an agent whose parent is not there as a root, and survives a loop', () => {
    expect(treeOrder([a('x', 1, 'gone')]).map((t) => t.depth)).toEqual([0]);
    expect(treeOrder([a('p', 1, 'q'), a('q', 2, 'p')]).map((t) => t.agent.id).sort()).toEqual(['p', 'q']);
  });
});
