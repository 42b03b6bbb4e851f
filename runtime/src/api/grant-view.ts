// GET /v1/grants/mine: a tenant's grant in force (with what it inherits) and the part of the
// network it may use, both as data and as .slice text a tenant's editor can check against
// (the switches holding granted ports, their ports with only the granted ones named, the links
// between them, and the tenant's grant with the grants it is carved out of).
import {
  bindWorkspace,
  formatRate,
  fromBox,
  grantModels,
  parse,
  type GrantModel,
  type Match,
  type Plan,
  type PlanLink,
  type PlanSwitch,
  type Program,
} from '@dfvisor/grammar';
import type { SourceText } from '../deploy/types.js';

export interface GrantedSwitch {
  name: string;
  dpid: string;
  /** Granted port intervals, or 'all'. */
  ports: Array<[number, number]> | 'all';
}

export interface GrantView {
  owner: string;
  parent: string | null;
  grant: {
    /** null: every port of every switch. */
    ports: GrantedSwitch[] | null;
    /** null: any packet; else a union of matches (OXM-style, prerequisites included). */
    match: Match[] | null;
    bandwidthBps: number | null;
    slices: number | null;
    limits: { flowEntries: number | null; controlRate: number | null; packetInRate: number | null };
    controllers: string[] | null;
    delegate: number;
  };
  network: { name: string; switches: PlanSwitch[]; links: PlanLink[] };
  /** `.slice` text of that network part and the grants in force for the owner. */
  source: string;
}

/** The owner's grant view, or undefined when the owner has no grant in force. */
export function grantViewFor(owner: string, network: SourceText[], grants: SourceText[], plan: Plan | undefined): GrantView | undefined {
  if (grants.length === 0) return undefined;
  const files = [...network, ...grants].map((s, i) => parse(s.text, `grant-view-${i}.slice`));
  const { program } = bindWorkspace(files);
  const model = grantModels(program).get(owner);
  if (!model) return undefined;
  const switches = plan?.network.switches ?? [];
  const granted = (name: string) => !model.ports || model.ports.has(name);
  const visible = switches.filter((s) => granted(s.name));
  const names = new Set(visible.map((s) => s.name));
  const links = (plan?.network.links ?? []).filter((l) => names.has(l.a.switch) && names.has(l.b.switch));
  const linkPorts = new Set(links.flatMap((l) => [`${l.a.switch}:${l.a.port}`, `${l.b.switch}:${l.b.port}`]));
  const mayName = (sw: string, port: number) => {
    const iv = model.ports?.get(sw);
    return !model.ports || iv === 'all' || linkPorts.has(`${sw}:${port}`) || (iv ?? []).some(([a, b]) => a <= port && port <= b);
  };
  const shown: PlanSwitch[] = visible.map((s) => ({
    ...s,
    ports: s.ports?.map((p) => (p.name !== undefined && !mayName(s.name, p.number) ? { ...p, name: undefined } : p)) ?? null,
  }));
  return {
    owner,
    parent: model.info.parent ?? null,
    grant: grantData(model, switches),
    network: { name: plan?.network.name ?? program.network?.name ?? 'network', switches: shown, links },
    source: `${networkText(plan?.network.name ?? program.network?.name ?? 'network', shown, links)}\n${chainText(program, owner)}`,
  };
}

function grantData(g: GrantModel, switches: PlanSwitch[]): GrantView['grant'] {
  const dpid = new Map(switches.map((s) => [s.name, s.dpid]));
  return {
    ports: g.ports
      ? [...g.ports].map(([name, ports]) => ({ name, dpid: dpid.get(name) ?? '', ports: ports === 'all' ? 'all' : ports }))
      : null,
    match: g.boxes ? g.boxes.map(fromBox) : null,
    bandwidthBps: g.bandwidth?.bps ?? null,
    slices: g.slices?.count ?? null,
    limits: {
      flowEntries: g.limits.flowEntries?.value ?? null,
      controlRate: g.limits.controlRate?.value ?? null,
      packetInRate: g.limits.packetInRate?.value ?? null,
    },
    controllers: g.controllers ? g.controllers.ranges.map((r) => r.text) : null,
    delegate: g.delegate,
  };
}

/** A network block with these switches (ports as declared, unnamed where not granted) and links. */
function networkText(name: string, switches: PlanSwitch[], links: PlanLink[]): string {
  const lines = [`network ${name} {`];
  for (const s of switches) {
    if (!s.ports) {
      lines.push(`  switch ${s.name} dpid 0x${s.dpid}`);
      continue;
    }
    lines.push(`  switch ${s.name} dpid 0x${s.dpid} {`);
    for (const p of s.ports) {
      const label = p.name !== undefined ? ` ${JSON.stringify(p.name)}` : '';
      const speed = p.speedBps !== undefined ? ` speed ${formatRate(p.speedBps, 'compact')}` : '';
      lines.push(`    port ${p.number}${label}${speed}`);
    }
    lines.push('  }');
  }
  for (const l of links) {
    const cap = l.capacityBps !== null ? ` capacity ${formatRate(l.capacityBps, 'compact')}` : '';
    lines.push(`  link ${l.a.switch}:${l.a.port} <-> ${l.b.switch}:${l.b.port}${cap}`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The owner's grant block and those it is carved out of, as written. */
function chainText(program: Program, owner: string): string {
  const out: string[] = [];
  const seen = new Set<string>();
  let cur: string | undefined = owner;
  while (cur !== undefined && !seen.has(cur)) {
    seen.add(cur);
    const g = program.grantByOwner.get(cur);
    if (!g) break;
    const text = program.files.find((f) => f.path === g.file)?.text ?? '';
    out.push(`${text.slice(g.decl.range.start.offset, g.decl.range.end.offset)}\n`);
    cur = g.parent;
  }
  return out.reverse().join('');
}
