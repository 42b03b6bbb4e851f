// Declared vs discovered topology: the network's links against the links the hypervisor's LLDP
// probes saw (seen, missing, miswired, extra), its switches' ports that are down, and the
// switches that connect but are not declared. Pure: plain data in, plain data out; served by
// /v1/topology, counted in /metrics, announced as `topology` events, and shown by the CLI.
import type { PlanNetwork } from '@dfvisor/grammar';
import type { DiscoveryView, LinkEndView, RefusedSwitchView, TopologyCheckView } from '../view/runtime-view.js';

export type { LinkEndView, TopologyCheckView } from '../view/runtime-view.js';

type End = { dpid: string; port: number };
const endKey = (e: End) => `${e.dpid}:${e.port}`;

interface Sighting {
  a: End;
  b: End;
  since: string;
}

/** Sightings in both directions of one cable become one undirected link (earliest `since`). */
function undirected(d: DiscoveryView): Sighting[] {
  const byKey = new Map<string, Sighting>();
  for (const s of d.sightings) {
    const [a, b] = endKey(s.from) <= endKey(s.to) ? [s.from, s.to] : [s.to, s.from];
    const key = `${endKey(a)}|${endKey(b)}`;
    const prev = byKey.get(key);
    if (!prev || s.since < prev.since) byKey.set(key, { a, b, since: s.since });
  }
  return [...byKey.values()].sort((x, y) => (endKey(x.a) + endKey(x.b) < endKey(y.a) + endKey(y.b) ? -1 : 1));
}

export function checkTopology(
  network: PlanNetwork | undefined,
  d: DiscoveryView | undefined,
  refused: RefusedSwitchView[],
  now: number = Date.now(),
): TopologyCheckView {
  const names = new Map((network?.switches ?? []).map((s) => [s.dpid, s.name]));
  const end = (e: End): LinkEndView => ({ switch: names.get(e.dpid) ?? null, dpid: e.dpid, port: e.port });
  const sightings = d?.enabled ? undirected(d) : [];
  const atEnd = new Map<string, Sighting[]>();
  for (const s of sightings) for (const e of [s.a, s.b]) atEnd.set(endKey(e), [...(atEnd.get(endKey(e)) ?? []), s]);
  const declaredEnds = new Set<string>();
  const links: TopologyCheckView['links'] = [];
  for (const l of network?.links ?? []) {
    declaredEnds.add(endKey(l.a));
    declaredEnds.add(endKey(l.b));
    const found = [...(atEnd.get(endKey(l.a)) ?? []), ...(atEnd.get(endKey(l.b)) ?? [])];
    const same = found.find(
      (s) => (endKey(s.a) === endKey(l.a) && endKey(s.b) === endKey(l.b)) || (endKey(s.a) === endKey(l.b) && endKey(s.b) === endKey(l.a)),
    );
    const base = { id: l.id, a: end(l.a), b: end(l.b) };
    if (same) links.push({ ...base, state: 'seen', since: same.since });
    else if (found.length > 0)
      links.push({ ...base, state: 'miswired', seen: [...new Set(found)].map((s) => ({ a: end(s.a), b: end(s.b), since: s.since })) });
    else links.push({ ...base, state: 'missing' });
  }
  const extra = sightings
    .filter((s) => !declaredEnds.has(endKey(s.a)) && !declaredEnds.has(endKey(s.b)))
    .map((s) => ({ a: end(s.a), b: end(s.b), since: s.since }));
  const portsDown: TopologyCheckView['portsDown'] = [];
  for (const sw of d?.ports ?? []) {
    const declared = network?.switches.find((s) => s.dpid === sw.dpid);
    if (!declared) continue;
    const wanted = declared.ports === null ? null : new Set(declared.ports.map((p) => p.number));
    for (const p of sw.ports) {
      if (wanted && !wanted.has(p.number)) continue;
      if (p.adminDown || p.linkDown)
        portsDown.push({
          switch: declared.name,
          dpid: sw.dpid,
          port: p.number,
          name: p.name,
          reason: p.adminDown ? 'admin-down' : 'link-down',
        });
    }
  }
  const startedAt = d?.startedAt ? Date.parse(d.startedAt) : NaN;
  return {
    network: network?.name ?? null,
    enabled: d?.enabled ?? false,
    intervalMs: d?.intervalMs ?? 0,
    settled: d?.enabled === true && now - startedAt >= 2 * d.intervalMs,
    links,
    extra,
    portsDown,
    undeclared: refused.map((r) => ({ dpid: r.dpid, address: r.address, lastSeen: r.lastSeen })),
    probes: d?.probes ?? { sent: 0, received: 0, forged: 0 },
  };
}

/** One line per problem (a link not as declared, an extra link, a port down, an undeclared switch): what events compare. */
export function topologyProblems(c: TopologyCheckView): string[] {
  const e = (x: LinkEndView) => `${x.switch ?? x.dpid}:${x.port}`;
  return [
    ...c.links
      .filter((l) => l.state !== 'seen')
      .map((l) =>
        l.state === 'missing'
          ? `missing ${l.id}`
          : `miswired ${l.id}: sees ${(l.seen ?? []).map((s) => `${e(s.a)}<->${e(s.b)}`).join(', ')}`,
      ),
    ...c.extra.map((x) => `extra ${e(x.a)}<->${e(x.b)}`),
    ...c.portsDown.map((p) => `port-down ${p.switch ?? p.dpid}:${p.port} (${p.reason})`),
    ...c.undeclared.map((u) => `undeclared ${u.dpid}`),
  ].sort();
}
