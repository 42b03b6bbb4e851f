// A recorded history of a cluster fault test and the checker over it (plain data, no processes):
// every deploy request with its answer, every node's revision list sampled over time (from
// `GET /v1/revisions`), each switch's table at the end (`ovs-ofctl dump-flows` lines) and slice
// counters sampled over time. `checkHistory` returns every violation it finds (empty: none):
//   lost-ack      an acknowledged (2xx) deploy is not in the final revision chain (same revision
//                 number and slices), unless the chain no longer reaches back that far (pruned)
//   order         (also) an acknowledged deploy that ended before another one started has the
//                 higher revision
//   fork          two samples (any nodes) show the same revision number with different content
//   order         a node's revision list is not in increasing order, or a node's active revision
//                 went back
//   table         a switch's base rules or tenant rules at the end name other slices than the
//                 final plan binds there (by cookie: base rules 0xffff<<48 | (id+1)<<16 | seq,
//                 tenant rules (id+1)<<48 | …, ids replayed from the final chain)
//   counter       a slice's packets or bytes went down between two samples of one node (a sample
//                 without the slice starts its series again: the slice was removed)
// `HistoryRecorder` collects the samples while a test runs (see cluster-minority.test.ts).
import { sliceIdsFromHistory } from '../../src/cluster/slice-ids.js';

export interface RevisionInfo {
  revision: number;
  createdAt: string;
  action?: string;
  slices: string[];
}

export interface DeployRecord {
  node: string;
  startedAt: number;
  endedAt: number;
  status: number;
  /** The answer's revision (2xx) and the slices it deployed; the problem code otherwise. */
  revision?: number;
  slices?: string[];
  code?: string;
}

export interface RevisionSample {
  node: string;
  at: number;
  active: number | null;
  revisions: RevisionInfo[];
}

export interface CounterSample {
  node: string;
  at: number;
  slice: string;
  /** undefined: the slice is not deployed (its series starts again). */
  packets?: number;
  bytes?: number;
}

export interface SwitchTable {
  bridge: string;
  /** Slices the final plan binds to this switch (by name). */
  expectedSlices: string[];
  /** `ovs-ofctl dump-flows` lines. */
  flows: string[];
}

export interface History {
  deploys: DeployRecord[];
  revisions: RevisionSample[];
  counters: CounterSample[];
  /** The final revision chain (every node agrees on it at the end), oldest first. */
  finalChain: RevisionInfo[];
  tables: SwitchTable[];
}

export interface Violation {
  kind: 'lost-ack' | 'fork' | 'order' | 'table' | 'counter';
  detail: string;
}

const sameSlices = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');
const identity = (r: RevisionInfo) => `${r.createdAt}|${[...r.slices].sort().join(',')}`;

function lostAcks(h: History): Violation[] {
  const out: Violation[] = [];
  const oldest = h.finalChain[0]?.revision ?? Infinity;
  for (const d of h.deploys) {
    if (d.status < 200 || d.status >= 300 || d.revision === undefined || d.revision === 0) continue;
    if (d.revision < oldest) continue; // pruned from the chain: superseded by every later revision
    const kept = h.finalChain.find((r) => r.revision === d.revision);
    if (!kept || (d.slices && !sameSlices(kept.slices, d.slices)))
      out.push({
        kind: 'lost-ack',
        detail: `deploy on ${d.node} acknowledged revision ${d.revision} [${d.slices?.join(',') ?? ''}] but the final chain has ${kept ? `[${kept.slices.join(',')}]` : 'no such revision'}`,
      });
  }
  // Real-time order: an acknowledged deploy that ended before another acknowledged one started
  // has the lower (or the same, a "no change" answer) revision.
  const acked = h.deploys.filter((d) => d.status >= 200 && d.status < 300 && d.revision !== undefined);
  for (const a of acked)
    for (const b of acked)
      if (a.endedAt < b.startedAt && a.revision! > b.revision!)
        out.push({
          kind: 'order',
          detail: `deploy on ${a.node} acknowledged revision ${a.revision} before the deploy on ${b.node} that got ${b.revision} started`,
        });
  return out;
}

function forksAndOrder(h: History): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<number, { id: string; node: string }>();
  for (const r of h.finalChain) seen.set(r.revision, { id: identity(r), node: 'final chain' });
  const lastActive = new Map<string, number>();
  for (const s of [...h.revisions].sort((a, b) => a.at - b.at)) {
    for (let i = 1; i < s.revisions.length; i++)
      if (s.revisions[i].revision <= s.revisions[i - 1].revision)
        out.push({
          kind: 'order',
          detail: `${s.node} at ${s.at}: revision ${s.revisions[i].revision} listed after ${s.revisions[i - 1].revision}`,
        });
    for (const r of s.revisions) {
      const had = seen.get(r.revision);
      if (!had) seen.set(r.revision, { id: identity(r), node: s.node });
      else if (had.id !== identity(r))
        out.push({ kind: 'fork', detail: `revision ${r.revision} on ${s.node} at ${s.at} is ${identity(r)}; ${had.node} had ${had.id}` });
    }
    const prev = lastActive.get(s.node);
    if (s.active !== null) {
      if (prev !== undefined && s.active < prev)
        out.push({ kind: 'order', detail: `${s.node}: active revision went back from ${prev} to ${s.active} at ${s.at}` });
      lastActive.set(s.node, Math.max(prev ?? 0, s.active));
    }
  }
  return out;
}

const COOKIE = /cookie=0x([0-9a-f]+)/;

/** Slice ids named by a switch's flows: base rules and tenant rules (isolation and probe rules name none). */
export function slicesOnTable(flows: readonly string[]): { base: Set<number>; tenant: Set<number> } {
  const base = new Set<number>();
  const tenant = new Set<number>();
  for (const line of flows) {
    const m = COOKIE.exec(line);
    if (!m) continue;
    const cookie = BigInt(`0x${m[1]}`);
    const prefix = Number(cookie >> 48n);
    if (prefix === 0xffff) {
      const id = Number((cookie >> 16n) & 0xffffffffn) - 1;
      if (id >= 0) base.add(id);
    } else if (prefix > 0) tenant.add(prefix - 1);
  }
  return { base, tenant };
}

function staleTables(h: History): Violation[] {
  const out: Violation[] = [];
  const ids = sliceIdsFromHistory(h.finalChain.map((r) => ({ slices: r.slices.map((name) => ({ name })) })));
  const names = new Map([...ids].map(([n, id]) => [id, n]));
  const show = (s: Set<number>) => [...s].sort().map((id) => names.get(id) ?? `id ${id}`);
  for (const t of h.tables) {
    const want = new Set(t.expectedSlices.map((n) => ids.get(n)).filter((id): id is number => id !== undefined));
    const { base, tenant } = slicesOnTable(t.flows);
    if ([...want].some((id) => !base.has(id)) || [...base].some((id) => !want.has(id)))
      out.push({
        kind: 'table',
        detail: `${t.bridge}: base rules of [${show(base).join(',')}], the final plan binds [${show(want).join(',')}]`,
      });
    const stray = [...tenant].filter((id) => !want.has(id));
    if (stray.length)
      out.push({
        kind: 'table',
        detail: `${t.bridge}: tenant rules of slices the final plan does not bind: ${show(new Set(stray)).join(',')}`,
      });
  }
  return out;
}

function countersBack(h: History): Violation[] {
  const out: Violation[] = [];
  const last = new Map<string, { packets: number; bytes: number; at: number }>();
  for (const c of [...h.counters].sort((a, b) => a.at - b.at)) {
    const key = `${c.node}/${c.slice}`;
    if (c.packets === undefined || c.bytes === undefined) {
      last.delete(key);
      continue;
    }
    const prev = last.get(key);
    if (prev && (c.packets < prev.packets || c.bytes < prev.bytes))
      out.push({
        kind: 'counter',
        detail: `${c.slice} on ${c.node}: ${prev.packets} packets/${prev.bytes} bytes at ${prev.at}, then ${c.packets}/${c.bytes} at ${c.at}`,
      });
    last.set(key, { packets: c.packets, bytes: c.bytes, at: c.at });
  }
  return out;
}

export function checkHistory(h: History): Violation[] {
  return [...lostAcks(h), ...forksAndOrder(h), ...staleTables(h), ...countersBack(h)];
}
