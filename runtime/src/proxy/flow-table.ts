// The proxy's record of one slice's flows on one switch: tenant rule (its own cookie, match,
// priority, instructions) ↔ the physical rules it became (by proxy cookie). It decides, with
// OpenFlow's own rules, which tenant rules a modify or delete selects (strict/non-strict, cookie
// mask, out_port, out_group), counts entries for the flow_entries limit, expires hard timeouts
// itself, reconciles with the switch's flow statistics (idle timeouts, lost flow-removed), and
// translates flow-removed and flow stats back to the tenant's view. docs/dataplane.md, "The
// tenant flow table". Memory: a rule keeps its match as the canonical key string (the match
// object is decoded on demand) and shares its instructions with equal rules.
import type { FlowMatch, Instruction } from './messages.js';
import { matchSubsumes } from './match-algebra.js';
import { matchKey, matchOfKey } from './hot-messages.js';
import { idHash, keyHash, SlotIndex } from './slot-index.js';
import { OFPG_ANY, OFPP13 as OFPP } from '../openflow/constants.js';

/**
 * A tenant rule is identified by its priority and its match (an ADD with both the same replaces
 * it); this is the match's part of the key: the match's canonical OXM bytes as the one translation
 * writes them (hot-messages.ts `matchKey`; `known`: the same bytes its decoder took from the frame
 * when they already were canonical), for 1.3 and 1.0 flow-mods alike.
 */
export const ruleKey = (m: FlowMatch, known?: string): string => known ?? matchKey(m);

/** How long a deleted or expired rule is kept for the switch's flow-removed (then forgotten). */
export const REMOVED_GRACE_MS = 10_000;

/** What a tenant's modify or delete selects, in the tenant's own terms. */
export interface FlowSelection {
  strict: boolean;
  match: FlowMatch;
  /** ruleKey of `match` (strict selections compare keys). */
  key: string;
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
const interned = new Map<string, Instruction[]>();
const singleOutputs = new Map<number, Instruction[]>();

/**
 * One shared array per distinct instruction list (learning controllers send a few distinct
 * outputs for millions of rules). The fingerprint of the usual case (apply: outputs only) is
 * built by hand; others go through JSON. Past INTERN_MAX distinct lists, lists are kept as given.
 */
export function internInstructions(ins: Instruction[]): Instruction[] {
  // The commonest list, one output (a learning switch's rule), by number: no string built.
  const first = ins.length === 1 && ins[0]!.type === 'apply_actions' ? ins[0]!.actions : null;
  if (first && first.length === 1 && first[0]!.type === 'output') {
    const id = first[0]!.port * 65536 + first[0]!.maxLen;
    const hit = singleOutputs.get(id);
    if (hit) return hit;
    if (singleOutputs.size < INTERN_MAX) singleOutputs.set(id, ins);
    return ins;
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
  if (hit) return hit;
  if (interned.size < INTERN_MAX) interned.set(fp, ins);
  return ins;
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
const RULE_BITS = 0xffffffffffffn;
/** `active` of a rule no statistics round has listed yet. */
const UNSEEN = 0;

type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array | BigUint64Array;

/**
 * The rules' fields, one typed-array column each, indexed by slot (no object per rule: 69 bytes
 * of columns per slot, two index positions, plus the key string). Slots are reused (a free slot's
 * `round` links the free list); `compact` moves the tracked ones to the front of columns sized
 * for them. Columns grow by half.
 */
class Slots {
  cap = 0;
  /** The proxy cookie's bits above the rule bits: the slice's, the same for every rule of the table. */
  prefix = 0n;
  tenantCookie = new BigUint64Array(0);
  /** The proxy cookie's rule bits (what the cookie index hashes and compares). */
  cid = new Float64Array(0);
  /** keyHash of (priority, key). */
  khash = new Int32Array(0);
  deadline = new Float64Array(0);
  /**
   * Idle timeouts: the packet count the last statistics round showed (its low 32 bits, compared
   * for change only), and when it last changed (table clock, whole seconds rounded up, plus one;
   * UNSEEN: not listed yet): an idle rule is never expired early.
   */
  packets = new Uint32Array(0);
  active = new Uint32Array(0);
  round = new Uint32Array(0);
  priority = new Uint16Array(0);
  flags = new Uint16Array(0);
  idle = new Uint16Array(0);
  hard = new Uint16Array(0);
  physical = new Uint32Array(0);
  state = new Uint8Array(0);
  keys: string[] = [];
  instructions: Instruction[][] = [];
  /** Matches of the rare rules whose key is matchKey's text form (matchOfKey cannot decode it). */
  textMatches = new Map<number, FlowMatch>();
  /** The first free slot (-1: none); each free slot's `round` holds the next. */
  private freeHead = -1;
  private freeCount = 0;
  /** Slots below this have been handed out (tracked or free). */
  used = 0;

  alloc(): number {
    const f = this.freeHead;
    if (f >= 0) {
      this.freeHead = this.round[f]! - 1;
      this.freeCount--;
      return f;
    }
    if (this.used === this.cap) this.resize(Math.max(64, Math.ceil(this.cap * 1.5)), null);
    return this.used++;
  }

  release(slot: number): void {
    this.state[slot] = FREE;
    this.keys[slot] = '';
    this.instructions[slot] = NO_INSTRUCTIONS;
    if (this.textMatches.size) this.textMatches.delete(slot);
    this.round[slot] = this.freeHead + 1;
    this.freeHead = slot;
    this.freeCount++;
  }

  cookieOf(slot: number): bigint {
    return this.prefix | BigInt(this.cid[slot]!);
  }

  /**
   * Moves the tracked slots to the front of columns of `cap` (at least their number) and returns
   * old slot → new slot (-1: was free).
   */
  compact(cap: number): Int32Array {
    const to = new Int32Array(this.used).fill(-1);
    let n = 0;
    for (let i = 0; i < this.used; i++) if (this.state[i] !== FREE) to[i] = n++;
    this.resize(cap, to);
    this.used = n;
    return to;
  }

  /** Tracked slots (live and deleted). */
  get tracked(): number {
    return this.used - this.freeCount;
  }

  /** Bytes of the columns (key strings and shared instructions not included). */
  get bytes(): number {
    return this.cap * (3 * 8 + 5 * 4 + 4 * 2 + 1 + 2 * 8);
  }

  private resize(cap: number, to: Int32Array | null): void {
    const g = <T extends Column>(old: T, make: (n: number) => T): T => {
      const n = make(cap);
      if (!to) n.set(old as never);
      else for (let i = 0; i < to.length; i++) if (to[i]! >= 0) n[to[i]!] = old[i]!;
      return n;
    };
    this.tenantCookie = g(this.tenantCookie, (n) => new BigUint64Array(n));
    this.cid = g(this.cid, (n) => new Float64Array(n));
    this.khash = g(this.khash, (n) => new Int32Array(n));
    this.deadline = g(this.deadline, (n) => new Float64Array(n));
    this.packets = g(this.packets, (n) => new Uint32Array(n));
    this.active = g(this.active, (n) => new Uint32Array(n));
    this.round = g(this.round, (n) => new Uint32Array(n));
    this.priority = g(this.priority, (n) => new Uint16Array(n));
    this.flags = g(this.flags, (n) => new Uint16Array(n));
    this.idle = g(this.idle, (n) => new Uint16Array(n));
    this.hard = g(this.hard, (n) => new Uint16Array(n));
    this.physical = g(this.physical, (n) => new Uint32Array(n));
    this.state = g(this.state, (n) => new Uint8Array(n));
    if (to) {
      const keys = new Array<string>(cap);
      const ins = new Array<Instruction[]>(cap);
      const text = new Map<number, FlowMatch>();
      for (let i = 0; i < to.length; i++) {
        const j = to[i]!;
        if (j < 0) continue;
        keys[j] = this.keys[i]!;
        ins[j] = this.instructions[i]!;
        const m = this.textMatches.get(i);
        if (m) text.set(j, m);
      }
      this.keys = keys;
      this.instructions = ins;
      this.textMatches = text;
      this.freeHead = -1;
      this.freeCount = 0;
    }
    this.cap = cap;
  }

  matchOf(slot: number): FlowMatch {
    return matchOfKey(this.keys[slot]!) ?? this.textMatches.get(slot) ?? {};
  }

  reset(): void {
    Object.assign(this, new Slots());
  }
}

const NO_INSTRUCTIONS: Instruction[] = [];

/** A live view of one slot (read right away: the slot is reused once the rule is forgotten). */
class SlotView implements TenantRule {
  constructor(
    private readonly s: Slots,
    readonly slot: number,
  ) {}
  get cookie(): bigint {
    return this.s.cookieOf(this.slot);
  }
  get key(): string {
    return this.s.keys[this.slot]!;
  }
  get match(): FlowMatch {
    return this.s.matchOf(this.slot);
  }
  get priority(): number {
    return this.s.priority[this.slot]!;
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
    return this.s.instructions[this.slot]!;
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

/** The index key of a proxy cookie: its rule bits (the slice's prefix is the same for the whole table). */
const cookieId = (cookie: bigint): number => Number(cookie & RULE_BITS);

/**
 * Compaction: when tracked rules fill less than an eighth of the slots (and there are more than
 * this), to four times their number. Tables swing by a factor of about three between statistics
 * rounds under a steady load of new rules (a round forgets what the switch no longer lists); the
 * gap keeps them from shrinking and growing again every round.
 */
const COMPACT_ABOVE = 1024;

export class SliceFlowTable {
  private readonly s = new Slots();
  /** Proxy cookie (rule bits) → slot, live and deleted rules. */
  private readonly byCookie = new SlotIndex((slot) => idHash(this.s.cid[slot]!));
  /** Priority and match key → slot of the live rule. */
  private readonly byKey = new SlotIndex((slot) => this.s.khash[slot]!);
  /** Slots whose hard-timeout or forget deadline falls in a second of the table clock. */
  private due = new Map<number, number[]>();
  private nextDue = Infinity;
  private count = 0;
  private statsRound = 0;

  /**
   * `now`: the table clock (hard and idle timeouts). `maxTracked`: at most this many tracked rules
   * (live and deleted; null: no bound): past it, deleted rules waiting for their flow-removed are
   * forgotten, earliest first (the slice's flow_entries on the switch, which bounds the live ones).
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

  /** Bytes of the table's columns and indexes (key strings and shared instructions not included). */
  get bytes(): number {
    return this.s.bytes + this.byCookie.bytes + this.byKey.bytes;
  }

  private slotOf(cookie: bigint): number | undefined {
    const s = this.s;
    const id = cookieId(cookie);
    const ix = this.byCookie;
    for (let p = ix.start(idHash(id)); ; p = ix.next(p)) {
      const slot = ix.at(p);
      if (slot < 0) return undefined;
      if (s.cid[slot] === id) return (cookie & ~RULE_BITS) === s.prefix ? slot : undefined;
    }
  }

  /**
   * The last lookup (priority, key → slot): a tenant ADD asks `existing` and then `add` for the same
   * rule, so the second probe of the index is skipped. Forgotten on every key index change.
   */
  private memoKey: string | undefined;
  private memoPriority = -1;
  private memoSlot: number | undefined;
  private memoHash = 0;

  private liveSlot(priority: number, key: string): number | undefined {
    if (key === this.memoKey && priority === this.memoPriority) return this.memoSlot;
    const s = this.s;
    const h = keyHash(priority, key);
    const ix = this.byKey;
    let found: number | undefined;
    for (let p = ix.start(h); ; p = ix.next(p)) {
      const slot = ix.at(p);
      if (slot < 0) break;
      if (s.khash[slot] === h && s.priority[slot] === priority && s.keys[slot] === key) {
        found = slot;
        break;
      }
    }
    this.memoKey = key;
    this.memoPriority = priority;
    this.memoSlot = found;
    this.memoHash = h;
    return found;
  }

  /** The rule a tenant ADD would replace (same match and priority), if any; `key` is ruleKey's. */
  existing(m: FlowMatch, priority: number, key = ruleKey(m)): TenantRule | undefined {
    const slot = this.liveSlot(priority, key);
    return slot === undefined ? undefined : new SlotView(this.s, slot);
  }

  private deleteKey(slot: number): void {
    this.memoKey = undefined;
    this.byKey.remove(slot, this.s.khash[slot]!);
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
    this.byCookie.remove(slot, idHash(this.s.cid[slot]!));
    this.s.release(slot);
  }

  /** Records an ADD's physical rules (replacing a rule with the same match and priority). */
  add(
    rule: {
      cookie: bigint;
      tenantCookie: bigint;
      match: FlowMatch;
      priority: number;
      flags: number;
      idleTimeout: number;
      hardTimeout: number;
      instructions: Instruction[];
    },
    physical: readonly unknown[] | number,
    key = ruleKey(rule.match),
  ): TenantRule {
    const s = this.s;
    const n = typeof physical === 'number' ? physical : physical.length;
    let slot = this.liveSlot(rule.priority, key);
    const h = this.memoHash;
    if (slot !== undefined && s.cookieOf(slot) !== rule.cookie) {
      // A rule with the same match and priority under another cookie: the switch replaced it.
      this.count -= s.physical[slot]!;
      this.deleteKey(slot);
      this.forget(slot);
      slot = undefined;
    }
    if (slot === undefined) {
      slot = s.alloc();
      const id = cookieId(rule.cookie);
      if (this.byCookie.size === 0) s.prefix = rule.cookie & ~RULE_BITS;
      s.cid[slot] = id;
      s.khash[slot] = h;
      s.keys[slot] = key;
      s.priority[slot] = rule.priority;
      s.state[slot] = LIVE;
      s.physical[slot] = 0;
      if (key.length > 0 && key.charCodeAt(0) !== 0x80) s.textMatches.set(slot, rule.match); // matchKey's text form
      this.byKey.insert(slot, h);
      this.byCookie.insert(slot, idHash(id));
      this.memoKey = key;
      this.memoPriority = rule.priority;
      this.memoSlot = slot;
    }
    // New or the same rule again (learning controllers re-add flows): the switch replaces it
    // (new timeouts, flags and instructions, counters from zero).
    this.count += n - s.physical[slot]!;
    s.physical[slot] = n;
    s.tenantCookie[slot] = rule.tenantCookie;
    s.flags[slot] = rule.flags;
    s.idle[slot] = rule.idleTimeout;
    s.hard[slot] = rule.hardTimeout;
    s.instructions[slot] = internInstructions(rule.instructions);
    s.round[slot] = this.statsRound;
    s.active[slot] = UNSEEN;
    s.deadline[slot] = 0;
    if (rule.hardTimeout > 0) this.schedule(slot, this.now() + rule.hardTimeout * 1000);
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
      const ins = s.instructions[slot]!;
      return (
        (sel.cookieMask === 0n || (s.tenantCookie[slot]! & sel.cookieMask) === (sel.cookie & sel.cookieMask)) &&
        (sel.outPort === OFPP.ANY || outputsTo(ins, sel.outPort)) &&
        (sel.outGroup === OFPG_ANY || usesGroup(ins, sel.outGroup))
      );
    };
    if (sel.strict) {
      const slot = this.liveSlot(sel.priority, sel.key);
      if (slot !== undefined && filters(slot)) hits.push(new SlotView(s, slot));
      return hits;
    }
    const all = Object.keys(sel.match).length === 0;
    for (let slot = 0; slot < s.used; slot++) {
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

  private gone(slot: number, now: number): void {
    const s = this.s;
    if (s.state[slot] !== LIVE) return;
    s.state[slot] = DELETED;
    this.count -= s.physical[slot]!;
    this.deleteKey(slot);
    this.schedule(slot, now + REMOVED_GRACE_MS);
  }

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

  /**
   * A modify reached the rule: new instructions; timeouts and flags stay. The cookie stays on 1.3;
   * an OpenFlow 1.0 modify gives the rule its cookie (`newCookie`; all ones: keep), as Open vSwitch does.
   */
  modified(r: TenantRule, instructions: Instruction[], newCookie?: bigint): void {
    const slot = this.slotOf(r.cookie);
    if (slot === undefined) return;
    this.s.instructions[slot] = internInstructions(instructions);
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
    this.compactIfSparse();
  }

  /** A statistics round starts: rules added from now on may be missing from its answer. */
  startRound(): number {
    return ++this.statsRound;
  }

  /**
   * The switch's flow statistics of round `round` (started before its request was sent):
   * `present` counts each proxy cookie's physical rules. A live rule added before the round and
   * missing from it left the switch (idle timeout, or a flow-removed that never came). With
   * `packets` (each proxy cookie's packet count, summed over its physical rules), a listed rule
   * with an idle timeout whose count has not changed for that long, by the table clock, is expired
   * as the switch expires it (then waits for its flow-removed like a deleted rule).
   */
  reconcile(round: number, present: ReadonlyMap<bigint, number>, packets?: ReadonlyMap<bigint, bigint>): void {
    const s = this.s;
    const now = packets ? this.now() : 0;
    for (let slot = 0; slot < s.used; slot++) {
      if (s.state[slot] !== LIVE || s.round[slot]! >= round) continue;
      const cookie = s.cookieOf(slot);
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
    this.compactIfSparse();
  }

  /** Tracked rules fill under an eighth of the slots: the columns shrink to four times their number. */
  private compactIfSparse(): void {
    const s = this.s;
    if (s.cap <= COMPACT_ABOVE || s.tracked * 8 >= s.cap) return;
    const to = s.compact(Math.max(64, s.tracked * 4));
    this.memoKey = undefined;
    const tracked: number[] = [];
    const live: number[] = [];
    for (let slot = 0; slot < s.used; slot++) {
      tracked.push(slot);
      if (s.state[slot] === LIVE) live.push(slot);
    }
    this.byCookie.rebuild(tracked, tracked.length);
    this.byKey.rebuild(live, live.length);
    const due = new Map<number, number[]>();
    for (const [sec, bucket] of this.due) {
      const b: number[] = [];
      for (const slot of bucket) if (slot < to.length && to[slot]! >= 0) b.push(to[slot]!);
      if (b.length) due.set(sec, b);
    }
    this.due = due;
  }

  byProxyCookie(cookie: bigint): TenantRule | undefined {
    const slot = this.slotOf(cookie);
    return slot === undefined ? undefined : new SlotView(this.s, slot);
  }

  /** The live rules. */
  rules(): TenantRule[] {
    const out: TenantRule[] = [];
    const s = this.s;
    for (let slot = 0; slot < s.used; slot++) if (s.state[slot] === LIVE) out.push(new SlotView(s, slot));
    return out;
  }

  clear(): void {
    this.memoKey = undefined;
    this.byCookie.clear();
    this.byKey.clear();
    this.due.clear();
    this.s.reset();
    this.nextDue = Infinity;
    this.count = 0;
  }
}
