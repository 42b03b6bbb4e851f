// What a grant allows, resolved against the network: ports per switch (plus the link ports that
// follow from them), header-space boxes, bandwidth, slice count, limit ceilings, controller
// address ranges and delegation depth. A statement a grant leaves out is inherited from the grant
// it is carved out of (`under "…"`), else unbounded. Plain data, built once per check.
import type { GrantInfo, Program, SwitchInfo } from '../bind/program.js';
import { resolveLocations } from '../bind/locations.js';
import { ipv4PrefixRange, ipv6PrefixRange, parseIpv4Prefix, parseIpv6Prefix } from '../headerspace/addresses.js';
import { type HeaderBox, toBox } from '../headerspace/space.js';
import { lowerMatch } from '../lower/field-match.js';
import type { Range } from '../syntax/ast.js';

/** An address or prefix of `controllers`, as an inclusive interval. */
export interface AddressRange {
  family: 'ipv4' | 'ipv6';
  lo: bigint;
  hi: bigint;
  text: string;
}

/** `10.0.0.0/8`, `127.0.0.1` (a /32), `2001:db8::/32`, `::1`; undefined when malformed. */
export function parseAddressPrefix(text: string): AddressRange | undefined {
  const v4 = parseIpv4Prefix(text);
  if (v4) {
    const [lo, hi] = ipv4PrefixRange(v4);
    return { family: 'ipv4', lo: BigInt(lo), hi: BigInt(hi), text };
  }
  const v6 = parseIpv6Prefix(text);
  if (v6) {
    const [lo, hi] = ipv6PrefixRange(v6);
    return { family: 'ipv6', lo, hi, text };
  }
  return undefined;
}

/** Where a granted value is written (for related information), and the grant's file. */
export interface Source {
  file: string;
  range: Range;
  owner: string;
}

export interface Ceilings {
  flowEntries?: { value: number; at: Source };
  flowEntriesOn: Map<string, { value: number; at: Source }>;
  controlRate?: { value: number; at: Source };
  packetInRate?: { value: number; at: Source };
}

/** One owner's grant with inheritance applied. */
export interface GrantModel {
  info: GrantInfo;
  /** Switch → granted port intervals (`'all'`: every port); undefined: every port of every switch. */
  ports: Map<string, Array<[number, number]> | 'all'> | undefined;
  portsAt: Source | undefined;
  /** Union of boxes; undefined: any packet. */
  boxes: HeaderBox[] | undefined;
  matchAt: Source | undefined;
  bandwidth?: { bps: number; at: Source };
  slices?: { count: number; at: Source };
  limits: Ceilings;
  controllers?: { ranges: AddressRange[]; at: Source };
  /** How many levels of grants may be written under this one (0: none). */
  delegate: number;
  delegateAt: Source | undefined;
}

const MAX_PORT = 0xffffffff;

/** Every owner's effective grant (first grant of an owner; a parent cycle stops inheriting). */
export function grantModels(program: Program): Map<string, GrantModel> {
  const out = new Map<string, GrantModel>();
  const visiting = new Set<string>();
  const build = (info: GrantInfo): GrantModel => {
    const done = out.get(info.owner);
    if (done) return done;
    visiting.add(info.owner);
    const parentInfo = info.parent !== undefined && !visiting.has(info.parent) ? program.grantByOwner.get(info.parent) : undefined;
    const parent = parentInfo ? build(parentInfo) : undefined;
    visiting.delete(info.owner);
    const own = ownModel(program, info);
    const model: GrantModel = {
      info,
      ports: own.portsAt ? own.ports : parent?.ports,
      portsAt: own.portsAt ?? parent?.portsAt,
      boxes: own.matchAt ? own.boxes : parent?.boxes,
      matchAt: own.matchAt ?? parent?.matchAt,
      bandwidth: own.bandwidth ?? parent?.bandwidth,
      slices: own.slices ?? parent?.slices,
      limits: {
        flowEntries: own.limits.flowEntries ?? parent?.limits.flowEntries,
        flowEntriesOn: new Map([...(parent?.limits.flowEntriesOn ?? []), ...own.limits.flowEntriesOn]),
        controlRate: own.limits.controlRate ?? parent?.limits.controlRate,
        packetInRate: own.limits.packetInRate ?? parent?.limits.packetInRate,
      },
      controllers: own.controllers ?? parent?.controllers,
      delegate: own.delegate,
      delegateAt: own.delegateAt,
    };
    out.set(info.owner, model);
    return model;
  };
  for (const g of program.grantByOwner.values()) build(g);
  return out;
}

/** A grant as written, without inheritance. */
export function ownModel(program: Program, info: GrantInfo): GrantModel {
  const src = (range: Range): Source => ({ file: info.file, range, owner: info.owner });
  const m: GrantModel = {
    info,
    ports: undefined,
    portsAt: undefined,
    boxes: undefined,
    matchAt: undefined,
    limits: { flowEntriesOn: new Map() },
    delegate: 0,
    delegateAt: undefined,
  };
  for (const it of info.decl.items) {
    switch (it.kind) {
      case 'GrantPorts': {
        if (m.portsAt) break;
        m.portsAt = src(it.range);
        const ports = new Map<string, Array<[number, number]> | 'all'>();
        for (const loc of resolveLocations(program, it.ports)) {
          const cur = ports.get(loc.switch.name);
          if (loc.ports === 'all' || cur === 'all') ports.set(loc.switch.name, 'all');
          else ports.set(loc.switch.name, [...(cur ?? []), [loc.ports.lo, loc.ports.hi]]);
        }
        m.ports = ports;
        break;
      }
      case 'GrantMatch': {
        m.matchAt ??= src(it.range);
        const box = toBox(lowerMatch(it.match).match);
        m.boxes ??= [];
        if (box) m.boxes.push(box);
        break;
      }
      case 'GrantBandwidth':
        if (!m.bandwidth && it.rate?.bps !== undefined) m.bandwidth = { bps: it.rate.bps, at: src(it.range) };
        break;
      case 'GrantSlices':
        if (!m.slices && it.count?.value !== undefined) m.slices = { count: it.count.value, at: src(it.range) };
        break;
      case 'GrantControllers':
        if (!m.controllers) {
          const ranges = it.addresses.map((a) => parseAddressPrefix(a.text)).filter((a): a is AddressRange => a !== undefined);
          m.controllers = { ranges, at: src(it.range) };
        }
        break;
      case 'GrantDelegate':
        if (!m.delegateAt) {
          m.delegate = it.depth?.value ?? 1;
          m.delegateAt = src(it.range);
        }
        break;
      case 'Limits':
        for (const l of it.items) {
          if (l.kind === 'FlowEntries' && l.count?.value !== undefined) {
            const v = { value: l.count.value, at: src(l.range) };
            if (l.on) {
              if (!m.limits.flowEntriesOn.has(l.on.name)) m.limits.flowEntriesOn.set(l.on.name, v);
            } else m.limits.flowEntries ??= v;
          } else if (l.kind === 'ControlRate' && l.rate?.perSecond !== undefined) {
            m.limits.controlRate ??= { value: l.rate.perSecond, at: src(l.range) };
          } else if (l.kind === 'PacketInRate' && l.rate?.perSecond !== undefined) {
            m.limits.packetInRate ??= { value: l.rate.perSecond, at: src(l.range) };
          }
        }
        break;
    }
  }
  return m;
}

/**
 * The ports of declared links whose two switches both hold granted ports: a slice may use them
 * as its own link ports (where its traffic carries its overlay tag).
 */
export function grantLinkPorts(program: Program, g: GrantModel): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const l of program.links) {
    if (g.ports && (!g.ports.has(l.a.switch) || !g.ports.has(l.b.switch))) continue;
    for (const e of [l.a, l.b]) {
      let set = out.get(e.switch);
      if (!set) out.set(e.switch, (set = new Set()));
      set.add(e.port);
    }
  }
  return out;
}

/**
 * The first port of lo..hi (only ports the switch declares, when it declares them) that is
 * neither in `intervals` nor in `extra`; undefined when all are.
 */
export function firstPortOutside(
  sw: SwitchInfo,
  lo: number,
  hi: number,
  intervals: Array<[number, number]> | 'all' | undefined,
  extra: Set<number> | undefined,
): number | undefined {
  if (intervals === 'all') return undefined;
  const spans: Array<[number, number]> = sw.ports ? sw.ports.map((p) => [p.first, p.last]) : [[1, MAX_PORT]];
  const covered = [...(intervals ?? [])].sort((a, b) => a[0] - b[0]);
  let best: number | undefined;
  for (const [a, b] of spans) {
    let p = Math.max(a, lo);
    const end = Math.min(b, hi);
    while (p <= end) {
      if (extra?.has(p)) {
        p++;
        continue;
      }
      const iv = covered.find(([x, y]) => x <= p && p <= y);
      if (!iv) break;
      p = iv[1] + 1;
    }
    if (p <= end && (best === undefined || p < best)) best = p;
  }
  return best;
}

/** True when the address range lies inside one of the granted ones. */
export function addressAllowed(r: AddressRange, allowed: readonly AddressRange[]): boolean {
  return allowed.some((a) => a.family === r.family && a.lo <= r.lo && r.hi <= a.hi);
}
