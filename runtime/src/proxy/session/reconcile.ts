// Reconciliation of one switch's table with what its master installed (OpenFlow 1.3): from a
// statistics round (its flow and meter statistics), the hypervisor-owned rules and meters that no
// slice bound here accounts for are removed (every rule of a slice id the plan no longer gives
// this switch: tenant rules by the slice's cookie prefix, base rules by the slice's base-rule mask;
// base rules of a bound slice that its setup does not make; meters with a hypervisor id, (slice id
// + 1) << 16 | port, that no bound slice's setup makes), and the bound slices' base rules, meters
// and the isolation rule that are missing are installed again. Tenant rules of bound slices stay:
// a new master keeps the previous master's flows (see docs/cluster.md). Rules whose cookie
// DFVisor does not write (prefix 0) and meters below 1 << 16 are never touched. The master runs
// it with every statistics round once it has programmed the switch (so also at most one interval
// after taking it or after it reconnects), skipping a round that a plan apply overlapped.
import { OFP13, type FlowMod } from '../messages.js';
import { OFPFC as FC, OFPMC, OFPTT_ALL } from '../../openflow/constants.js';
import { decodeCookie, HV_DROP_COOKIE, isCoreRuleSeq, MISS_EMULATION_SEQ } from '../../dataplane/cookies.js';
import { baseDropRule, sliceMeters, sliceSetup, sliceTeardown, type MeterMod } from '../base-rules.js';
import { slicePortsOf, type PlanViews, type SliceOnSwitch } from '../slice-views.js';
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
  /** Hypervisor meter ids on the switch that no bound slice's setup makes. */
  staleMeters: number[];
  /** Meters of bound slices that are missing (meter adds). */
  missingMeters: MeterMod[];
}

/** The meters a round saw on the switch, and each bound slice's ports there (for its meter ids). */
export interface SwitchMeters {
  present: readonly number[];
  ports: (v: SliceOnSwitch) => readonly number[];
}

/** Whether DFVisor owns a meter id: (slice id + 1) << 16 | port, slice ids 0..0xfffd, ports from 1. */
export function isHypervisorMeter(id: number): boolean {
  const top = id >>> 16;
  return top >= 1 && top <= 0xfffe && (id & 0xffff) >= 1;
}

/**
 * What to change (pure): from the cookies a round saw, the slices bound here and, when the round
 * has meter statistics (`switchMeters`), the meter ids on the switch.
 * `core`: the managed core's forwarding rules the switch should hold (core switches; with the isolation rule).
 */
export function planReconcile(
  cookies: readonly bigint[],
  bound: readonly SliceOnSwitch[],
  meters: boolean,
  switchMeters?: SwitchMeters,
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
  const staleMeters: number[] = [];
  const missingMeters: MeterMod[] = [];
  if (meters && switchMeters) {
    const present = new Set(switchMeters.present);
    const wanted = new Set<number>();
    for (const v of bound) {
      const ports = switchMeters.ports(v);
      for (const m of sliceMeters(v, ports)) wanted.add(m.meterId);
      for (const mm of sliceSetup(v, true, (id) => present.has(id), ports).meterMods) if (mm.command === 'add') missingMeters.push(mm);
    }
    for (const id of present) if (isHypervisorMeter(id) && !wanted.has(id)) staleMeters.push(id);
    staleMeters.sort((a, b) => a - b);
  }
  return { staleSlices, staleBase: [...staleBase], missing, staleMeters, missingMeters };
}

/** What a statistics round was taken against: the reconciliation runs only if nothing changed since. */
export interface RoundBasis {
  views: PlanViews | null;
  epoch: number;
}

/** The meters the session knows are on the switch (PlanApplication's: add or modify decides by it). */
export interface KnownMeters {
  add(id: number): void;
  delete(id: number): void;
}

export class Reconciliation {
  private isArmed = false;
  /** Counts the times the reconciliation was armed (a round from before the last arming is stale). */
  private epoch = 0;

  constructor(
    private readonly s: SessionContext,
    private readonly currentViews: () => PlanViews | null,
    private readonly knownMeters: KnownMeters,
    private readonly core?: () => FlowMod[],
  ) {}

  /** Set once this node, as master, has programmed the switch (its bindings are then the plan's). */
  get armed(): boolean {
    return this.isArmed;
  }
  set armed(on: boolean) {
    if (on && !this.isArmed) this.epoch++;
    this.isArmed = on;
  }

  /** What a round starting now is taken against (pass it to run). */
  basis(): RoundBasis {
    return { views: this.s.views, epoch: this.epoch };
  }

  /**
   * Reconciles the switch's table with a statistics round (its flows' cookies and, when the switch
   * answered meter statistics, its meter ids). Runs only as master on 1.3, once this master has
   * programmed the switch, only while the bindings are the current plan's slices for this switch,
   * and only when no apply changed the switch since the round started (`basis`). undefined when
   * it did not run.
   */
  run(cookies: readonly bigint[], meterIds?: readonly number[], basis?: RoundBasis): ReconcileResult | undefined {
    const s = this.s;
    if (!this.armed || s.role !== 'master' || s.version !== OFP13 || !s.ready || s.channel.closed) return undefined;
    if (basis && (basis.views !== s.views || basis.epoch !== this.epoch)) return undefined;
    if (s.host.mayWrite?.(s.dpid) === false) return undefined;
    // A plan on its way to this switch (the proxy has it, the session not yet): next round.
    if (s.views !== this.currentViews()) return undefined;
    const wanted = s.views?.bySwitch.get(s.dpid) ?? [];
    const bound = [...s.bindings.values()].map((b) => b.view);
    if (wanted.length !== bound.length || wanted.some((v) => s.bindings.get(v.slice)?.view.index !== v.index)) return undefined;
    const ports = (v: SliceOnSwitch) => slicePortsOf(v, s.portNumbers(), s.networkLinkPorts());
    const plan = planReconcile(cookies, bound, true, meterIds && { present: meterIds, ports }, this.core?.() ?? []);
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
    // Meters after the rules: a deleted meter takes the flows that use it along (none are left).
    for (const meterId of plan.staleMeters) {
      s.send({ type: 'meter_mod', command: OFPMC.DELETE, flags: 0, meterId, bands: [] });
      this.knownMeters.delete(meterId);
    }
    for (const mm of plan.missingMeters) {
      s.send({ type: 'meter_mod', command: OFPMC.ADD, flags: mm.flags, meterId: mm.meterId, bands: mm.bands });
      this.knownMeters.add(mm.meterId);
    }
    const metersRemoved = plan.staleMeters.length;
    const metersRestored = plan.missingMeters.length;
    if (removed === 0 && plan.missing.length === 0 && metersRemoved === 0 && metersRestored === 0)
      return { dpid: s.dpid, removed: 0, restored: 0, staleSlices: [], metersRemoved: 0, metersRestored: 0 };
    const result: ReconcileResult = {
      dpid: s.dpid,
      removed,
      restored: plan.missing.length,
      staleSlices: [...plan.staleSlices.keys()].sort((a, b) => a - b),
      metersRemoved,
      metersRestored,
    };
    if (metersRemoved) result.staleMeters = plan.staleMeters;
    s.log.warn(result, 'reconciled the switch table with the plan');
    return result;
  }
}
