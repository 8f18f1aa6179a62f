// Who spawned whom: agents in tree order (each parent followed by its children, oldest first) with
// their depth, for `list` and the sidebar. An agent whose parent is not among them is a root.
import type { AgentRecord } from './agent.js';

export function treeOrder(agents: readonly AgentRecord[]): Array<{ agent: AgentRecord; depth: number }> {
  const byAge = [...agents].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const ids = new Set(byAge.map((a) => a.id));
  const children = new Map<string, AgentRecord[]>();
  for (const a of byAge) if (a.parentId && ids.has(a.parentId) && a.parentId !== a.id) children.set(a.parentId, [...(children.get(a.parentId) ?? []), a]);
  const out: Array<{ agent: AgentRecord; depth: number }> = [];
  const seen = new Set<string>();
  const visit = (a: AgentRecord, depth: number) => {
    if (seen.has(a.id)) return; // a parent loop (hand-edited journal) must not recurse forever
    seen.add(a.id);
    out.push({ agent: a, depth });
    for (const c of children.get(a.id) ?? []) visit(c, depth + 1);
  };
  for (const a of byAge) if (!a.parentId || !ids.has(a.parentId)) visit(a, 0);
  for (const a of byAge) visit(a, 0); // whatever a loop left out
  return out;
}
