// The second MPLS label (docs/dataplane.md, "Overlay tags"): an ethertype outside the traffic-class
// table (runtime/src/dataplane/mpls-ethertypes.ts) that a tenant rule names exactly crosses an MPLS
// core under two labels: the inner one (bottom of stack) holds the ethertype, the outer one is the
// slice's with class 7. On every link port of an MPLS slice a dispatch rule in table 0 pops the
// outer label, writes the slice into the metadata and goes to table 1, where the tenant's rules
// for that in-port match the metadata and the inner label, and pop it (restoring the ethertype)
// or push the outer label again. This module builds those pieces: the stack's push and pop
// actions, the table-1 match, the dispatch rules. Pure functions, no I/O.
import type { Action, FlowMatch, FlowMod } from './messages.js';
import type { SliceOnSwitch } from './slice-views.js';
import { OFPFC as FC, OFPG_ANY, OFP_NO_BUFFER, OFPP13 as OFPP } from '../openflow/constants.js';
import { DISPATCH_SEQ, hvSliceCookie } from '../dataplane/cookies.js';
import { DISPATCH_PRIORITY } from '../dataplane/priorities.js';
import { SECOND_LABEL_CLASS, secondLabelCarries } from '../dataplane/mpls-ethertypes.js';

/** The table of the tenant rules that read the second label (link in-ports of MPLS slices). */
export const SECOND_TABLE = 1;
const MPLS = 0x8847;
const ALL_ONES = 0xffffffffffffffffn;

/** What the dispatch writes into the metadata for a slice (never 0: the metadata a packet starts with). */
export const sliceMetadata = (sliceId: number): bigint => BigInt(sliceId + 1);

/** The ethertype a match names exactly when only a second label can carry it, else null. */
export function secondLabelType(m: FlowMatch): number | null {
  const t = m.eth_type;
  if (!t || t.mask !== undefined) return null;
  return secondLabelCarries(Number(t.value)) ? Number(t.value) : null;
}

/**
 * Pushes the stack for a packet of `ethType` under the slice's `label`: both labels, or
 * `innerOnly` (the packet already carries the ethertype's label: a table-1 rule) the outer one.
 */
export function pushStack(label: number, ethType: number, innerOnly: boolean): Action[] {
  const outer: Action[] = [
    { type: 'push_mpls', ethertype: MPLS },
    { type: 'set_field', field: 'mpls_label', value: BigInt(label) },
    { type: 'set_field', field: 'mpls_tc', value: BigInt(SECOND_LABEL_CLASS) },
  ];
  if (innerOnly) return outer;
  return [{ type: 'push_mpls', ethertype: MPLS }, { type: 'set_field', field: 'mpls_label', value: BigInt(ethType) }, ...outer];
}

/** Pops the stack, restoring `ethType`: both labels, or `innerOnly` (table 1) the ethertype's. */
export function popStack(ethType: number, innerOnly: boolean): Action[] {
  const inner: Action = { type: 'pop_mpls', ethertype: ethType };
  return innerOnly ? [inner] : [{ type: 'pop_mpls', ethertype: MPLS }, inner];
}

/**
 * The table-1 match of a tenant rule at a link in-port: its L2 fields and in-port (`l2`), the
 * slice's metadata and the inner label that holds `ethType`, at the bottom of the stack.
 */
export function secondTableMatch(sliceId: number, l2: FlowMatch, ethType: number): FlowMatch {
  return {
    ...l2,
    metadata: { value: sliceMetadata(sliceId) },
    eth_type: { value: BigInt(MPLS) },
    mpls_label: { value: BigInt(ethType) },
    mpls_bos: { value: 1n },
  };
}

/**
 * The slice's dispatch rules on a switch (MPLS slices, OpenFlow 1.3): per link port, in port
 * order, its label with class 7 above another label → pop it, metadata = the slice, table 1.
 * Cookie: the slice's base rule DISPATCH_SEQ + i (i from 0, in link port order).
 */
export function dispatchRules(v: SliceOnSwitch): FlowMod[] {
  if (v.overlay.type !== 'mpls') return [];
  return [...v.linkPorts]
    .sort((a, b) => a - b)
    .map((p, i) => ({
      cookie: hvSliceCookie(v.index, DISPATCH_SEQ + i),
      cookieMask: 0n,
      tableId: 0,
      command: FC.ADD,
      idleTimeout: 0,
      hardTimeout: 0,
      priority: DISPATCH_PRIORITY,
      bufferId: OFP_NO_BUFFER,
      outPort: OFPP.ANY,
      outGroup: OFPG_ANY,
      flags: 0,
      match: {
        in_port: { value: BigInt(p) },
        eth_type: { value: BigInt(MPLS) },
        mpls_label: { value: BigInt(v.overlay.tag) },
        mpls_tc: { value: BigInt(SECOND_LABEL_CLASS) },
        mpls_bos: { value: 0n },
      },
      instructions: [
        { type: 'apply_actions', actions: [{ type: 'pop_mpls', ethertype: MPLS }] },
        { type: 'write_metadata', metadata: sliceMetadata(v.index), mask: ALL_ONES },
        { type: 'goto_table', tableId: SECOND_TABLE },
      ],
    }));
}
