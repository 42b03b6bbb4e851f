// Seeded random flowspaces and packets for the classifier tests, drawn from small pools so
// that rules overlap, tie and nest often.
import type { FlowspaceEntry, Match, PortMatch } from '@dfvisor/grammar';
import type { PacketHeaders } from '../../src/classifier/index.js';

export type Rng = () => number;

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rng, p: number): boolean => r() < p;

export const DPIDS = ['0000000000000001', '0000000000000002', '00000000000000ff'];
export const PORTS = [1, 2, 3, 4];
const MACS = ['00:00:00:00:00:01', 'aa:bb:cc:dd:ee:ff', 'ff:ff:ff:ff:ff:ff', '02:00:00:00:00:0a'];
const V4_OCTETS = [0, 1, 128, 255];
const V4_LENS = [0, 1, 8, 9, 16, 24, 31, 32];
const V6_GROUPS = ['0', '1', '8000', 'ffff'];
const V6_LENS = [0, 1, 16, 32, 33, 48, 64, 96, 127, 128];
const PORT_VALUES = [0, 1, 79, 80, 81, 443, 1024, 65534, 65535];
const PRIORITIES = [0, 1, 100, 100, 100, 200, 65535];
const SLICES = ['alice', 'bob', 'carol'];

function v4(r: Rng): string {
  return `10.${pick(r, V4_OCTETS)}.${pick(r, V4_OCTETS)}.${pick(r, V4_OCTETS)}`;
}

function v6(r: Rng): string {
  const g = [pick(r, V6_GROUPS), pick(r, V6_GROUPS), pick(r, V6_GROUPS), pick(r, V6_GROUPS)];
  return chance(r, 0.5) ? `2001:db8:${g[0]}:${g[1]}::${g[2]}:${g[3]}` : `2001:db8:${g[0]}:${g[1]}:0:0:${g[2]}:${g[3]}`;
}

function portMatch(r: Rng): PortMatch {
  if (chance(r, 0.5)) return pick(r, PORT_VALUES);
  const a = pick(r, PORT_VALUES);
  const b = pick(r, PORT_VALUES);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** A match with its prerequisites filled in, as the compiler writes them. */
export function randomMatch(r: Rng): Match {
  const m: Match = {};
  if (chance(r, 0.15)) m.eth_src = pick(r, MACS);
  if (chance(r, 0.15)) m.eth_dst = pick(r, MACS);
  if (chance(r, 0.1)) m.vlan_vid = pick(r, [0, 1, 4095]);
  if (chance(r, 0.05)) m.vlan_pcp = pick(r, [0, 7]);
  const l3 = pick(r, ['none', 'none', 'v4', 'v4', 'v4', 'v6', 'arp']);
  if (l3 === 'arp') m.eth_type = 0x0806;
  if (l3 === 'v4' || l3 === 'v6') {
    m.eth_type = l3 === 'v4' ? 0x0800 : 0x86dd;
    const src = l3 === 'v4' ? 'ipv4_src' : 'ipv6_src';
    const dst = l3 === 'v4' ? 'ipv4_dst' : 'ipv6_dst';
    const addr = l3 === 'v4' ? v4 : v6;
    const lens = l3 === 'v4' ? V4_LENS : V6_LENS;
    if (chance(r, 0.6)) m[src] = `${addr(r)}/${pick(r, lens)}`;
    if (chance(r, 0.6)) m[dst] = `${addr(r)}/${pick(r, lens)}`;
    if (chance(r, 0.1)) m.ip_dscp = pick(r, [0, 46]);
    const l4 = pick(r, ['none', 'tcp', 'tcp', 'udp', 'icmp']);
    if (l4 === 'icmp') m.ip_proto = 1;
    if (l4 === 'tcp' || l4 === 'udp') {
      m.ip_proto = l4 === 'tcp' ? 6 : 17;
      if (chance(r, 0.4)) m[`${l4}_src`] = portMatch(r);
      if (chance(r, 0.7)) m[`${l4}_dst`] = portMatch(r);
    }
  }
  return m;
}

/** Random entries; prefixes may carry host bits (the classifier masks them). */
export function randomEntries(r: Rng, n: number, firstId = 1): FlowspaceEntry[] {
  const out: FlowspaceEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: firstId + i,
      slice: pick(r, SLICES),
      rule: `r${firstId + i}`,
      dpid: pick(r, DPIDS),
      inPort: chance(r, 0.4) ? null : pick(r, PORTS),
      priority: pick(r, PRIORITIES),
      match: randomMatch(r),
      permissions: chance(r, 0.3) ? ['read'] : ['read', 'write'],
    });
  }
  // Shuffle so insertion order differs from id order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function randomPacket(r: Rng): { dpid: string; inPort: number; headers: PacketHeaders } {
  const h: PacketHeaders = { eth_src: pick(r, MACS), eth_dst: pick(r, MACS) };
  if (chance(r, 0.3)) {
    h.vlan_vid = pick(r, [0, 1, 4095]);
    h.vlan_pcp = pick(r, [0, 7]);
  }
  const l3 = pick(r, ['v4', 'v4', 'v4', 'v6', 'arp', 'lldp']);
  h.eth_type = { v4: 0x0800, v6: 0x86dd, arp: 0x0806, lldp: 0x88cc }[l3];
  if (l3 === 'v4' || l3 === 'v6') {
    if (l3 === 'v4') {
      h.ipv4_src = v4(r);
      h.ipv4_dst = v4(r);
    } else {
      h.ipv6_src = v6(r);
      h.ipv6_dst = v6(r);
    }
    h.ip_dscp = pick(r, [0, 46]);
    const l4 = pick(r, ['tcp', 'tcp', 'udp', 'icmp']);
    h.ip_proto = { tcp: 6, udp: 17, icmp: 1 }[l4];
    if (l4 === 'tcp') {
      h.tcp_src = pick(r, PORT_VALUES);
      h.tcp_dst = pick(r, PORT_VALUES);
    }
    if (l4 === 'udp') {
      h.udp_src = pick(r, PORT_VALUES);
      h.udp_dst = pick(r, PORT_VALUES);
    }
  }
  return { dpid: pick(r, DPIDS), inPort: pick(r, PORTS), headers: h };
}
