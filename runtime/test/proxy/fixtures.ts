// Hand-built plans for the proxy tests (plain data in the shape of grammar/src/plan/types.ts).
import type { FlowspaceEntry, Match, Plan, PlanSlice } from '@dfvisor/grammar';
import { FC, OFPP, type FlowMod } from '../../src/proxy/messages.js';

export const dp = (n: number) => n.toString(16).padStart(16, '0');

export interface SliceSpec {
  name: string;
  controllerPort: number;
  controllerPorts?: number[];
  vlan: number;
  /** [switch number, edge port or null for the bare switch, match] */
  flowspace: Array<[number, number | null, Match, ('read' | 'write')[]?]>;
  capKbps?: number;
  flowEntries?: number;
  controlRate?: number;
  packetInRate?: number;
  classes?: PlanSlice['qos']['classes'];
  /** Overlay type (default vlan; the tag is `vlan`). */
  overlay?: 'vlan' | 'mpls';
}

/** A line s1 — s2 — s3: s1:3 <-> s2:1, s2:2 <-> s3:3; edge ports 1, 2 (and 4) on s1 and s3. */
export function linePlan(slices: SliceSpec[]): Plan {
  const links = [
    { id: 's1:3<->s2:1', a: { switch: 's1', dpid: dp(1), port: 3 }, b: { switch: 's2', dpid: dp(2), port: 1 }, capacityBps: 1e9 },
    { id: 's2:2<->s3:3', a: { switch: 's2', dpid: dp(2), port: 2 }, b: { switch: 's3', dpid: dp(3), port: 3 }, capacityBps: 1e9 },
  ];
  const linkPortsOf: Record<number, number[]> = { 1: [3], 2: [1, 2], 3: [3] };
  const flowspace: FlowspaceEntry[] = [];
  const planSlices: PlanSlice[] = [];
  const meters: Plan['qos']['meters'] = [];
  let id = 1;
  for (const s of slices) {
    const sws = [...new Set(s.flowspace.map(([sw]) => sw))].sort();
    const view = sws.map((sw) => {
      const entries = s.flowspace.filter(([x]) => x === sw);
      const bare = entries.some(([, p]) => p === null);
      return {
        dpid: dp(sw),
        switch: `s${sw}`,
        ports: bare ? ('*' as const) : entries.map(([, p]) => p as number),
        linkPorts: linkPortsOf[sw].filter((lp) => {
          // link ports of declared links between two switches of the view
          const l = links.find((k) => (k.a.dpid === dp(sw) && k.a.port === lp) || (k.b.dpid === dp(sw) && k.b.port === lp))!;
          const other = l.a.dpid === dp(sw) ? l.b.dpid : l.a.dpid;
          return sws.some((o) => dp(o) === other);
        }),
      };
    });
    for (const [sw, port, match, perms] of s.flowspace) {
      flowspace.push({
        id: id++,
        slice: s.name,
        rule: `r${id}`,
        dpid: dp(sw),
        inPort: port,
        priority: 100,
        match,
        permissions: perms ?? ['read', 'write'],
      });
    }
    if (s.capKbps)
      for (const sw of sws)
        meters.push({
          dpid: dp(sw),
          meterId: planSlices.length + 1,
          slice: s.name,
          rateKbps: s.capKbps,
          burstKb: Math.max(10, Math.round(s.capKbps / 20)),
        });
    planSlices.push({
      name: s.name,
      owner: null,
      controllers: (s.controllerPorts ?? [s.controllerPort]).map((p) => ({ url: `tcp:127.0.0.1:${p}`, host: '127.0.0.1', port: p })),
      overlay: { type: s.overlay ?? 'vlan', tag: s.vlan, auto: false },
      view,
      qos: { capBps: s.capKbps ? s.capKbps * 1000 : null, guarantees: [], classes: s.classes ?? [] },
      limits: {
        flowEntries: s.flowEntries ?? null,
        flowEntriesPerSwitch: {},
        controlRate: s.controlRate ?? null,
        packetInRate: s.packetInRate ?? null,
      },
    });
  }
  return {
    format: 'dfvisor-plan',
    version: 1,
    network: {
      name: 'line',
      switches: [1, 2, 3].map((n) => ({ name: `s${n}`, dpid: dp(n), ports: [1, 2, 3, 4].map((p) => ({ number: p })) })),
      links,
    },
    slices: planSlices,
    flowspace,
    qos: { meters, queues: [], links: [] },
  };
}

/** The MPLS slice 'mp' (label 1001) of the line: s1:1, s3:1, all of s2, and `more`. */
export function mplsSlice(controllerPort: number, more: SliceSpec['flowspace'] = []): SliceSpec {
  return {
    name: 'mp',
    controllerPort,
    vlan: 1001,
    overlay: 'mpls',
    flowspace: [[1, 1, {}], [3, 1, {}], [2, null, {}], ...more],
  };
}

/** A tenant flow-mod (ADD, priority 10, no buffer, any out port) with `over` applied. */
export function baseFlowMod(over: Partial<FlowMod>): FlowMod {
  return {
    cookie: 0x42n,
    cookieMask: 0n,
    tableId: 0,
    command: FC.ADD,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 10,
    bufferId: 0xffffffff,
    outPort: OFPP.ANY,
    outGroup: 0xffffffff,
    flags: 0,
    match: {},
    instructions: [],
    ...over,
  };
}

/** An Ethernet + IPv4 + UDP frame (checksums zero), optionally behind an 802.1Q tag or an MPLS label. */
export function ipv4Frame(
  src: string,
  dst: string,
  opts: { vlan?: number; mpls?: number; srcMac?: string; dstMac?: string; payload?: Buffer } = {},
): Buffer {
  const mac = (m: string) => Buffer.from(m.replace(/:/g, ''), 'hex');
  const payload = opts.payload ?? Buffer.alloc(0);
  const ip = Buffer.alloc(28 + payload.length);
  payload.copy(ip, 28);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt16BE(28 + payload.length, 2);
  ip.writeUInt8(64, 8);
  ip.writeUInt8(17, 9);
  for (const [i, o] of src.split('.').entries()) ip.writeUInt8(Number(o), 12 + i);
  for (const [i, o] of dst.split('.').entries()) ip.writeUInt8(Number(o), 16 + i);
  ip.writeUInt16BE(5000, 20);
  ip.writeUInt16BE(6000, 22);
  ip.writeUInt16BE(8 + payload.length, 24);
  const tag: Buffer[] = [];
  if (opts.vlan !== undefined) tag.push(Buffer.from([0x81, 0x00, (opts.vlan >> 8) & 0x0f, opts.vlan & 0xff]));
  const type = Buffer.alloc(2);
  if (opts.mpls !== undefined) {
    type.writeUInt16BE(0x8847);
    const label = Buffer.alloc(4);
    label.writeUInt32BE(((opts.mpls << 12) | 0x100 | 64) >>> 0);
    tag.push(type, label);
    return Buffer.concat([mac(opts.dstMac ?? 'ff:ff:ff:ff:ff:ff'), mac(opts.srcMac ?? '02:00:00:00:00:01'), ...tag, ip]);
  }
  type.writeUInt16BE(0x0800);
  return Buffer.concat([mac(opts.dstMac ?? 'ff:ff:ff:ff:ff:ff'), mac(opts.srcMac ?? '02:00:00:00:00:01'), ...tag, type, ip]);
}
