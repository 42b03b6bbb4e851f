// What a flowspace classifier answers, shared by the indexed classifier and the linear reference.
import type { DpidHex, FlowspaceEntry, Match, Permission } from '@dfvisor/grammar';
import type { ClassifierError } from './errors.js';
import type { PacketHeaders } from './packet.js';

/** One flowspace entry that a query match intersects, and the intersection. */
export interface FlowspaceHit {
  entry: FlowspaceEntry;
  /** The in-port of the intersection: the entry's port, else the query's (null: any port). */
  inPort: number | null;
  /** The query match narrowed to the entry's match (canonical text). */
  match: Match;
}

export interface EntryFilter {
  /** Only entries of this slice. */
  slice?: string;
  /** Only entries granting this permission. */
  permission?: Permission;
}

export type HitsResult = { ok: true; hits: FlowspaceHit[] } | { ok: false; error: ClassifierError };

export interface FlowspaceClassifier {
  readonly size: number;
  add(entry: FlowspaceEntry): ClassifierError | null;
  remove(id: number): boolean;
  /** Matching entries for a packet at (dpid, inPort), priority high to low, ties by id. */
  classifyPacket(dpid: DpidHex, inPort: number, headers: PacketHeaders): FlowspaceEntry[];
  /** Adds to `out` (and returns it) the slices of the matching entries that grant read. */
  readersOf(dpid: DpidHex, inPort: number, headers: PacketHeaders, out: Set<string>): Set<string>;
  /** Entries at (dpid, inPort or any port) whose match intersects `match`, same order. */
  entriesForMatch(dpid: DpidHex, inPort: number | null, match: Match, filter?: EntryFilter): HitsResult;
}
