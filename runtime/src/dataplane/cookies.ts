// The cookie layout of every flow entry DFVisor installs on a switch: which bits name the
// hypervisor, the slice and the rule. The one place that encodes and decodes cookies: the proxy
// writes them (tenant rules, base rules), matches them (packet-ins, flow-removed, tenant stats)
// and deletes by them (undeploy); the push statistics attribute flows to slices by them.
// docs/dataplane.md, "Table, priorities and cookies". Imports nothing.
//
//   tenant rule     (slice id + 1) << 48 | rule number (48 bits: master generation << 32 | sequence)
//                   (all of a rule's physical rules carry its cookie: table 0, and table 1 for the
//                   link in-port rules of an ethertype carried in a second MPLS label)
//   base rule       0xffff << 48 | (slice id + 1) << 16 | sequence (16 bits); the sequence says
//                   what and where: 1..0x3fff LLDP per link port, 0x4000..0x7fff the second-label
//                   dispatch per link port (table 0, goto table 1), 0x8000 1.0 miss emulation,
//                   0xc000..0xffff the managed core's forwarding rules
//   isolation drop  0xffff << 48 | 1   (no slice)
//   LLDP probe rule 0xffff << 48 | 2   (no slice; link discovery)
//   core rule       a base rule of the slice whose sequence has bits 15 and 14 set (managed core, see below)

/** The top 16 bits: slice id + 1 on a tenant rule, all ones on the hypervisor's own rules. */
export const COOKIE_PREFIX_MASK = 0xffffn << 48n;
/** Cookie mask that selects every tenant rule of one slice (with `sliceCookie(id, 0)`). */
export const SLICE_COOKIE_MASK = COOKIE_PREFIX_MASK;
/** The prefix of the hypervisor's own rules (base rules and the isolation drop rule). */
export const HV_COOKIE_PREFIX = COOKIE_PREFIX_MASK;
/** The isolation default (drop what no slice rule matches): a hypervisor rule of no slice. */
export const HV_DROP_COOKIE = HV_COOKIE_PREFIX | 1n;
/** The rule that sends the hypervisor's own LLDP probes back to it (link discovery): no slice. */
export const HV_PROBE_COOKIE = HV_COOKIE_PREFIX | 2n;
/** Cookie mask that selects every base rule of one slice (with `hvSliceCookie(id, 0)`). */
export const HV_SLICE_COOKIE_MASK = HV_COOKIE_PREFIX | (0xffffffffn << 16n);
/** The sequence of a slice's OpenFlow 1.0 table-miss emulation rule among its base rules. */
export const MISS_EMULATION_SEQ = 0x8000;
/** The first sequence of a slice's second-label dispatch rules (one per link port, table 0 → table 1). */
export const DISPATCH_SEQ = 0x4000;
/**
 * Base-rule sequences from this bit on are the managed core's forwarding rules (one per virtual
 * link, path, direction and switch): 0xc000 | link index (8 bits) << 6 | path index (5 bits) << 1 | direction
 * (above the 1.0 miss emulation's 0x8000 and disjoint from the dispatch rules' 0x4000..0x7fff).
 */
export const CORE_RULE_SEQ = 0xc000;

/** The cookie of a core forwarding rule (direction 0: from the link's a end to b; 1: back). */
export function coreRuleCookie(sliceId: number, linkIndex: number, pathIndex: number, dir: 0 | 1): bigint {
  return hvSliceCookie(sliceId, CORE_RULE_SEQ | ((linkIndex & 0xff) << 6) | ((pathIndex & 0x1f) << 1) | dir);
}

/** Whether a base-rule sequence is a core forwarding rule's. */
export function isCoreRuleSeq(seq: number): boolean {
  return (seq & 0xc000) === CORE_RULE_SEQ;
}

/** The cookie of a packet-in no rule caused (OpenFlow 1.3: all ones). */
export const NO_COOKIE = 0xffffffffffffffffn;

const RULE_BITS = 0xffffffffffffn;
const SEQ_BITS = 0xffffn;

/** Each slice's cookie prefix, made once (a cookie is made for every tenant rule). */
const slicePrefixes: bigint[] = [];

/** The cookie of a slice's tenant rule number `seq` (48 bits). */
export function sliceCookie(sliceId: number, seq: number | bigint): bigint {
  const prefix = (slicePrefixes[sliceId] ??= BigInt(sliceId + 1) << 48n);
  return typeof seq === 'number' && seq >= 0 && seq <= 0xffffffffffff && Number.isInteger(seq)
    ? prefix | BigInt(seq)
    : prefix | (BigInt(seq) & RULE_BITS);
}

/** The cookie of a slice's base rule number `seq` (16 bits). */
export function hvSliceCookie(sliceId: number, seq: number): bigint {
  return HV_COOKIE_PREFIX | (BigInt(sliceId + 1) << 16n) | BigInt(seq);
}

/** Whether the hypervisor owns the rule (base rules, isolation drop). */
export function isHypervisorCookie(cookie: bigint): boolean {
  // A table miss's cookie (1.3: all ones, ours; 1.0: 0, not ours) is told without bigint arithmetic.
  if (cookie === NO_COOKIE) return true;
  if (cookie === 0n) return false;
  return (cookie & COOKIE_PREFIX_MASK) === HV_COOKIE_PREFIX;
}

/** The slice id of a tenant rule's cookie (meaningless for hypervisor cookies: check those first). */
export function cookieSlice(cookie: bigint): number {
  return Number(cookie >> 48n) - 1;
}

/** Whether the cookie is a slice's OpenFlow 1.0 table-miss emulation rule. */
export function isMissEmulationCookie(cookie: bigint): boolean {
  return isHypervisorCookie(cookie) && (cookie & SEQ_BITS) === BigInt(MISS_EMULATION_SEQ);
}

/**
 * Whether the cookie is a second-label dispatch rule (table 0: pops the slice's label and sends
 * the packet to table 1, where a tenant rule counts it again).
 */
export function isDispatchCookie(cookie: bigint): boolean {
  if (!isHypervisorCookie(cookie)) return false;
  const seq = Number(cookie & SEQ_BITS);
  return seq >= DISPATCH_SEQ && seq < MISS_EMULATION_SEQ && ((cookie >> 16n) & 0xffffffffn) !== 0n;
}

/** Who a cookie belongs to; null: not a cookie DFVisor writes (prefix 0). */
export type CookieOwner =
  | { kind: 'tenant'; slice: number; rule: bigint }
  | { kind: 'base'; slice: number; seq: number }
  | { kind: 'isolation' };

export function decodeCookie(cookie: bigint): CookieOwner | null {
  const top = cookie >> 48n;
  if (top === SEQ_BITS) {
    const id = Number((cookie >> 16n) & 0xffffffffn);
    return id === 0 ? { kind: 'isolation' } : { kind: 'base', slice: id - 1, seq: Number(cookie & SEQ_BITS) };
  }
  if (top === 0n) return null;
  return { kind: 'tenant', slice: Number(top) - 1, rule: cookie & RULE_BITS };
}

/** Whether DFVisor wrote the cookie (any tenant rule, base rule or the isolation rule). */
export function isOurs(cookie: bigint): boolean {
  return decodeCookie(cookie) !== null;
}

/** Which slice id a cookie belongs to, and whether it is a tenant rule; null for no slice. */
export function sliceOfCookie(cookie: bigint): { index: number; tenant: boolean } | null {
  const o = decodeCookie(cookie);
  if (!o || o.kind === 'isolation') return null;
  return { index: o.slice, tenant: o.kind === 'tenant' };
}

/**
 * The first tenant rule number a master of generation `generationId` may use: the top 16 bits
 * of the rule number are the generation, so a new master never reuses a previous one's cookies.
 */
export function firstRuleNumber(generationId: bigint): number {
  return Number((generationId & SEQ_BITS) << 32n) + 1;
}
