// The proxy's record of one slice's flows on one switch: tenant rule (its own cookie, match,
// priority, instructions) ↔ the physical rules it became (by proxy cookie). It decides, with
// OpenFlow's own rules, which tenant rules a modify or delete selects (strict/non-strict, cookie
// mask, out_port, out_group), counts entries for the flow_entries limit, expires hard timeouts
// itself, reconciles with the switch's flow statistics (idle timeouts, lost flow-removed), and
// translates flow-removed and flow stats back to the tenant's view. docs/dataplane.md, "The
// tenant flow table". Memory: a rule keeps its match as the canonical key bytes in an arena (the
// match object is decoded on demand), is found by open-addressing tables (rule-index.ts), and
// shares its instructions with equal rules.
import type { FlowMatch, Instruction } from './messages.js';
import { matchSubsumes } from './match-algebra.js';
import { matchKey, matchOfKey } from './hot-messages.js';
import { CookieTable, KeyArena, KeyTable, RuleKey, keyHash, keyOfMatch, keyOfText } from './rule-index.js';
import { OFPG_ANY, OFPP13 as OFPP } from '../openflow/constants.js';

export { RuleKey };

/**
 * A tenant rule is identified by its priority and its match (an ADD with both the same replaces
 * it); this is the match's part of the key: the match's canonical OXM bytes as the one translation
 * writes them (hot-messages.ts `matchKey`, as bytes: no string built; `known`: the same bytes its
 * decoder took from the frame when they already were canonical), for 1.3 and 1.0 flow-mods alike.
 * Use it right away (its bytes are scratch); its string is `matchKey(m)`.
 */
export const ruleKey = (m: FlowMatch, known?: string): RuleKey => (known !== undefined ? keyOfText(known) : keyOfMatch(m, matchKey));

/** A key as the table's methods take it: ruleKey's, or matchKey's string (any string: its characters are the key). */
export type KeyLike = RuleKey | string;

/** How long a deleted or expired rule is kept for the switch's flow-removed (then forgotten). */
export const REMOVED_GRACE_MS = 10_000;

/** What a tenant's modify or delete selects, in the tenant's own terms. */
export interface FlowSelection {
  strict: boolean;
  match: FlowMatch;
  /** ruleKey of `match` (strict selections compare keys). */
  key: KeyLike;
  priority: number;
  /** 0n: any cookie (OpenFlow 1.0 has no cookie mask). */
  cookie: bigint;
  cookieMask: bigint;
  /** OFPP ANY: any (deletes only; modifies ignore out_port). */
  outPort: number;
  /** OFPG ANY: any (1.3 deletes only). */
  outGroup: number;
}

/** Whether a rule's instructions output to `port` (OpenFlow's out_port filter: output actions). */
export function outputsTo(instructions: readonly Instruction[], port: number): boolean {
  for (const ins of instructions) {
    if (ins.type !== 'apply_actions' && ins.type !== 'write_actions') continue;
    for (const a of ins.actions) if (a.type === 'output' && a.port === port) return true;
  }
  return false;
}

/** Whether a rule's instructions use group `group` (OpenFlow 1.3's out_group filter). */
export function usesGroup(instructions: readonly Instruction[], group: number): boolean {
  for (const ins of instructions) {
    if (ins.type !== 'apply_actions' && ins.type !== 'write_actions') continue;
    for (const a of ins.actions) if (a.type === 'group' && a.groupId === group) return true;
  }
  return false;
}

const INTERN_MAX = 4096;
const NO_INSTRUCTIONS: Instruction[] = [];
/** The interned lists by id (a rule keeps the id: 2 bytes); id 0 is the empty list. */
const internedLists: Instruction[][] = [NO_INSTRUCTIONS];
const interned = new Map<string, number>([['-', 0]]);
const singleOutputs = new Map<number, number>();
/** The id of a list that is not interned (past INTERN_MAX distinct lists): the table keeps it by slot. */
const OWN_LIST = 0xffff;

/**
 * The id of the shared list equal to `ins` (OWN_LIST: none). Learning controllers send a few
 * distinct outputs for millions of rules. The fingerprint of the usual case (apply: outputs only)
 * is built by hand; others go through JSON. Past INTERN_MAX distinct lists, lists are not shared.
 */
function internId(ins: Instruction[]): number {
  // The commonest list, one output (a learning switch's rule), by number: no string built.
  const first = ins.length === 1 && ins[0]!.type === 'apply_actions' ? ins[0]!.actions : null;
  if (first && first.length === 1 && first[0]!.type === 'output') {
    const key = first[0]!.port * 65536 + first[0]!.maxLen;
    const hit = singleOutputs.get(key);
    if (hit !== undefined) return hit;
    if (singleOutputs.size >= INTERN_MAX) return OWN_LIST;
    singleOutputs.set(key, internedLists.push(ins) - 1);
    return internedLists.length - 1;
  }
  let fp = '';
  if (ins.length === 1 && ins[0]!.type === 'apply_actions') {
    fp = 'a';
    for (const a of ins[0]!.actions) {
      if (a.type !== 'output') {
        fp = '';
        break;
      }
      fp += `${a.port}/${a.maxLen},`;
    }
  } else if (ins.length === 0) fp = '-';
  if (fp === '') fp = JSON.stringify(ins, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  const hit = interned.get(fp);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERN_MAX) return OWN_LIST;
  interned.set(fp, internedLists.push(ins) - 1);
  return internedLists.length - 1;
}

/**
 * One shared array per distinct instruction list (the first one given); past INTERN_MAX distinct
 * lists, lists are kept as given.
 */
export function internInstructions(ins: Instruction[]): Instruction[] {
  const id = internId(ins);
  return id === OWN_LIST ? ins : internedLists[id]!;
}

/** What add() records of a tenant's ADD. */
export interface NewTenantRule {
  cookie: bigint;
  tenantCookie: bigint;
  match: FlowMatch;
  priority: number;
  flags: number;
  idleTimeout: number;
  hardTimeout: number;
  instructions: Instruction[];
}

/** A tenant's flow-mod as add() records it: its own fields, under the proxy's cookie on the switch. */
export function ruleOfFlowMod(m: Omit<NewTenantRule, 'tenantCookie'>, cookie: bigint): NewTenantRule {
  return {
    cookie,
    tenantCookie: m.cookie,
    match: m.match,
    priority: m.priority,
    flags: m.flags,
    idleTimeout: m.idleTimeout,
    hardTimeout: m.hardTimeout,
    instructions: m.instructions,
  };
}

/** One tenant rule as the session reads it (a view of the table's slot, or a copy of a removed rule). */
export interface TenantRule {
  /** The proxy's cookie on the switch. */
  readonly cookie: bigint;
  /** The match's canonical key (ruleKey). */
  readonly key: string;
  /** The tenant's own match (decoded from the key on each read). */
  readonly match: FlowMatch;
  /** The tenant's own priority and cookie. */
  readonly priority: number;
  readonly tenantCookie: bigint;
  readonly flags: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  /** The tenant's instructions (shared between rules with equal ones: never mutate). */
  readonly instructions: Instruction[];
  /** Physical rules of it still on the switch. */
  readonly physical: number;
  /** Deleted by the tenant, expired, or gone from the switch's report: waiting for its flow-removed. */
  readonly deleted: boolean;
}

const FREE = 0;
const LIVE = 1;
const DELETED = 2;
/** `active` of a rule no statistics round has listed since it was added. */
const UNSEEN = 0;

/** Columns grow by this factor (the unused part of a column is at most a third of it). */
const GROWTH = 1.5;

/** `old`'s values at the start of `into`. */
function grown<T extends BigUint64Array | Float64Array | Uint32Array | Uint16Array | Uint8Array>(old: T, into: T): T {
  into.set(old as never);
  return into;
}

/**
 * The rules' fields, one typed-array column each, indexed by slot (no object per rule: 53 bytes
 * of columns per slot, the key's block in the arena and two hash-table entries per rule; the
 * priority is in the key's block). Slots are reused (a free slot's `round` links the free list).
 */
class Slots {
  cap = 0;
  cookie = new BigUint64Array(0);
  /** `cookie`'s bytes as 32-bit words (what the cookie table hashes and compares). */
  cookieWords = new Int32Array(0);
  tenantCookie = new BigUint64Array(0);
  deadline = new Float64Array(0);
  round = new Uint32Array(0);
  flags = new Uint16Array(0);
  idle = new Uint16Array(0);
  hard = new Uint16Array(0);
  physical = new Uint32Array(0);
  state = new Uint8Array(0);
  /**
   * Idle timeouts: the packet count the last statistics round listed (its low 32 bits) and the
   * table-clock second from which it stood still (UNSEEN: not listed since added).
   */
  packets = new Uint32Array(0);
  active = new Uint32Array(0);
  /** The instruction list's interned id (OWN_LIST: in `ownLists`). */
  lists = new Uint16Array(0);
  ownLists = new Map<number, Instruction[]>();
  keys = new KeyArena();
  /** Matches of the rare rules whose key is matchKey's text form (matchOfKey cannot decode it). */
  textMatches = new Map<number, FlowMatch>();
  /** The first free slot + 1 (0: none); a free slot's `round` holds the next one's, the same way. */
  private freeHead = 0;
  /** Slots ever used: [0, top) holds every tracked rule. */
  top = 0;

  alloc(): number {
    const f = this.freeHead - 1;
    if (f >= 0) {
      this.freeHead = this.round[f]!;
      return f;
    }
    if (this.top === this.cap) this.grow();
    return this.top++;
  }

  release(slot: number): void {
    this.state[slot] = FREE;
    this.keys.release(slot);
    this.lists[slot] = 0;
    if (this.ownLists.size) this.ownLists.delete(slot);
    if (this.textMatches.size) this.textMatches.delete(slot);
    this.round[slot] = this.freeHead;
    this.freeHead = slot + 1;
  }

  instructionsOf(slot: number): Instruction[] {
    const id = this.lists[slot]!;
    return id === OWN_LIST ? (this.ownLists.get(slot) ?? NO_INSTRUCTIONS) : internedLists[id]!;
  }

  setInstructions(slot: number, ins: Instruction[]): void {
    const id = internId(ins);
    this.lists[slot] = id;
    if (id === OWN_LIST) this.ownLists.set(slot, ins);
    else if (this.ownLists.size) this.ownLists.delete(slot);
  }

  private grow(): void {
    const cap = Math.max(64, Math.ceil(this.cap * GROWTH));
    this.cookie = grown(this.cookie, new BigUint64Array(cap));
    this.cookieWords = new Int32Array(this.cookie.buffer);
    this.tenantCookie = grown(this.tenantCookie, new BigUint64Array(cap));
    this.deadline = grown(this.deadline, new Float64Array(cap));
    this.round = grown(this.round, new Uint32Array(cap));
    this.flags = grown(this.flags, new Uint16Array(cap));
    this.idle = grown(this.idle, new Uint16Array(cap));
    this.hard = grown(this.hard, new Uint16Array(cap));
    this.physical = grown(this.physical, new Uint32Array(cap));
    this.state = grown(this.state, new Uint8Array(cap));
    this.packets = grown(this.packets, new Uint32Array(cap));
    this.active = grown(this.active, new Uint32Array(cap));
    this.lists = grown(this.lists, new Uint16Array(cap));
    this.keys.grow(cap);
    this.cap = cap;
  }

  matchOf(slot: number): FlowMatch {
    return matchOfKey(this.keys.text(slot)) ?? this.textMatches.get(slot) ?? {};
  }

  reset(): void {
    Object.assign(this, new Slots());
  }
}

/** A live view of one slot (read right away: the slot is reused once the rule is forgotten). */
class SlotView implements TenantRule {
  constructor(
    private readonly s: Slots,
    readonly slot: number,
  ) {}
  get cookie(): bigint {
    return this.s.cookie[this.slot]!;
  }
  get key(): string {
    return this.s.keys.text(this.slot);
  }
  get match(): FlowMatch {
    return this.s.matchOf(this.slot);
  }
  get priority(): number {
    return this.s.keys.priorityOf(this.slot);
  }
  get tenantCookie(): bigint {
    return this.s.tenantCookie[this.slot]!;
  }
  get flags(): number {
    return this.s.flags[this.slot]!;
  }
  get idleTimeout(): number {
    return this.s.idle[this.slot]!;
  }
  get hardTimeout(): number {
    return this.s.hard[this.slot]!;
  }
  get instructions(): Instruction[] {
    return this.s.instructionsOf(this.slot);
  }
  get physical(): number {
    return this.s.physical[this.slot]!;
  }
  get deleted(): boolean {
    return this.s.state[this.slot] !== LIVE;
  }
}

/** A removed rule's fields, copied before its slot is reused. */
function copyOf(v: TenantRule): TenantRule {
  const key = v.key;
  const match = v.match;
  return {
    cookie: v.cookie,
    key,
    match,
    priority: v.priority,
    tenantCookie: v.tenantCookie,
    flags: v.flags,
    idleTimeout: v.idleTimeout,
    hardTimeout: v.hardTimeout,
    instructions: v.instructions,
    physical: 0,
    deleted: true,
  };
}

export class SliceFlowTable {
  private readonly s = new Slots();
  /** Proxy cookie → slot (live and deleted rules). */
  private readonly byCookie = new CookieTable();
  /** (priority, match key) → slot of the live rule. */
  private readonly byKey = new KeyTable();
  /** Slots whose hard-timeout or forget deadline falls in a second of the table clock. */
  private readonly due = new Map<number, number[]>();
  private nextDue = Infinity;
  private count = 0;
  private statsRound = 0;

  /**
   * `now`: the table clock (hard and idle timeouts). `maxTracked`: at most this many tracked rules
   * (live and deleted; null: no bound): past it, deleted rules waiting for their flow-removed are
   * forgotten, earliest first (the slice's flow_entries bounds the live ones).
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxTracked: () => number | null = () => null,
  ) {}

  /** Physical entries of the slice's live rules on the switch. */
  get entries(): number {
    return this.count;
  }

  /** Tracked tenant rules (live and waiting for their flow-removed). */
  get size(): number {
    return this.byCookie.size;
  }

  private slotOf(cookie: bigint): number | undefined {
    const slot = this.byCookie.find(cookie, this.s.cookieWords);
    return slot < 0 ? undefined : slot;
  }

  /**
   * The last lookup (priority, key → slot, -1: none): a tenant ADD asks `existing` and then `add`
   * for the same rule, so the second probe of the (large) key table is skipped, and a new rule takes
   * the entry where the first probe ended. Forgotten on every key table change.
   */
  private memoIn: KeyLike | undefined;
  private memoKey: RuleKey | undefined;
  private memoPriority = -1;
  private memoHash = 0;
  private memoSlot = -1;

  private liveSlot(priority: number, key: KeyLike): number {
    if (key === this.memoIn && priority === this.memoPriority) return this.memoSlot;
    const k = typeof key === 'string' ? keyOfText(key) : key;
    const hash = keyHash(priority, k);
    const slot = this.byKey.find(this.s.keys, priority, k, hash);
    this.memoIn = key;
    this.memoKey = k;
    this.memoPriority = priority;
    this.memoHash = hash;
    this.memoSlot = slot;
    return slot;
  }

  /** The rule a tenant ADD would replace (same match and priority), if any; `key` is ruleKey's. */
  existing(m: FlowMatch, priority: number, key: KeyLike = ruleKey(m)): TenantRule | undefined {
    const slot = this.liveSlot(priority, key);
    return slot < 0 ? undefined : new SlotView(this.s, slot);
  }

  /** Indexes `slot` (new, its priority set) under the key of the lookup just made for it. */
  private setKey(slot: number): void {
    const key = this.memoKey!;
    const block = this.s.keys.set(slot, this.memoPriority, key, this.memoHash);
    this.byKey.insert(block, this.memoHash, this.memoSlot < 0);
    this.memoIn = undefined;
  }

  private deleteKey(slot: number): void {
    this.memoIn = undefined;
    const keys = this.s.keys;
    this.byKey.remove(keys.at[slot]!, keys.hashOf(slot));
  }

  private schedule(slot: number, at: number): void {
    this.s.deadline[slot] = at;
    const sec = Math.ceil(at / 1000);
    let b = this.due.get(sec);
    if (!b) {
      b = [];
      this.due.set(sec, b);
    }
    b.push(slot);
    if ((sec - 1) * 1000 < this.nextDue) this.nextDue = (sec - 1) * 1000;
  }

  private forget(slot: number): void {
    this.byCookie.remove(slot, this.s.cookieWords);
    this.s.release(slot);
  }

  /** Records an ADD's physical rules (replacing a rule with the same match and priority). */
  add(rule: NewTenantRule, physical: readonly unknown[] | number, key: KeyLike = ruleKey(rule.match)): TenantRule {
    const s = this.s;
    const n = typeof physical === 'number' ? physical : physical.length;
    let slot = this.liveSlot(rule.priority, key);
    if (slot >= 0 && s.cookie[slot] !== rule.cookie) {
      // A rule with the same match and priority under another cookie: the switch replaced it.
      this.count -= s.physical[slot]!;
      this.deleteKey(slot);
      this.forget(slot);
      this.liveSlot(rule.priority, key);
      slot = -1;
    }
    if (slot < 0) {
      slot = s.alloc();
      s.cookie[slot] = rule.cookie;
      s.state[slot] = LIVE;
      s.physical[slot] = 0;
      const k = this.memoKey!;
      if (k.len > 0 && k.buf[k.off] !== 0x80) s.textMatches.set(slot, rule.match); // matchKey's text form
      this.setKey(slot);
      this.byCookie.insert(slot, s.cookieWords);
    }
    // New or the same rule again (learning controllers re-add flows): the switch replaces it
    // (new timeouts, flags and instructions).
    this.count += n - s.physical[slot]!;
    s.physical[slot] = n;
    s.tenantCookie[slot] = rule.tenantCookie;
    s.flags[slot] = rule.flags;
    s.idle[slot] = rule.idleTimeout;
    s.hard[slot] = rule.hardTimeout;
    s.setInstructions(slot, rule.instructions);
    s.round[slot] = this.statsRound;
    s.deadline[slot] = 0;
    if (rule.hardTimeout > 0) this.schedule(slot, this.now() + rule.hardTimeout * 1000);
    s.active[slot] = UNSEEN;
    this.bound();
    return new SlotView(s, slot);
  }

  /**
   * The live rules a modify or delete selects, as OpenFlow defines it: strict: the same match and
   * priority; non-strict: every rule whose match is at least as specific (any priority); then the
   * cookie under the mask, and for deletes the out_port and out_group filters.
   */
  select(sel: FlowSelection): TenantRule[] {
    const s = this.s;
    const hits: TenantRule[] = [];
    const filters = (slot: number): boolean => {
      const ins = s.instructionsOf(slot);
      return (
        (sel.cookieMask === 0n || (s.tenantCookie[slot]! & sel.cookieMask) === (sel.cookie & sel.cookieMask)) &&
        (sel.outPort === OFPP.ANY || outputsTo(ins, sel.outPort)) &&
        (sel.outGroup === OFPG_ANY || usesGroup(ins, sel.outGroup))
      );
    };
    if (sel.strict) {
      const slot = this.liveSlot(sel.priority, sel.key);
      if (slot >= 0 && filters(slot)) hits.push(new SlotView(s, slot));
      return hits;
    }
    const all = Object.keys(sel.match).length === 0;
    for (let slot = 0; slot < s.top; slot++) {
      if (s.state[slot] !== LIVE) continue;
      if ((all || matchSubsumes(sel.match, s.matchOf(slot))) && filters(slot)) hits.push(new SlotView(s, slot));
    }
    return hits;
  }

  /** The tenant deleted these rules (the proxy deletes their physical rules): no longer counted. */
  delete(rules: readonly TenantRule[]): void {
    const now = this.now();
    for (const r of rules) {
      const slot = this.slotOf(r.cookie);
      if (slot !== undefined) this.gone(slot, now);
    }
    this.bound();
  }

  /** Past `maxTracked`, deleted rules waiting for their flow-removed are forgotten (cheap when none waits). */
  private bound(): void {
    if (this.due.size === 0) return; // nothing deleted waits (hard timeouts and grace are scheduled)
    const max = this.maxTracked();
    if (max !== null && this.byCookie.size > max) this.trim(max);
  }

  /**
   * Forgets deleted rules waiting for their flow-removed, earliest deadline first, until at most
   * `max` rules are tracked (live rules stay: flow_entries bounds them).
   */
  private trim(max: number): void {
    const s = this.s;
    const secs = [...this.due.keys()].sort((a, b) => a - b);
    for (const sec of secs) {
      if (this.byCookie.size <= max) break;
      const bucket = this.due.get(sec)!;
      const keep: number[] = [];
      for (const slot of bucket) {
        if (s.state[slot] === DELETED && Math.ceil(s.deadline[slot]! / 1000) === sec && this.byCookie.size > max) this.forget(slot);
        else keep.push(slot);
      }
      if (keep.length) this.due.set(sec, keep);
      else this.due.delete(sec);
    }
  }

  private gone(slot: number, now: number): void {
    const s = this.s;
    if (s.state[slot] !== LIVE) return;
    s.state[slot] = DELETED;
    this.count -= s.physical[slot]!;
    this.deleteKey(slot);
    this.schedule(slot, now + REMOVED_GRACE_MS);
  }

  /**
   * A modify reached the rule: new instructions; timeouts and flags stay. The cookie stays on 1.3;
   * an OpenFlow 1.0 modify gives the rule its cookie (`newCookie`; all ones: keep), as Open vSwitch does.
   */
  modified(r: TenantRule, instructions: Instruction[], newCookie?: bigint): void {
    const slot = this.slotOf(r.cookie);
    if (slot === undefined) return;
    this.s.setInstructions(slot, instructions);
    if (newCookie !== undefined && newCookie !== 0xffffffffffffffffn) this.s.tenantCookie[slot] = newCookie;
  }

  /**
   * A physical rule left the switch (its cookie names the tenant rule; each physical rule is
   * removed once). Returns (a copy of) the tenant rule when its last physical rule went.
   */
  removed(cookie: bigint, physicalMatch?: FlowMatch): TenantRule | null {
    void physicalMatch;
    const s = this.s;
    const slot = this.slotOf(cookie);
    if (slot === undefined || s.physical[slot] === 0) return null;
    s.physical[slot]--;
    const live = s.state[slot] === LIVE;
    if (live) this.count -= 1;
    if (s.physical[slot]! > 0) return null;
    const copy = copyOf(new SlotView(s, slot));
    if (live) this.deleteKey(slot);
    this.forget(slot);
    return copy;
  }

  /**
   * Hard timeouts that ended and deleted rules past their grace, at the table clock's now (cheap
   * when nothing is due: callers run it before every limit check).
   */
  sweep(now = this.now()): void {
    if (now < this.nextDue) return;
    const s = this.s;
    for (const [sec, bucket] of this.due) {
      if ((sec - 1) * 1000 > now) continue;
      const keep: number[] = [];
      for (const slot of bucket) {
        const st = s.state[slot];
        const deadline = s.deadline[slot]!;
        if (st === FREE || deadline === 0 || Math.ceil(deadline / 1000) !== sec) continue; // forgotten or rescheduled
        if (deadline > now) {
          keep.push(slot);
          continue;
        }
        if (st === DELETED) this.forget(slot);
        else this.gone(slot, deadline); // hard timeout: the switch removed it at its deadline
      }
      if (keep.length) this.due.set(sec, keep);
      else this.due.delete(sec);
    }
    let next = Infinity;
    for (const sec of this.due.keys()) next = Math.min(next, (sec - 1) * 1000);
    this.nextDue = next;
  }

  /** A statistics round starts: rules added from now on may be missing from its answer. */
  startRound(): number {
    return ++this.statsRound;
  }

  /**
   * The switch's flow statistics of round `round` (started before its request was sent):
   * `present` counts each proxy cookie's physical rules. A live rule added before the round and
   * missing from it left the switch (idle timeout, or a flow-removed that never came).
   */
  reconcile(round: number, present: ReadonlyMap<bigint, number>, packets?: ReadonlyMap<bigint, bigint>): void {
    const s = this.s;
    const now = packets ? this.now() : 0;
    for (let slot = 0; slot < s.top; slot++) {
      if (s.state[slot] !== LIVE || s.round[slot]! >= round) continue;
      const cookie = s.cookie[slot]!;
      const n = present.get(cookie) ?? 0;
      const had = s.physical[slot]!;
      if (n === 0) {
        // Gone from the switch before its report: a flow-removed for it would have come first
        // (same connection, in order), so nothing is waited for.
        this.count -= had;
        this.deleteKey(slot);
        this.forget(slot);
        continue;
      }
      if (n < had) {
        this.count -= had - n;
        s.physical[slot] = n;
      }
      if (!packets || s.idle[slot] === 0) continue;
      const p = Number(BigInt.asUintN(32, packets.get(cookie) ?? 0n));
      if (s.active[slot] === UNSEEN || p !== s.packets[slot]) {
        // First listed, or traffic (or one of its physical rules left): the idle time starts here.
        s.packets[slot] = p;
        s.active[slot] = Math.ceil(now / 1000) + 1;
      } else if (now >= (s.active[slot]! - 1 + s.idle[slot]!) * 1000) this.gone(slot, now);
    }
    // Once a round: tables that stayed mostly empty since the last one shrink.
    this.memoIn = undefined;
    this.byKey.settle();
    this.byCookie.settle();
  }

  byProxyCookie(cookie: bigint): TenantRule | undefined {
    const slot = this.slotOf(cookie);
    return slot === undefined ? undefined : new SlotView(this.s, slot);
  }

  /** The live rules. */
  rules(): TenantRule[] {
    const s = this.s;
    const out: TenantRule[] = [];
    for (let slot = 0; slot < s.top; slot++) if (s.state[slot] === LIVE) out.push(new SlotView(s, slot));
    return out;
  }

  clear(): void {
    this.memoIn = undefined;
    this.memoKey = undefined;
    this.byCookie.clear();
    this.byKey.clear();
    this.due.clear();
    this.s.reset();
    this.nextDue = Infinity;
    this.count = 0;
  }
}
