// A managed-core plan for tests, built by hand in the shape the compiler produces (the topology of
// samples/core): edges e1 (dpid 1) and e2 (dpid 2), core c1 (0x11), c2 (0x12), c3 (0x13), links
// e1:2–c1:1, c1:2–c2:1, c2:2–c3:2, c1:3–c3:3, c3:1–e2:2. Each slice owns one host port on each
// edge and one virtual link e1<->e2 (virtual port 0xfe00 on both) with two admitted paths: c1–c3
// direct (preferred) and c1–c2–c3.
import type { FlowspaceEntry, Plan, PlanLink, PlanSlice, PlanCorePath } from '@dfvisor/grammar';
import { VIRTUAL_PORT_BASE } from '@dfvisor/grammar';

const dp = (n: number) => n.toString(16).padStart(16, '0');
const sw = { e1: 1, e2: 2, c1: 0x11, c2: 0x12, c3: 0x13 } as const;
type Sw = keyof typeof sw;
const end = (s: Sw, port: number) => ({ switch: s, dpid: dp(sw[s]), port });
const link = (a: Sw, pa: number, b: Sw, pb: number): PlanLink => ({
  id: `${a}:${pa}<->${b}:${pb}`,
  a: end(a, pa),
  b: end(b, pb),
  capacityBps: 1e9,
});

export const CORE_LINKS = {
  e1c1: link('e1', 2, 'c1', 1),
  c1c2: link('c1', 2, 'c2', 1),
  c2c3: link('c2', 2, 'c3', 2),
  c1c3: link('c1', 3, 'c3', 3),
  c3e2: link('c3', 1, 'e2', 2),
};

const hop = (s: Sw, inPort: number, outPort: number) => ({ dpid: dp(sw[s]), switch: s, inPort, outPort });

export const CORE_PATHS: PlanCorePath[] = [
  {
    links: [CORE_LINKS.e1c1.id, CORE_LINKS.c1c3.id, CORE_LINKS.c3e2.id],
    aPort: 2,
    bPort: 2,
    hops: [hop('c1', 1, 3), hop('c3', 3, 1)],
  },
  {
    links: [CORE_LINKS.e1c1.id, CORE_LINKS.c1c2.id, CORE_LINKS.c2c3.id, CORE_LINKS.c3e2.id],
    aPort: 2,
    bPort: 2,
    hops: [hop('c1', 1, 2), hop('c2', 1, 2), hop('c3', 2, 1)],
  },
];

export interface CoreSliceSpec {
  name: string;
  controllerPort: number;
  /** The slice's overlay tag and its virtual link's tag. */
  vlan: number;
  linkTag: number;
  /** The host port on e1 and on e2. */
  hostPort: number;
  overlay?: 'vlan' | 'mpls';
}

export function corePlan(slices: CoreSliceSpec[]): Plan {
  const flowspace: FlowspaceEntry[] = [];
  const planSlices: PlanSlice[] = [];
  let id = 1;
  for (const s of slices) {
    for (const e of ['e1', 'e2'] as const)
      flowspace.push({
        id: id++,
        slice: s.name,
        rule: 'hosts',
        dpid: dp(sw[e]),
        inPort: s.hostPort,
        priority: 100,
        match: {},
        permissions: ['read', 'write'],
      });
    const vport = VIRTUAL_PORT_BASE;
    planSlices.push({
      name: s.name,
      owner: null,
      controllers: [{ url: `tcp:127.0.0.1:${s.controllerPort}`, host: '127.0.0.1', port: s.controllerPort }],
      overlay: { type: s.overlay ?? 'vlan', tag: s.vlan, auto: false },
      view: (['e1', 'e2'] as const).map((e) => ({
        dpid: dp(sw[e]),
        switch: e,
        ports: [s.hostPort],
        linkPorts: [],
        virtualPorts: [{ number: vport, link: 'e1<->e2' }],
      })),
      virtualLinks: [{ id: 'e1<->e2', a: end('e1', vport), b: end('e2', vport), tag: s.linkTag, bps: 0, paths: CORE_PATHS }],
      qos: { capBps: null, guarantees: [], classes: [] },
      limits: { flowEntries: null, flowEntriesPerSwitch: {}, controlRate: null, packetInRate: null },
    });
  }
  flowspace.sort((a, b) => (a.dpid < b.dpid ? -1 : a.dpid > b.dpid ? 1 : b.priority - a.priority || a.id - b.id));
  flowspace.forEach((f, i) => {
    f.id = i + 1;
  });
  const ports = (n: number) => Array.from({ length: n }, (_, i) => ({ number: i + 1 }));
  return {
    format: 'dfvisor-plan',
    version: 1,
    network: {
      name: 'managed',
      switches: [
        { name: 'e1', dpid: dp(1), ports: ports(4) },
        { name: 'e2', dpid: dp(2), ports: ports(4) },
        { name: 'c1', dpid: dp(0x11), ports: ports(3) },
        { name: 'c2', dpid: dp(0x12), ports: ports(2) },
        { name: 'c3', dpid: dp(0x13), ports: ports(3) },
      ],
      links: Object.values(CORE_LINKS),
      core: [dp(0x11), dp(0x12), dp(0x13)],
    },
    slices: planSlices,
    flowspace,
    qos: { meters: [], queues: [], links: [] },
  };
}

/**
 * The same network without a managed core (for comparison): every slice's view holds the edges and
 * the switches of the preferred path (c1, c3) as transit switches, joined by link ports; its
 * controller programs each of them.
 */
export function transitPlan(slices: CoreSliceSpec[]): Plan {
  const plan = corePlan(slices);
  delete plan.network.core;
  for (const s of plan.slices) {
    delete s.virtualLinks;
    s.view = [
      { dpid: dp(sw.e1), switch: 'e1', ports: s.view[0]!.ports, linkPorts: [2] },
      { dpid: dp(sw.e2), switch: 'e2', ports: s.view[1]!.ports, linkPorts: [2] },
      { dpid: dp(sw.c1), switch: 'c1', ports: [], linkPorts: [1, 3] },
      { dpid: dp(sw.c3), switch: 'c3', ports: [], linkPorts: [1, 3] },
    ].sort((a, b) => (a.dpid < b.dpid ? -1 : 1));
  }
  return plan;
}
