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

/** Matches of the rare rules whose key is the text form (matchOfKey cannot decode it). */
const textMatches = new WeakMap<TenantRule, FlowMatch>();

export class TenantRule {
  constructor(
    /** The proxy's cookie on the switch. */
    readonly cookie: bigint,
    /** The match's canonical key (ruleKey). */
    readonly key: string,
    /** The tenant's own priority. */
    readonly priority: number,
    public tenantCookie: bigint,
    public flags: number,
    public idleTimeout: number,
    public hardTimeout: number,
    /** The tenant's instructions (shared between rules with equal ones: never mutate). */
    public instructions: Instruction[],
    /** Physical rules of it still on the switch. */
    public physical: number,
    /** Live: when its hard timeout ends (table clock, ms; 0: never). Deleted: when it is forgotten. */
    public deadline: number,
    /** The table's statistics round when it was (re)added (rounds before it cannot show it). */
    public round: number,
    /** Deleted by the tenant, expired, or gone from the switch's report: waiting for flow-removed. */
    public deleted = false,
  ) {}

  /** The tenant's own match (decoded from the key; not kept per rule). */
  get match(): FlowMatch {
    return matchOfKey(this.key) ?? textMatches.get(this) ?? {};
  }
}

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

/**
 * One shared array per distinct instruction list (learning controllers send a few distinct
 * outputs for millions of rules). The fingerprint of the usual case (apply: outputs only) is
 * built by hand; others go through JSON. Past INTERN_MAX distinct lists, lists are kept as given.
 */
export function internInstructions(ins: Instruction[]): Instruction[] {
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

/** Rules whose deadline falls in one second of the table clock. */
type Bucket = TenantRule[];

export class SliceFlowTable {
  private readonly byCookie = new Map<bigint, TenantRule>();
  /** priority → match key → live rule (two levels: no key string built per lookup). */
  private readonly byKey = new Map<number, Map<string, TenantRule>>();
  /** Hard-timeout and forget deadlines by second (table clock): swept by `sweep`. */
  private readonly due = new Map<number, Bucket>();
  private nextDue = Infinity;
  private count = 0;
  private statsRound = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Physical entries of the slice's live rules on the switch. */
  get entries(): number {
    return this.count;
  }

  /** Tracked tenant rules (live and waiting for their flow-removed). */
  get size(): number {
    return this.byCookie.size;
  }

  /** The rule a tenant ADD would replace (same match and priority), if any; `key` is ruleKey's. */
  existing(m: FlowMatch, priority: number, key = ruleKey(m)): TenantRule | undefined {
    return this.byKey.get(priority)?.get(key);
  }

  private setKey(priority: number, key: string, r: TenantRule): void {
    let at = this.byKey.get(priority);
    if (!at) {
      at = new Map();
      this.byKey.set(priority, at);
    }
    at.set(key, r);
  }

  private deleteKey(r: TenantRule): void {
    const at = this.byKey.get(r.priority);
    if (!at || at.get(r.key) !== r) return;
    at.delete(r.key);
    if (at.size === 0) this.byKey.delete(r.priority);
  }

  private schedule(r: TenantRule, at: number): void {
    r.deadline = at;
    const sec = Math.ceil(at / 1000);
    let b = this.due.get(sec);
    if (!b) {
      b = [];
      this.due.set(sec, b);
    }
    b.push(r);
    if (sec * 1000 < this.nextDue) this.nextDue = (sec - 1) * 1000;
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
    const n = typeof physical === 'number' ? physical : physical.length;
    const now = this.now();
    const ins = internInstructions(rule.instructions);
    const tenantCookie = rule.tenantCookie === 0n ? 0n : rule.tenantCookie;
    const old = this.existing(rule.match, rule.priority, key);
    if (old && old.cookie === rule.cookie) {
      // The same rule again (learning controllers re-add flows): replaced in place, as the switch
      // replaces it (new timeouts, flags and instructions), so that nothing new outlives the message.
      this.count += n - old.physical;
      old.tenantCookie = tenantCookie;
      old.flags = rule.flags;
      old.idleTimeout = rule.idleTimeout;
      old.hardTimeout = rule.hardTimeout;
      old.instructions = ins;
      old.physical = n;
      old.round = this.statsRound;
      old.deadline = 0;
      if (rule.hardTimeout > 0) this.schedule(old, now + rule.hardTimeout * 1000);
      return old;
    }
    if (old) {
      // A rule with the same match and priority under another cookie: the switch replaced it.
      this.count -= old.physical;
      this.deleteKey(old);
      this.byCookie.delete(old.cookie);
    }
    const r = new TenantRule(rule.cookie, key, rule.priority, tenantCookie, rule.flags, rule.idleTimeout, rule.hardTimeout, ins, n, 0, this.statsRound);
    if (key.length > 0 && key.charCodeAt(0) !== 0x80) textMatches.set(r, rule.match); // matchKey's text form
    this.count += n;
    this.setKey(rule.priority, key, r);
    this.byCookie.set(r.cookie, r);
    if (rule.hardTimeout > 0) this.schedule(r, now + rule.hardTimeout * 1000);
    return r;
  }

  /**
   * The live rules a modify or delete selects, as OpenFlow defines it: strict: the same match and
   * priority; non-strict: every rule whose match is at least as specific (any priority); then the
   * cookie under the mask, and for deletes the out_port and out_group filters.
   */
  select(sel: FlowSelection): TenantRule[] {
    const hits: TenantRule[] = [];
    const filters = (r: TenantRule): boolean =>
      (sel.cookieMask === 0n || (r.tenantCookie & sel.cookieMask) === (sel.cookie & sel.cookieMask)) &&
      (sel.outPort === OFPP.ANY || outputsTo(r.instructions, sel.outPort)) &&
      (sel.outGroup === OFPG_ANY || usesGroup(r.instructions, sel.outGroup));
    if (sel.strict) {
      const r = this.byKey.get(sel.priority)?.get(sel.key);
      if (r && filters(r)) hits.push(r);
      return hits;
    }
    const all = Object.keys(sel.match).length === 0;
    for (const r of this.byCookie.values()) {
      if (r.deleted) continue;
      if ((all || matchSubsumes(sel.match, r.match)) && filters(r)) hits.push(r);
    }
    return hits;
  }

  /** The tenant deleted these rules (the proxy deletes their physical rules): no longer counted. */
  delete(rules: readonly TenantRule[]): void {
    const now = this.now();
    for (const r of rules) this.gone(r, now);
  }

  private gone(r: TenantRule, now: number): void {
    if (r.deleted) return;
    r.deleted = true;
    this.count -= r.physical;
    this.deleteKey(r);
    this.schedule(r, now + REMOVED_GRACE_MS);
  }

  /**
   * A modify reached the rule: new instructions; timeouts and flags stay. The cookie stays on 1.3;
   * an OpenFlow 1.0 modify gives the rule its cookie (`newCookie`; all ones: keep), as Open vSwitch does.
   */
  modified(r: TenantRule, instructions: Instruction[], newCookie?: bigint): void {
    r.instructions = internInstructions(instructions);
    if (newCookie !== undefined && newCookie !== 0xffffffffffffffffn) r.tenantCookie = newCookie;
  }

  /**
   * A physical rule left the switch (its cookie names the tenant rule; each physical rule is
   * removed once). Returns the tenant rule when its last physical rule went.
   */
  removed(cookie: bigint, physicalMatch?: FlowMatch): TenantRule | null {
    void physicalMatch;
    const r = this.byCookie.get(cookie);
    if (!r || r.physical === 0) return null;
    r.physical--;
    if (!r.deleted) this.count -= 1;
    if (r.physical > 0) return null;
    this.byCookie.delete(cookie);
    if (!r.deleted) this.deleteKey(r);
    r.deleted = true;
    return r;
  }

  /**
   * Hard timeouts that ended and deleted rules past their grace, at the table clock's now (cheap
   * when nothing is due: callers run it before every limit check).
   */
  sweep(now = this.now()): void {
    if (now < this.nextDue) return;
    let next = Infinity;
    for (const [sec, bucket] of this.due) {
      if ((sec - 1) * 1000 > now) {
        next = Math.min(next, (sec - 1) * 1000);
        continue;
      }
      const keep: TenantRule[] = [];
      for (const r of bucket) {
        if (this.byCookie.get(r.cookie) !== r) continue; // forgotten already
        if (r.deadline === 0 || Math.ceil(r.deadline / 1000) !== sec) continue; // rescheduled
        if (r.deadline > now) {
          keep.push(r);
          continue;
        }
        if (r.deleted) this.byCookie.delete(r.cookie);
        else this.gone(r, r.deadline); // hard timeout: the switch removed it at its deadline
      }
      if (keep.length) {
        this.due.set(sec, keep);
        next = Math.min(next, keep.reduce((a, r) => Math.min(a, r.deadline), Infinity));
      } else this.due.delete(sec);
    }
    // gone() may have scheduled into buckets already visited or new ones.
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
  reconcile(round: number, present: ReadonlyMap<bigint, number>): void {
    const now = this.now();
    for (const r of this.byCookie.values()) {
      if (r.deleted || r.round >= round) continue;
      const n = present.get(r.cookie) ?? 0;
      if (n >= r.physical) continue;
      if (n === 0) {
        this.gone(r, now);
        continue;
      }
      this.count -= r.physical - n;
      r.physical = n;
    }
  }

  byProxyCookie(cookie: bigint): TenantRule | undefined {
    return this.byCookie.get(cookie);
  }

  rules(): TenantRule[] {
    return [...this.byCookie.values()].filter((r) => !r.deleted);
  }

  clear(): void {
    this.byCookie.clear();
    this.byKey.clear();
    this.due.clear();
    this.nextDue = Infinity;
    this.count = 0;
  }
}
