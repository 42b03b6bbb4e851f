// The network map's data model: the runtime's topology (declared switches and links, the discovery check) and
// the deployed slices' views turned into graph elements with classes (plain data, no vscode, no DOM), which
// the webview (webview/main.ts) hands to the graph library as they are. Also the per-slice rates drawn from
// two successive counter readings.
import type { TopologyCheck } from '../api/types.js';

export interface MapLinkEnd {
  switch: string | null;
  dpid: string;
  port: number;
}

export interface MapInput {
  /** Declared switches (GET /v1/topology `switches`). */
  switches: { name: string; dpid: string; connected?: boolean }[];
  /** Declared links (GET /v1/topology `links`). */
  links: { id: string; a: MapLinkEnd; b: MapLinkEnd }[];
  /** Declared vs discovered (admin only); undefined: not known, nothing is marked. */
  discovery?: TopologyCheck;
  /** Each deployed slice's view (GET /v1/slices/{name} `view`). */
  slices: { name: string; paused?: boolean; view: { dpid: string; ports: number[] | '*'; linkPorts: number[] }[] }[];
}

export interface MapElement {
  group: 'nodes' | 'edges';
  data: {
    id: string;
    label?: string;
    parent?: string;
    source?: string;
    target?: string;
    /** The slices this element belongs to (highlighting). */
    slices?: string[];
    /** Colours of those slices, same order. */
    colors?: string[];
    /** A slice link's colour. */
    color?: string;
    /** Hover text. */
    title?: string;
  };
  classes: string[];
}

export interface MapSlice {
  name: string;
  color: string;
  paused: boolean;
  switches: number;
  edgePorts: number;
  links: number;
}

export type DiscoveryState = 'unknown' | 'off' | 'settling' | 'on';

export interface MapGraph {
  elements: MapElement[];
  slices: MapSlice[];
  discovery: DiscoveryState;
  /** Declared vs discovered differences, one line each (as in the `topology` event). */
  problems: string[];
}

/** Slice colours (Okabe-Ito, readable on light and dark themes), by slice name order. */
export const SLICE_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

const swId = (dpid: string) => `sw:${dpid}`;
const portId = (dpid: string, port: number) => `port:${dpid}:${port}`;
const endName = (e: MapLinkEnd) => `${e.switch ?? e.dpid}:${e.port}`;
/** The same physical link whichever end is listed first. */
const linkKey = (a: MapLinkEnd, b: MapLinkEnd) => [portId(a.dpid, a.port), portId(b.dpid, b.port)].sort().join('|');

export function buildMapModel(input: MapInput): MapGraph {
  const nodes = new Map<string, MapElement>();
  const edges: MapElement[] = [];
  const problems: string[] = [];
  const d = input.discovery;
  const discovery: DiscoveryState = !d ? 'unknown' : !d.enabled ? 'off' : !d.settled ? 'settling' : 'on';
  /** Differences are marked only once discovery has settled (before, every link may read missing). */
  const marking = discovery === 'on' ? d : undefined;

  const addSwitch = (dpid: string, label: string, classes: string[], title: string) => {
    if (!nodes.has(swId(dpid))) nodes.set(swId(dpid), { group: 'nodes', data: { id: swId(dpid), label, title }, classes });
    return nodes.get(swId(dpid))!;
  };
  const addPort = (e: MapLinkEnd) => {
    const id = portId(e.dpid, e.port);
    if (!nodes.has(swId(e.dpid))) addSwitch(e.dpid, e.dpid, ['switch', 'undeclared'], `undeclared switch ${e.dpid}`);
    if (!nodes.has(id))
      nodes.set(id, { group: 'nodes', data: { id, label: String(e.port), parent: swId(e.dpid), title: endName(e) }, classes: ['port'] });
    return nodes.get(id)!;
  };
  const mark = (el: MapElement, cls: string) => {
    if (!el.classes.includes(cls)) el.classes.push(cls);
  };

  for (const s of input.switches) {
    const connected = s.connected !== false;
    addSwitch(
      s.dpid,
      s.name,
      ['switch', connected ? 'connected' : 'disconnected'],
      `${s.name} (${s.dpid})${connected ? '' : ' not connected'}`,
    );
  }
  if (marking) {
    for (const u of marking.undeclared) {
      const n = addSwitch(u.dpid, u.dpid, ['switch', 'undeclared'], `undeclared switch ${u.dpid} from ${u.address}`);
      mark(n, 'undeclared');
      problems.push(`undeclared ${u.dpid}`);
    }
  }

  // Declared links, with their discovery state; a miswired link's actual peers are drawn too.
  const drawn = new Set<string>();
  const states = new Map((marking?.links ?? []).map((l) => [l.id, l]));
  for (const l of input.links) {
    const check = states.get(l.id);
    const state = check?.state ?? 'declared';
    const a = addPort(l.a);
    const b = addPort(l.b);
    mark(a, 'link-port');
    mark(b, 'link-port');
    edges.push({
      group: 'edges',
      data: { id: `link:${l.id}`, source: a.data.id, target: b.data.id, title: `${l.id}: ${state}` },
      classes: ['link', state],
    });
    drawn.add(linkKey(l.a, l.b));
    if (state === 'missing') problems.push(`missing ${l.id}`);
    if (state === 'miswired') {
      for (const s of check?.seen ?? []) {
        problems.push(`miswired ${l.id}: sees ${endName(s.a)}<->${endName(s.b)}`);
        const key = linkKey(s.a, s.b);
        if (drawn.has(key)) continue;
        drawn.add(key);
        edges.push({
          group: 'edges',
          data: {
            id: `seen:${key}`,
            source: addPort(s.a).data.id,
            target: addPort(s.b).data.id,
            title: `discovered ${endName(s.a)}<->${endName(s.b)} instead of ${l.id}`,
          },
          classes: ['link', 'discovered', 'miswired-peer'],
        });
      }
    }
  }
  if (marking) {
    for (const x of marking.extra) {
      const key = linkKey(x.a, x.b);
      problems.push(`extra ${endName(x.a)}<->${endName(x.b)}`);
      if (drawn.has(key)) continue;
      drawn.add(key);
      edges.push({
        group: 'edges',
        data: {
          id: `extra:${key}`,
          source: addPort(x.a).data.id,
          target: addPort(x.b).data.id,
          title: `discovered, not declared: ${endName(x.a)}<->${endName(x.b)}`,
        },
        classes: ['link', 'discovered', 'extra'],
      });
    }
    for (const p of marking.portsDown) {
      const n = addPort({ switch: p.switch, dpid: p.dpid, port: p.port });
      mark(n, 'down');
      n.data.title = `${n.data.title}: ${p.reason}`;
      problems.push(`port-down ${p.switch ?? p.dpid}:${p.port} (${p.reason})`);
    }
  }

  // Slices: each in its colour, on its edge ports, its switches and the declared links between its link ports.
  const slices: MapSlice[] = [];
  const sorted = [...input.slices].sort((x, y) => x.name.localeCompare(y.name));
  sorted.forEach((s, i) => {
    const color = SLICE_COLORS[i % SLICE_COLORS.length];
    const join = (el: MapElement) => {
      el.data.slices = [...(el.data.slices ?? []), s.name];
      el.data.colors = [...(el.data.colors ?? []), color];
    };
    const linkPorts = new Set<string>();
    let edgePorts = 0;
    for (const v of s.view) {
      const sw = nodes.get(swId(v.dpid)) ?? addSwitch(v.dpid, v.dpid, ['switch'], v.dpid);
      join(sw);
      for (const port of v.ports === '*' ? [] : v.ports) {
        const n = addPort({ switch: sw.data.label ?? null, dpid: v.dpid, port });
        mark(n, 'edge-port');
        join(n);
        edgePorts++;
      }
      for (const port of v.linkPorts) linkPorts.add(portId(v.dpid, port));
    }
    let links = 0;
    for (const l of input.links) {
      if (!linkPorts.has(portId(l.a.dpid, l.a.port)) || !linkPorts.has(portId(l.b.dpid, l.b.port))) continue;
      links++;
      edges.push({
        group: 'edges',
        data: {
          id: `slice:${s.name}:${l.id}`,
          source: portId(l.a.dpid, l.a.port),
          target: portId(l.b.dpid, l.b.port),
          slices: [s.name],
          colors: [color],
          color,
          title: `${s.name} on ${l.id}`,
        },
        classes: ['slice-link'],
      });
    }
    slices.push({ name: s.name, color, paused: s.paused === true, switches: s.view.length, edgePorts, links });
  });

  return { elements: [...nodes.values(), ...edges], slices, discovery, problems: problems.sort() };
}

export interface CounterReading {
  atMs: number;
  packets: number;
  bytes: number;
}

/** Packets/s and bytes/s between two readings of a slice's counters; null without a usable earlier reading. */
export function rateBetween(prev: CounterReading | undefined, next: CounterReading): { pps: number; bps: number } | null {
  if (!prev) return null;
  const dt = (next.atMs - prev.atMs) / 1000;
  // Counters that went back (a node restarted, the slice was redeployed) start over.
  if (dt <= 0 || next.packets < prev.packets || next.bytes < prev.bytes) return null;
  return { pps: (next.packets - prev.packets) / dt, bps: ((next.bytes - prev.bytes) * 8) / dt };
}
