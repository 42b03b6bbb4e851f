// What a tenant token may see of shared state: only its own slices, the switches and links they
// see, and no trace of other owners (their slices, rules, files, deployers). The admin sees all.
import type { Plan, PlanSlice } from '@dfvisor/grammar';
import type { Principal } from '../deploy/types.js';
import type { RevisionSummary } from '../deploy/repository.js';
import type { RuntimeEvent } from './events.js';
import type { DiscoveryView, RefusedSwitchView, StatusView } from '../view/runtime-view.js';
import { checkTopology } from './topology-check.js';

export const isAdmin = (p: Principal) => p.kind === 'admin';

export const ownsSlice = (p: Principal, s: PlanSlice | undefined) => s !== undefined && (isAdmin(p) || s.owner === p.owner);

/** Names of the active plan's slices this principal owns (all for the admin). */
export function ownSliceNames(p: Principal, plan: Plan | undefined): Set<string> {
  return new Set((plan?.slices ?? []).filter((s) => ownsSlice(p, s)).map((s) => s.name));
}

/** Switches (dpids) of the principal's slices' views. */
function ownDpids(p: Principal, plan: Plan | undefined): Set<string> {
  return new Set((plan?.slices ?? []).filter((s) => ownsSlice(p, s)).flatMap((s) => s.view.map((v) => v.dpid)));
}

/** Tenants get events about their own slices only (no revision, deploy-progress or node events). */
export function eventVisible(p: Principal, e: RuntimeEvent, plan: Plan | undefined): boolean {
  if (isAdmin(p)) return true;
  return typeof e.slice === 'string' && ownSliceNames(p, plan).has(e.slice);
}

/** The admin also sees the switches refused for an undeclared dpid (`refused`) and declared vs discovered (`discovery`); tenants never. */
export function topologyFor(
  p: Principal,
  plan: Plan | undefined,
  connected: Set<string>,
  refused: RefusedSwitchView[] = [],
  discovery?: DiscoveryView,
) {
  const switches = plan?.network.switches ?? [];
  const links = plan?.network.links ?? [];
  if (isAdmin(p))
    return {
      switches: switches.map((s) => ({ ...s, connected: connected.has(s.dpid) })),
      links,
      refused,
      ...(discovery ? { discovery: checkTopology(plan?.network, discovery, refused) } : {}),
    };
  const views = new Map<string, Set<number> | '*'>();
  for (const s of plan?.slices ?? []) {
    if (!ownsSlice(p, s)) continue;
    for (const v of s.view) {
      const seen = views.get(v.dpid);
      if (v.ports === '*' || seen === '*') views.set(v.dpid, '*');
      else views.set(v.dpid, new Set([...(seen ?? []), ...v.ports, ...v.linkPorts]));
    }
  }
  const portSeen = (dpid: string, port: number) => {
    const v = views.get(dpid);
    return v === '*' || (v !== undefined && v.has(port));
  };
  return {
    switches: switches
      .filter((s) => views.has(s.dpid))
      .map((s) => ({
        ...s,
        ports: s.ports === null ? null : s.ports.filter((port) => portSeen(s.dpid, port.number)),
        connected: connected.has(s.dpid),
      })),
    links: links.filter((l) => portSeen(l.a.dpid, l.a.port) && portSeen(l.b.dpid, l.b.port)),
  };
}

export function statusFor(p: Principal, st: StatusView, plan: Plan | undefined): StatusView {
  const names = ownSliceNames(p, plan);
  const slices = st.slices.filter((s) => names.has(s.name));
  if (isAdmin(p)) return { ...st, slices };
  const dpids = ownDpids(p, plan);
  return { ...st, switches: st.switches.filter((s) => dpids.has(s.dpid)), slices };
}

/** Revisions with only the principal's slices, and `by` only where the tenant made the revision. */
export function revisionsFor(p: Principal, list: RevisionSummary[], plan: Plan | undefined): RevisionSummary[] {
  if (isAdmin(p)) return list;
  const names = ownSliceNames(p, plan);
  return list.map(({ by, ...r }) => ({
    ...r,
    slices: r.slices.filter((n) => names.has(n)),
    ...(by === p.owner ? { by } : {}),
  })) as RevisionSummary[];
}

/** Prometheus text with only the samples of the principal's slices (families without them go). */
export function metricsFor(p: Principal, text: string, plan: Plan | undefined): string {
  if (isAdmin(p)) return text;
  const names = ownSliceNames(p, plan);
  const out: string[] = [];
  let header: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      if (line.startsWith('# HELP ')) header = [];
      header.push(line);
      continue;
    }
    const slice = /[{,]slice="([^"]*)"/.exec(line)?.[1];
    if (slice === undefined || !names.has(slice)) continue;
    out.push(...header, line);
    header = [];
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
