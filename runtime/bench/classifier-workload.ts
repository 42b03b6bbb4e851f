// The classifier benchmark's workload: a seeded flowspace over 100 switches shaped like a real
// deployment, packets inside its rules (70 %) or anywhere (30 %), and tenant flow-mod queries.
// Shared by classifier.bench.ts and classifier-profile.ts (a lookup-only driver for --cpu-prof).
import { formatIpv4, formatMac, type FlowspaceEntry, type Match } from '@dfvisor/grammar';
import type { PacketHeaders } from '../src/classifier/index.js';
import { pick as pickFrom, rng } from '../test/classifier/gen.js';

export const SWITCHES = 100;

// ------------------------------------------------------------------ workload
// The seeded PRNG is the classifier tests' (test/classifier/gen.ts); the workload here is larger
// and shaped like a real deployment, so the rule mix itself is this file's own.

// One string per switch, as the proxy passes its session's dpid (not a new string per packet).
const DPIDS = Array.from({ length: SWITCHES + 1 }, (_, i) => i.toString(16).padStart(16, '0'));
const dpidOf = (i: number): string => DPIDS[i]!;
const ip = formatIpv4;

export interface Made {
  entries: FlowspaceEntry[];
  packets: Array<{ dpid: string; inPort: number; headers: PacketHeaders }>;
  queries: Array<{ dpid: string; inPort: number | null; match: Match; slice: string }>;
}

/**
 * A realistic mix: tenants own /16 blocks; rules are source/destination prefixes (/8../32),
 * TCP services, UDP port ranges, some IPv6, ARP, MAC and VLAN rules and whole-port rules;
 * half are bound to an in-port.
 */
export function makeWorkload(n: number, seed: number): Made {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => pickFrom(r, xs);
  const slices = Math.max(10, Math.floor(n / 100));
  const entries: FlowspaceEntry[] = [];
  // Per entry, a function that draws a packet inside it.
  const inside: Array<() => PacketHeaders> = [];
  for (let id = 1; id <= n; id++) {
    const sliceNo = int(0, slices - 1);
    const block = (10 << 24) + ((sliceNo & 0xff) << 16) + ((sliceNo >> 8) << 8); // tenant block
    const len = pick([16, 20, 24, 24, 24, 28, 32, 32]);
    const base = (block + int(0, 0xffff)) >>> 0;
    const net = len === 32 ? base : ((base >>> (32 - len)) << (32 - len)) >>> 0;
    const inNet = (): number => (net + (len === 32 ? 0 : int(0, 2 ** (32 - len) - 1))) >>> 0;
    const kind = pick(['src', 'src', 'src', 'dst', 'dst', 'tcp', 'tcp', 'tcp', 'udp', 'v6', 'arp', 'mac', 'vlan', 'port']);
    let match: Match;
    let pkt: () => PacketHeaders;
    const v4pkt = (src: number, dst: number, extra: PacketHeaders = {}): PacketHeaders => ({
      eth_src: int(1, 2 ** 40),
      eth_dst: int(1, 2 ** 40),
      eth_type: 0x0800,
      ip_proto: 6,
      ipv4_src: src,
      ipv4_dst: dst,
      tcp_src: int(1024, 65535),
      tcp_dst: pick([80, 443, 22]),
      ...extra,
    });
    switch (kind) {
      case 'src':
        match = { eth_type: 0x0800, ipv4_src: `${ip(net)}/${len}` };
        pkt = () => v4pkt(inNet(), int(0, 2 ** 32 - 1));
        break;
      case 'dst':
        match = { eth_type: 0x0800, ipv4_dst: `${ip(net)}/${len}` };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), inNet());
        break;
      case 'tcp': {
        const port = pick([80, 443, 22, 8080, int(1024, 65535)]);
        match = { eth_type: 0x0800, ip_proto: 6, ipv4_dst: `${ip(net)}/${len}`, tcp_dst: port };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), inNet(), { tcp_dst: port });
        break;
      }
      case 'udp': {
        const lo = int(1024, 60000);
        const hi = lo + pick([0, 6, 100, 5000]);
        match = { eth_type: 0x0800, ip_proto: 17, ipv4_src: `${ip(net)}/${len}`, udp_dst: { min: lo, max: hi } };
        pkt = () => ({
          eth_type: 0x0800,
          ip_proto: 17,
          ipv4_src: inNet(),
          ipv4_dst: int(0, 2 ** 32 - 1),
          udp_src: int(1024, 65535),
          udp_dst: int(lo, hi),
        });
        break;
      }
      case 'v6': {
        const g = sliceNo.toString(16);
        const plen = pick([48, 64]);
        match = { eth_type: 0x86dd, ipv6_src: `2001:db8:${g}::/${plen}` };
        pkt = () => ({
          eth_type: 0x86dd,
          ip_proto: 6,
          ipv6_src: [0x20010db8, (sliceNo << 16) >>> 0, int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1)],
          ipv6_dst: [0x20010db8, 1, 2, 3],
          tcp_src: 1,
          tcp_dst: 80,
        });
        break;
      }
      case 'arp':
        match = { eth_type: 0x0806 };
        pkt = () => ({ eth_src: int(1, 2 ** 40), eth_dst: 2 ** 48 - 1, eth_type: 0x0806 });
        break;
      case 'mac': {
        const mac = int(1, 2 ** 40);
        match = { eth_src: formatMac(mac) };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1), { eth_src: mac });
        break;
      }
      case 'vlan': {
        const vid = int(1, 4094);
        match = { vlan_vid: vid };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1), { vlan_vid: vid, vlan_pcp: 0 });
        break;
      }
      default:
        match = {};
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1));
    }
    // Whole-port, ARP and VLAN rules sit on edge ports; the rest half on a port, half switch-wide.
    const onPort = kind === 'port' || kind === 'arp' || kind === 'vlan' ? r() < 0.95 : r() < 0.5;
    entries.push({
      id,
      slice: `tenant${sliceNo}`,
      rule: `r${id}`,
      dpid: dpidOf(int(1, SWITCHES)),
      inPort: onPort ? int(1, 48) : null,
      priority: pick([100, 100, 100, 200, 50, int(0, 65535)]),
      match,
      permissions: r() < 0.2 ? ['read'] : ['read', 'write'],
    });
    inside.push(pkt);
  }
  const packets: Made['packets'] = [];
  for (let i = 0; i < 20_000; i++) {
    if (r() < 0.7) {
      const k = int(0, n - 1);
      const e = entries[k];
      packets.push({ dpid: e.dpid, inPort: e.inPort ?? int(1, 48), headers: inside[k]() });
    } else {
      packets.push({ dpid: dpidOf(int(1, SWITCHES)), inPort: int(1, 48), headers: inside[int(0, n - 1)]() });
    }
  }
  const queries: Made['queries'] = [];
  for (let i = 0; i < 5_000; i++) {
    // A tenant flow-mod: mostly a narrow 5-tuple-ish rule, sometimes a wide one.
    const e = entries[int(0, n - 1)];
    const h = inside[e.id - 1]();
    const wide = r() < 0.2;
    const match: Match = wide
      ? { eth_type: 0x0800 }
      : h.eth_type === 0x0800 && typeof h.ipv4_dst === 'number'
        ? {
            eth_type: 0x0800,
            ip_proto: 6,
            ipv4_src: `${ip(h.ipv4_src as number)}/32`,
            ipv4_dst: `${ip(h.ipv4_dst)}/24`,
            tcp_dst: h.tcp_dst ?? 80,
          }
        : { eth_type: h.eth_type ?? 0x0806 };
    queries.push({ dpid: e.dpid, inPort: r() < 0.3 ? null : (e.inPort ?? int(1, 48)), match, slice: e.slice });
  }
  return { entries, packets, queries };
}
