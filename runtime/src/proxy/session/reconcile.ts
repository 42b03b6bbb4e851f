// Reconciliation of one switch's table with what its master installed (OpenFlow 1.3): from a
// flow statistics round, the hypervisor-owned rules that no slice bound here accounts for are
// removed (every rule of a slice id the plan no longer gives this switch: tenant rules by the
// slice's cookie prefix, base rules by the slice's base-rule mask; base rules of a bound slice
// that its setup does not make), and the bound slices' base rules and the isolation rule that
// are missing are installed again. Tenant rules of bound slices stay: a new master keeps the
// previous master's flows (see docs/cluster.md). Rules whose cookie DFVisor does not write
// (prefix 0) are never touched. The master runs it with every statistics round once it has
// programmed the switch (so also at most one interval after taking it or after it reconnects).
import { OFP13, type FlowMod } from '../messages.js';
import { OFPFC as FC, OFPTT_ALL } from '../../openflow/constants.js';
import { decodeCookie, HV_DROP_COOKIE, isCoreRuleSeq, MISS_EMULATION_SEQ } from '../../dataplane/cookies.js';
import { baseDropRule, sliceSetup, sliceTeardown } from '../base-rules.js';
import type { PlanViews, SliceOnSwitch } from '../slice-views.js';
import type { ReconcileResult, SessionContext } from './context.js';

export type { ReconcileResult };

/** What to change, decided from the cookies a round saw and the slices bound here (pure). */
export interface ReconcilePlan {
  /** Slice ids with rules on the switch but bound to no slice here. */
  staleSlices: Map<number, number>;
  /** Base-rule cookies of bound slices that their setup does not make. */
  staleBase: bigint[];
  /** Base rules of bound slices (and the isolation rule) that are missing. */
  missing: FlowMod[];
}

/** `core`: the managed core's forwarding rules the switch should hold (core switches; with the isolation rule). */
export function planReconcile(
  cookies: readonly bigint[],
  bound: readonly SliceOnSwitch[],
  meters: boolean,
  core: readonly FlowMod[] = [],
): ReconcilePlan {
  const byId = new Map(bound.map((v) => [v.index, v]));
  const expected = new Map<bigint, FlowMod>();
  for (const v of bound) for (const fm of sliceSetup(v, meters, () => true, []).flowMods) expected.set(fm.cookie, fm);
  if (bound.length > 0 || core.length > 0) expected.set(HV_DROP_COOKIE, baseDropRule());
  for (const fm of core) expected.set(fm.cookie, fm);
  const staleSlices = new Map<number, number>();
  const staleBase = new Set<bigint>();
  const seen = new Set<bigint>();
  for (const c of cookies) {
    seen.add(c);
    const o = decodeCookie(c);
    if (!o || o.kind === 'isolation') continue;
    // A core rule of no path in use (an old path, a removed link or slice): by its own cookie.
    if (o.kind === 'base' && isCoreRuleSeq(o.seq)) {
      if (!expected.has(c)) staleBase.add(c);
    } else if (!byId.has(o.slice)) staleSlices.set(o.slice, (staleSlices.get(o.slice) ?? 0) + 1);
    else if (o.kind === 'base' && o.seq !== MISS_EMULATION_SEQ && !expected.has(c)) staleBase.add(c);
  }
  const missing = [...expected].filter(([c]) => !seen.has(c)).map(([, fm]) => fm);
  return { staleSlices, staleBase: [...staleBase], missing };
}

export class Reconciliation {
  /** Set once this node, as master, has programmed the switch (its bindings are then the plan's). */
  armed = false;

  constructor(
    private readonly s: SessionContext,
    private readonly currentViews: () => PlanViews | null,
    private readonly core?: () => FlowMod[],
  ) {}

  /**
   * Reconciles the switch's table with a flow statistics round. Runs only as master on 1.3, once
   * this master has programmed the switch, and only while the bindings are the current plan's
   * slices for this switch. undefined when it did not run.
   */
  run(cookies: readonly bigint[]): ReconcileResult | undefined {
    const s = this.s;
    if (!this.armed || s.role !== 'master' || s.version !== OFP13 || !s.ready || s.channel.closed) return undefined;
    if (s.host.mayWrite?.(s.dpid) === false) return undefined;
    // A plan on its way to this switch (the proxy has it, the session not yet): next round.
    if (s.views !== this.currentViews()) return undefined;
    const wanted = s.views?.bySwitch.get(s.dpid) ?? [];
    const bound = [...s.bindings.values()].map((b) => b.view);
    if (wanted.length !== bound.length || wanted.some((v) => s.bindings.get(v.slice)?.view.index !== v.index)) return undefined;
    const plan = planReconcile(cookies, bound, true, this.core?.() ?? []);
    let removed = 0;
    for (const [id, n] of plan.staleSlices) {
      for (const fm of sliceTeardown(id, [], false).flowMods) s.send({ type: 'flow_mod', ...fm });
      removed += n;
    }
    for (const cookie of plan.staleBase) {
      s.send({
        type: 'flow_mod',
        ...baseDropRule(),
        command: FC.DELETE,
        tableId: OFPTT_ALL,
        cookie,
        cookieMask: ~0n & 0xffffffffffffffffn,
      });
      removed++;
    }
    for (const fm of plan.missing) s.send({ type: 'flow_mod', ...fm });
    if (removed === 0 && plan.missing.length === 0) return { dpid: s.dpid, removed: 0, restored: 0, staleSlices: [] };
    const result = {
      dpid: s.dpid,
      removed,
      restored: plan.missing.length,
      staleSlices: [...plan.staleSlices.keys()].sort((a, b) => a - b),
    };
    s.log.warn(result, 'reconciled the switch table with the plan');
    return result;
  }
}
