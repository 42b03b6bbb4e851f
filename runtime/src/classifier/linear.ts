// The linear reference classifier: scan every entry, filter, sort. Obviously right and slow;
// tests and benchmarks compare the indexed classifier against it.
import type { DpidHex, FlowspaceEntry, Match } from '@dfvisor/grammar';
import type { ClassifierError } from './errors.js';
import { intersectCompiled } from './intersect.js';
import { compileMatch, isCompileError, matchesPacket } from './match.js';
import { compareEntries } from './order.js';
import { normalizePacket, type PacketHeaders } from './packet.js';
import type { IndexedEntry } from './tupleSpace.js';
import type { EntryFilter, FlowspaceClassifier, FlowspaceHit, HitsResult } from './types.js';
import { indexNewEntry, isIndexError } from './validate.js';

export class LinearClassifier implements FlowspaceClassifier {
  private list: IndexedEntry[] = [];
  private readonly ids = new Set<number>();

  static build(entries: readonly FlowspaceEntry[]): { classifier: LinearClassifier; errors: ClassifierError[] } {
    const classifier = new LinearClassifier();
    const errors: ClassifierError[] = [];
    for (const e of entries) {
      const err = classifier.add(e);
      if (err) errors.push(err);
    }
    return { classifier, errors };
  }

  get size(): number {
    return this.list.length;
  }

  add(entry: FlowspaceEntry): ClassifierError | null {
    const e = indexNewEntry(entry, (id) => this.ids.has(id));
    if (isIndexError(e)) return e;
    this.list.push(e);
    this.ids.add(entry.id);
    return null;
  }

  remove(id: number): boolean {
    if (!this.ids.delete(id)) return false;
    const n = this.list.length;
    this.list = this.list.filter((e) => e.entry.id !== id);
    return this.list.length < n;
  }

  classifyPacket(dpid: DpidHex, inPort: number, headers: PacketHeaders): FlowspaceEntry[] {
    const p = normalizePacket(headers);
    const out: FlowspaceEntry[] = [];
    for (const e of this.list) {
      if (e.entry.dpid !== dpid) continue;
      if (e.entry.inPort !== null && e.entry.inPort !== inPort) continue;
      if (matchesPacket(e.compiled, p.values, p.present)) out.push(e.entry);
    }
    return out.sort(compareEntries);
  }

  readersOf(dpid: DpidHex, inPort: number, headers: PacketHeaders, out: Set<string>): Set<string> {
    const p = normalizePacket(headers);
    for (const e of this.list) {
      const en = e.entry;
      if (en.dpid !== dpid || (en.inPort !== null && en.inPort !== inPort)) continue;
      if (en.permissions.includes('read') && matchesPacket(e.compiled, p.values, p.present)) out.add(en.slice);
    }
    return out;
  }

  entriesForMatch(dpid: DpidHex, inPort: number | null, match: Match, filter: EntryFilter = {}): HitsResult {
    const q = compileMatch(match);
    if (isCompileError(q)) return { ok: false, error: q };
    const hits: FlowspaceHit[] = [];
    for (const e of this.list) {
      const en = e.entry;
      if (en.dpid !== dpid) continue;
      if (inPort !== null && en.inPort !== null && en.inPort !== inPort) continue;
      if (filter.slice !== undefined && en.slice !== filter.slice) continue;
      if (filter.permission !== undefined && !en.permissions.includes(filter.permission)) continue;
      const m = intersectCompiled(e.compiled, q);
      if (m !== null) hits.push({ entry: en, inPort: en.inPort ?? inPort, match: m });
    }
    return { ok: true, hits: hits.sort((a, b) => compareEntries(a.entry, b.entry)) };
  }
}
