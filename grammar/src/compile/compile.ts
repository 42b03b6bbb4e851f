// The compiler: a checked workspace → a deployable Plan (only when there are no errors).
import type { Diagnostic } from '../api.js';
import { resolveLocations } from '../bind/locations.js';
import { sliceViewPorts } from '../bind/view.js';
import type { Program, SliceInfo, SwitchInfo } from '../bind/program.js';
import { reservationsByLink, type Reservation } from '../check/admission.js';
import { admitCore, customerVlanIds } from '../check/core-admission.js';
import { checkWorkspace, hasErrors, PROGRAM_CHECKS } from '../check/workspace.js';
import type { GrantScope } from '../check/grants.js';
import { grantModels, type GrantModel } from '../check/grant-model.js';
import { withPrerequisites } from '../headerspace/space.js';
import { dpidHex } from '../notation/dpid.js';
import type {
  DpidHex,
  FlowspaceEntry,
  Plan,
  PlanLink,
  PlanQos,
  PlanSlice,
  PlanSliceSwitchView,
  PlanSwitch,
  PlanController,
  PlanVirtualPort,
} from '../plan/types.js';
import type { Permission, SourceFile } from '../syntax/ast.js';
import { parseEndpoint } from '../lower/endpoint.js';
import { lowerMatch } from '../lower/field-match.js';
import { allocateIds, METER_POOL, QUEUE_POOL, type IdRequest } from './ids.js';
import { allocateOverlays, allocateVirtualLinkTags } from '../lower/overlay.js';
import { previousIds, queueKey, type PreviousIds } from './previous.js';
import { numberVirtualPorts, planCore, planVirtualLinks } from './virtual-links.js';

export interface CompileResult {
  plan: Plan | undefined;
  diagnostics: Diagnostic[];
}

export interface CompileOptions {
  /**
   * The plan deployed before: slices that still exist keep its overlay tags (when auto),
   * meter ids and queue ids while those are free, so a deploy that adds or removes one
   * slice does not renumber the others (docs/plan.md, "Stable ids across deploys").
   */
  previous?: Plan;
  /** Whom the grants bind (docs/language.md, Grants); default: every slice. */
  grants?: GrantScope;
}

export function compile(files: SourceFile[], options: CompileOptions = {}): CompileResult {
  const { program, diagnostics } = checkWorkspace(files, PROGRAM_CHECKS, { grants: options.grants });
  if (hasErrors(diagnostics)) return { plan: undefined, diagnostics };
  return { plan: buildPlan(program, options), diagnostics };
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const PERMISSION_ORDER: Permission[] = ['read', 'write', 'delegate'];

/** The guarantee per link key of every slice (summed when a slice names a link twice). */
function guaranteesBySlice(reservations: Map<string, Reservation[]>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [key, list] of reservations) {
    for (const r of list) {
      let mine = out.get(r.slice);
      if (!mine) out.set(r.slice, (mine = new Map()));
      mine.set(key, (mine.get(key) ?? 0) + r.bps);
    }
  }
  return out;
}

/** The slice's cap; without one, the bandwidth of its owner's grant (docs/language.md, Grants). */
function capOf(s: SliceInfo, grants: Map<string, GrantModel>): number | null {
  for (const st of s.decl.statements) {
    if (st.kind !== 'Qos') continue;
    for (const q of st.items) if (q.kind === 'Cap' && q.rate?.bps !== undefined) return q.rate.bps;
  }
  const owner = ownerOf(s);
  return (owner !== null && grants.get(owner)?.bandwidth?.bps) || null;
}

/**
 * Meter and queue ids for every slice, in slice-name order: a capped slice's meter; a slice
 * with guarantees takes a guarantee queue, then each class (by name) a queue. Ids of the
 * previous plan are kept where free (compile/ids.ts).
 */
function allocateQosIds(
  slices: SliceInfo[],
  grants: Map<string, GrantModel>,
  guarantees: Map<string, Map<string, number>>,
  previous: PreviousIds,
): {
  meters: Map<string, number>;
  queues: Map<string, number>;
} {
  const meterRequests: IdRequest[] = [];
  const queueRequests: IdRequest[] = [];
  for (const s of slices) {
    if (capOf(s, grants) !== null) meterRequests.push({ key: s.name, previous: previous.meters.get(s.name) });
    if (guarantees.get(s.name)?.size) {
      const key = queueKey(s.name, null);
      queueRequests.push({ key, previous: previous.queues.get(key) });
    }
    for (const c of [...s.classes].sort(byName)) {
      const key = queueKey(s.name, c.name);
      queueRequests.push({ key, previous: previous.queues.get(key) });
    }
  }
  return { meters: allocateIds(meterRequests, METER_POOL), queues: allocateIds(queueRequests, QUEUE_POOL) };
}

/** Builds the plan of a program that has no errors. */
export function buildPlan(program: Program, options: CompileOptions = {}): Plan {
  const switches = [...program.switches.values()].sort((a, b) => (a.dpid! < b.dpid! ? -1 : a.dpid! > b.dpid! ? 1 : byName(a, b)));
  const dpidOf = (name: string): DpidHex => dpidHex(program.switches.get(name)!.dpid);
  const links = [...program.links].sort((a, b) => cmp(a.id, b.id));
  const slices = [...program.slices].sort(byName);
  const previous = previousIds(options.previous);
  const core = admitCore(program);
  const virtualKeys = (s: SliceInfo) => (core.bySlice.get(s) ?? []).map((v) => `${s.name} ${v.link.id}`);
  // Virtual links that had a tag keep it: a slice that gets a fresh tag does not take it.
  const keptVirtualTags = slices.flatMap((s) => virtualKeys(s).flatMap((k) => previous.virtualTags.get(k) ?? []));
  const overlays = allocateOverlays(slices, previous.overlays, keptVirtualTags);
  const reservations = reservationsByLink(program);
  const guarantees = guaranteesBySlice(reservations);
  const grants = grantModels(program);
  const ids = allocateQosIds(slices, grants, guarantees, previous);
  const hasCore = program.core.size > 0;
  const virtualTags = allocateVirtualLinkTags(
    slices.flatMap((s) => virtualKeys(s).map((key) => ({ key, type: overlays.get(s.name)!.type }))),
    overlays,
    previous.virtualTags,
    customerVlanIds(program),
  );

  const planSwitches: PlanSwitch[] = switches.map((sw) => ({
    name: sw.name,
    dpid: dpidHex(sw.dpid),
    ports: planPorts(sw),
    // Present only when declared: plans of networks without it keep their bytes.
    ...(sw.decl.ovsdb ? { ovsdb: sw.decl.ovsdb.value } : {}),
  }));
  const planLinks: PlanLink[] = links.map((l) => ({
    id: l.id,
    a: { switch: l.a.switch, dpid: dpidOf(l.a.switch), port: l.a.port },
    b: { switch: l.b.switch, dpid: dpidOf(l.b.switch), port: l.b.port },
    capacityBps: l.capacityBps,
  }));

  const flowspace: Array<Omit<FlowspaceEntry, 'id'>> = [];
  const planSlices: PlanSlice[] = [];
  const qos: PlanQos = { meters: [], queues: [], links: [] };

  for (const s of slices) {
    const admitted = core.bySlice.get(s) ?? [];
    const virtualPorts = numberVirtualPorts(program, s.name, admitted, previous);
    const view = sliceView(program, s, virtualPorts);
    // Flowspace entries per (rule, switch, in-port).
    for (const r of s.rules) {
      const match = withPrerequisites(lowerMatch(r.decl.match).match);
      if (!match) continue; // a contradictory match owns no packet
      const perms = r.decl.permissions
        ? PERMISSION_ORDER.filter((p) => r.decl.permissions!.some((q) => q.value === p))
        : (['read', 'write'] as Permission[]);
      const priority = r.decl.priority?.value ?? 100;
      const seen = new Set<string>();
      for (const loc of resolveLocations(program, r.decl.locations)) {
        const ports: Array<number | null> = [];
        if (loc.ports === 'all') ports.push(null);
        else for (let p = loc.ports.lo; p <= loc.ports.hi; p++) ports.push(p);
        for (const inPort of ports) {
          const key = `${loc.switch.name}/${inPort}`;
          if (seen.has(key)) continue;
          seen.add(key);
          flowspace.push({ slice: s.name, rule: r.name, dpid: dpidHex(loc.switch.dpid), inPort, priority, match, permissions: perms });
        }
      }
    }
    // QoS.
    const capBps = capOf(s, grants);
    const classes: PlanSlice['qos']['classes'] = [];
    const guaranteeByLink = guarantees.get(s.name) ?? new Map<string, number>();
    const guaranteedLinks = links.filter((l) => (guaranteeByLink.get(l.key) ?? 0) > 0);
    const guaranteeQueue = ids.queues.get(queueKey(s.name, null)) ?? 0;
    for (const l of guaranteedLinks) {
      for (const end of [l.a, l.b]) {
        qos.queues.push({
          dpid: dpidOf(end.switch),
          port: end.port,
          queueId: guaranteeQueue,
          slice: s.name,
          class: null,
          minBps: guaranteeByLink.get(l.key)!,
          maxBps: capBps,
        });
      }
    }
    for (const c of [...s.classes].sort(byName)) {
      const queueId = ids.queues.get(queueKey(s.name, c.name))!;
      const minBps = c.decl.min?.bps ?? null;
      const maxBps = c.decl.max?.bps ?? null;
      classes.push({
        name: c.name,
        match: withPrerequisites(lowerMatch(c.decl.match).match) ?? {},
        minBps,
        maxBps,
        priority: c.decl.priority?.value ?? null,
        queueId,
      });
      for (const v of view) {
        for (const port of viewPorts(program.switches.get(v.switch)!, v)) {
          qos.queues.push({ dpid: v.dpid, port, queueId, slice: s.name, class: c.name, minBps, maxBps });
        }
      }
    }
    if (capBps !== null) {
      const meterId = ids.meters.get(s.name)!;
      const rateKbps = Math.ceil(capBps / 1000);
      for (const v of view)
        qos.meters.push({ dpid: v.dpid, meterId, slice: s.name, rateKbps, burstKb: Math.max(1, Math.ceil(rateKbps / 10)) });
    }
    const overlay = overlays.get(s.name)!;
    planSlices.push({
      name: s.name,
      owner: ownerOf(s),
      controllers: controllersOf(s),
      overlay: { type: overlay.type, tag: overlay.tag, auto: overlay.auto },
      view,
      ...(hasCore ? { virtualLinks: planVirtualLinks(program, s.name, admitted, virtualPorts, virtualTags) } : {}),
      qos: {
        capBps,
        guarantees: guaranteedLinks.map((l) => ({ link: l.id, bps: guaranteeByLink.get(l.key)! })),
        classes,
      },
      limits: limitsOf(program, s, grants),
    });
  }

  for (const l of links) {
    const reserved = (reservations.get(l.key) ?? []).reduce((a, r) => a + r.bps, 0) + (core.virtualReservedBps.get(l.key) ?? 0);
    qos.links.push({
      id: l.id,
      capacityBps: l.capacityBps,
      reservedBps: reserved,
      remainingBps: l.capacityBps === null ? null : l.capacityBps - reserved,
    });
  }
  qos.meters.sort((a, b) => cmp(a.dpid, b.dpid) || a.meterId - b.meterId);
  qos.queues.sort((a, b) => cmp(a.dpid, b.dpid) || a.port - b.port || a.queueId - b.queueId);

  flowspace.sort(
    (a, b) =>
      cmp(a.dpid, b.dpid) || b.priority - a.priority || cmp(a.slice, b.slice) || cmp(a.rule, b.rule) || (a.inPort ?? -1) - (b.inPort ?? -1),
  );
  return {
    format: 'dfvisor-plan',
    version: 1,
    network: {
      name: program.network?.name ?? '',
      switches: planSwitches,
      links: planLinks,
      ...(hasCore ? { core: planCore(program) } : {}),
    },
    slices: planSlices,
    flowspace: flowspace.map((e, i) => ({ id: i + 1, ...e })),
    qos,
  };
}

function planPorts(sw: SwitchInfo): PlanSwitch['ports'] {
  if (!sw.ports) return null;
  const out: NonNullable<PlanSwitch['ports']> = [];
  for (const p of sw.ports) {
    for (let n = p.first; n <= p.last; n++) {
      const port: NonNullable<PlanSwitch['ports']>[number] = { number: n };
      if (p.label !== undefined) port.name = p.label;
      if (p.speedBps !== undefined) port.speedBps = p.speedBps;
      out.push(port);
    }
  }
  return out.sort((a, b) => a.number - b.number);
}

/** The switches and ports a slice sees (see the language page, "What a slice sees"), with its virtual ports. */
function sliceView(program: Program, s: SliceInfo, virtualPorts: Map<string, PlanVirtualPort[]>): PlanSliceSwitchView[] {
  const { edge, link } = sliceViewPorts(program, s);
  const num = (a: number, b: number): number => a - b;
  return [...edge.entries()]
    .map(([name, p]) => {
      const v: PlanSliceSwitchView = {
        dpid: dpidHex(program.switches.get(name)!.dpid),
        switch: name,
        ports: p === '*' ? ('*' as const) : [...p].sort(num),
        linkPorts: [...(link.get(name) ?? [])].sort(num),
      };
      const vp = virtualPorts.get(name);
      if (vp?.length) v.virtualPorts = vp;
      return v;
    })
    .sort((a, b) => cmp(a.dpid, b.dpid));
}

/** Every concrete port of a view entry: edge ports (declared ports for '*') and link ports. */
function viewPorts(sw: SwitchInfo, v: PlanSliceSwitchView): number[] {
  const set = new Set<number>(v.linkPorts);
  if (v.ports === '*') for (const p of planPorts(sw) ?? []) set.add(p.number);
  else for (const p of v.ports) set.add(p);
  return [...set].sort((a, b) => a - b);
}

function ownerOf(s: SliceInfo): string | null {
  for (const st of s.decl.statements) if (st.kind === 'Owner' && st.value) return st.value.value;
  return null;
}

function controllersOf(s: SliceInfo): PlanController[] {
  for (const st of s.decl.statements) {
    if (st.kind !== 'Controller') continue;
    const out: PlanController[] = [];
    for (const e of st.endpoints) {
      const p = parseEndpoint(e.value);
      if (p.ok) out.push(p.value);
    }
    return out;
  }
  return [];
}

/** A slice's limits; one its owner's grant caps and the slice leaves out takes the ceiling (docs/language.md, Grants). */
function limitsOf(program: Program, s: SliceInfo, grants: Map<string, GrantModel>): PlanSlice['limits'] {
  const limits = statedLimits(program, s);
  const owner = ownerOf(s);
  const ceilings = owner === null ? undefined : grants.get(owner)?.limits;
  if (!ceilings) return limits;
  limits.flowEntries ??= ceilings.flowEntries?.value ?? null;
  limits.controlRate ??= ceilings.controlRate?.value ?? null;
  limits.packetInRate ??= ceilings.packetInRate?.value ?? null;
  for (const [sw, c] of ceilings.flowEntriesOn) {
    const key = dpidHex(program.switches.get(sw)?.dpid);
    if (program.switches.has(sw) && limits.flowEntriesPerSwitch[key] === undefined) limits.flowEntriesPerSwitch[key] = c.value;
  }
  return limits;
}

function statedLimits(program: Program, s: SliceInfo): PlanSlice['limits'] {
  const limits: PlanSlice['limits'] = { flowEntries: null, flowEntriesPerSwitch: {}, controlRate: null, packetInRate: null };
  for (const st of s.decl.statements) {
    if (st.kind !== 'Limits') continue;
    for (const it of st.items) {
      if (it.kind === 'FlowEntries' && it.count?.value !== undefined) {
        if (it.on) limits.flowEntriesPerSwitch[dpidHex(program.switches.get(it.on.name)?.dpid)] = it.count.value;
        else if (limits.flowEntries === null) limits.flowEntries = it.count.value;
      } else if (it.kind === 'ControlRate' && limits.controlRate === null && it.rate?.perSecond !== undefined) {
        limits.controlRate = it.rate.perSecond;
      } else if (it.kind === 'PacketInRate' && limits.packetInRate === null && it.rate?.perSecond !== undefined) {
        limits.packetInRate = it.rate.perSecond;
      }
    }
  }
  return limits;
}
