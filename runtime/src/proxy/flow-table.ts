// The proxy's record of one slice's flows on one switch: tenant rule (its own cookie, match,
// priority, instructions) ↔ the physical rules it became (by proxy cookie). Counts entries for
// the flow_entries limit, and translates flow-removed and flow stats back to the tenant's view.
import type { FlowMatch, Instruction } from './messages.js';
import { matchEquals, matchSubsumes } from './match-algebra.js';
import { matchKey } from './hot-messages.js';

export interface TenantRule {
  cookie: bigint; // the proxy's cookie on the switch
  tenantCookie: bigint;
  match: FlowMatch; // the tenant's own match
  priority: number; // the tenant's own priority
  flags: number;
  idleTimeout: number;
  hardTimeout: number;
  instructions: Instruction[];
  physical: number; // physical rules of it still on the switch
  deleted: boolean; // deleted by the tenant; waiting for the switch's flow-removed
}

/**
 * A tenant rule is identified by its priority and its match (an ADD with both the same replaces
 * it); this is the match's part of the key: the match's canonical OXM bytes as the one translation
 * writes them (hot-messages.ts `matchKey`; `known`: the same bytes its decoder took from the frame
 * when they already were canonical), for 1.3 and 1.0 flow-mods alike.
 */
export const ruleKey = (m: FlowMatch, known?: string): string => known ?? matchKey(m);

export class SliceFlowTable {
  private byCookie = new Map<bigint, TenantRule>();
  /** priority → match key → rule (two levels: no key string built per lookup). */
  private byKey = new Map<number, Map<string, TenantRule>>();
  private count = 0;

  get entries(): number {
    return this.count;
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

  private deleteKey(priority: number, key: string): void {
    const at = this.byKey.get(priority);
    if (!at) return;
    at.delete(key);
    if (at.size === 0) this.byKey.delete(priority);
  }

  /** Records an ADD's physical rules (replacing a rule with the same match and priority). */
  add(rule: Omit<TenantRule, 'physical' | 'deleted'>, physical: readonly unknown[], key = ruleKey(rule.match)): TenantRule {
    const old = this.existing(rule.match, rule.priority, key);
    if (old && old.cookie === rule.cookie && !old.deleted) {
      // The same rule again (learning controllers re-add flows): updated in place, its match (equal
      // by key) kept, so that nothing new outlives the message.
      this.count += physical.length - old.physical;
      old.tenantCookie = rule.tenantCookie;
      old.flags = rule.flags;
      old.idleTimeout = rule.idleTimeout;
      old.hardTimeout = rule.hardTimeout;
      old.instructions = rule.instructions;
      old.physical = physical.length;
      return old;
    }
    if (old) {
      this.count -= old.physical;
      this.byCookie.delete(old.cookie);
    }
    const r: TenantRule = {
      cookie: rule.cookie,
      tenantCookie: rule.tenantCookie,
      match: rule.match,
      priority: rule.priority,
      flags: rule.flags,
      idleTimeout: rule.idleTimeout,
      hardTimeout: rule.hardTimeout,
      instructions: rule.instructions,
      physical: physical.length,
      deleted: false,
    };
    this.count += r.physical;
    this.setKey(rule.priority, key, r);
    this.byCookie.set(r.cookie, r);
    return r;
  }

  /** Marks the tenant rules a delete removes (strict: same match and priority). */
  markDeleted(m: FlowMatch, priority: number, strict: boolean): number {
    let n = 0;
    for (const r of this.byCookie.values()) {
      if (r.deleted) continue;
      const hit = strict ? matchEquals(r.match, m) && r.priority === priority : matchSubsumes(m, r.match);
      if (!hit) continue;
      r.deleted = true;
      this.count -= r.physical;
      this.deleteKey(r.priority, ruleKey(r.match));
      n++;
    }
    return n;
  }

  /**
   * A physical rule left the switch (its cookie names the tenant rule; each physical rule is
   * removed once). Returns the tenant rule when its last physical rule went.
   */
  removed(cookie: bigint, physicalMatch: FlowMatch): TenantRule | null {
    void physicalMatch;
    const r = this.byCookie.get(cookie);
    if (!r || r.physical === 0) return null;
    r.physical--;
    if (!r.deleted) this.count -= 1;
    if (r.physical > 0) return null;
    this.byCookie.delete(cookie);
    if (!r.deleted) this.deleteKey(r.priority, ruleKey(r.match));
    return r;
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
    this.count = 0;
  }
}
