// `dfvisor topology`: the deployed network against what the runtime discovered (links seen,
// missing, miswired, extra; ports down; undeclared switches), as tables, the API's JSON
// (`--json`) or a Graphviz graph (`--format dot`). Tenants get the switches and links their
// slices see (no discovery section).
import { str, flag } from '../args.js';
import { UsageError } from '../errors.js';
import { renderTable } from '../table.js';
import type { Io } from '../io.js';
import type { LinkEndView, TopologyCheckView } from '../../api/topology-check.js';
import { parse, print, request } from './remote.js';

export interface TopologyAnswer {
  switches: Array<{ name: string; dpid: string; connected: boolean }>;
  links: Array<{ id: string; a: { switch: string; port: number }; b: { switch: string; port: number } }>;
  discovery?: TopologyCheckView;
}

const HELP = `Usage: dfvisor topology [--format text|dot] [--json]

Shows the deployed network against what the runtime discovered with its LLDP probes:
each declared link seen, missing or miswired (and what is cabled instead), links nobody declared,
ports that are down and switches whose datapath id the network does not declare (admin token).
--format dot prints a Graphviz graph (e.g. | dot -Tsvg > network.svg).`;

const end = (e: LinkEndView) => `${e.switch ?? e.dpid}:${e.port}`;
const time = (iso: string) => iso.slice(11, 19);

export function topologyText(t: TopologyAnswer): string {
  const d = t.discovery;
  const parts = [
    renderTable(
      ['SWITCH', 'DPID', 'CONNECTED'],
      t.switches.map((s) => [s.name, s.dpid, s.connected ? 'yes' : 'no']),
    ),
  ];
  if (!d) {
    parts.push(
      renderTable(
        ['LINK'],
        t.links.map((l) => [l.id]),
      ),
    );
    return parts.join('\n');
  }
  if (!d.enabled) parts.push('link discovery is off (discoveryIntervalMs 0)\n');
  else if (!d.settled) parts.push(`discovery started less than two intervals (${d.intervalMs} ms) ago: links may still read missing\n`);
  parts.push(
    renderTable(
      ['LINK', 'STATE', 'DISCOVERED'],
      d.links.map((l) => [
        l.id,
        l.state,
        l.state === 'seen'
          ? `since ${time(l.since!)}`
          : l.state === 'miswired'
            ? (l.seen ?? []).map((s) => `${end(s.a)} <-> ${end(s.b)} (since ${time(s.since)})`).join(', ')
            : 'no probe crossed it',
      ]),
    ),
  );
  if (d.extra.length)
    parts.push(
      renderTable(
        ['EXTRA LINK', 'SINCE'],
        d.extra.map((x) => [`${end(x.a)} <-> ${end(x.b)}`, time(x.since)]),
      ),
    );
  if (d.portsDown.length)
    parts.push(
      renderTable(
        ['PORT DOWN', 'NAME', 'REASON'],
        d.portsDown.map((p) => [`${p.switch ?? p.dpid}:${p.port}`, p.name, p.reason]),
      ),
    );
  if (d.undeclared.length)
    parts.push(
      renderTable(
        ['UNDECLARED DPID', 'ADDRESS', 'LAST SEEN'],
        d.undeclared.map((u) => [u.dpid, u.address, u.lastSeen]),
      ),
    );
  return parts.join('\n');
}

const q = (s: string) => JSON.stringify(s);

/** A Graphviz graph: declared links (solid when seen, dashed red when missing, dashed orange when miswired), discovered ones in blue. */
export function topologyDot(t: TopologyAnswer): string {
  const d = t.discovery;
  const lines = ['graph network {', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const s of t.switches)
    lines.push(`  ${q(s.dpid)} [label=${q(`${s.name}\n${s.dpid}`)}${s.connected ? '' : ', style=dashed, color=gray'}];`);
  const named = new Map(t.switches.map((s) => [s.name, s.dpid]));
  for (const u of d?.undeclared ?? []) lines.push(`  ${q(u.dpid)} [label=${q(`undeclared\n${u.dpid}`)}, color=red, fontcolor=red];`);
  const edge = (a: { dpid: string; port: number }, b: { dpid: string; port: number }, attrs: string) =>
    lines.push(`  ${q(a.dpid)} -- ${q(b.dpid)} [taillabel=${q(String(a.port))}, headlabel=${q(String(b.port))}${attrs}];`);
  if (!d) {
    for (const l of t.links)
      edge(
        { dpid: named.get(l.a.switch) ?? l.a.switch, port: l.a.port },
        { dpid: named.get(l.b.switch) ?? l.b.switch, port: l.b.port },
        '',
      );
  } else {
    for (const x of new Set([
      ...d.links.flatMap((l) => l.seen ?? []).map((s) => s.a.dpid),
      ...d.links.flatMap((l) => l.seen ?? []).map((s) => s.b.dpid),
      ...d.extra.flatMap((x) => [x.a.dpid, x.b.dpid]),
    ]))
      if (!t.switches.some((s) => s.dpid === x) && !d.undeclared.some((u) => u.dpid === x))
        lines.push(`  ${q(x)} [label=${q(`not declared\n${x}`)}, color=red];`);
    for (const l of d.links) {
      if (l.state === 'seen') edge(l.a, l.b, '');
      else if (l.state === 'missing') edge(l.a, l.b, `, style=dashed, color=red, label=${q('missing')}`);
      else {
        edge(l.a, l.b, `, style=dashed, color=orange, label=${q('declared')}`);
        for (const s of l.seen ?? []) edge(s.a, s.b, `, color=blue, label=${q('discovered')}`);
      }
    }
    for (const x of d.extra) edge(x.a, x.b, `, color=blue, label=${q('not declared')}`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export async function topologyCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, { format: { type: 'string', default: 'text' } }, HELP, io);
  if (!p) return 0;
  const format = str(p, 'format') ?? 'text';
  if (format !== 'text' && format !== 'dot') throw new UsageError(`--format must be text or dot, not '${format}'`);
  if (format === 'dot' && flag(p, 'json')) throw new UsageError('give one of --json and --format dot');
  if (p.positionals.length > 0) throw new UsageError('dfvisor topology takes no arguments');
  const t = await request<TopologyAnswer>(p, io, 'GET', '/v1/topology');
  if (format === 'dot') io.out(topologyDot(t));
  else print(io, p, t, () => topologyText(t));
  return 0;
}
