// What leases and statistics cost the global tier: on a running ClusterRig (3 nodes), `switches`
// emulated OpenFlow 1.3 switches (the load benchmark's FakeSwitch), each connected to every node
// (one connection per node, as Open vSwitch with every node as a controller target), so the
// leases spread the masters over the nodes. Two slices span every switch; each emulated switch
// reports one tenant rule of each slice in its flow statistics, with counters growing every round,
// so the masters' statistics change and are pushed every interval, and sends its master a
// flow-removed of one of them every `flowRemovedEveryMs` (the durable removed counters). After a warm-up, the nodes'
// dfvisor_store_ops_total counters (store/counting-store.ts: every call a node makes on the
// global tier, by operation and map) are read twice, `windowS` seconds apart: calls per second,
// summed over the nodes. The Open vSwitch bridges of the rig are disconnected first (this network
// does not declare them).
import { performance } from 'node:perf_hooks';
import type { ClusterRig } from '../../test/cluster/rig.js';
import { FakeSwitch } from '../load/fake-switch.js';
import { freePort, sleep, waitFor } from '../../src/lab/proc.js';
import { sliceCookie } from '../../src/dataplane/cookies.js';

const FIRST_DPID = 1001;

function network(switches: number, ctlA: number, ctlB: number): string {
  const sw = Array.from({ length: switches }, (_, i) => `  switch e${i + 1} dpid ${FIRST_DPID + i} { port 1..4 speed 1Gbps }`);
  const on = (port: number) => Array.from({ length: switches }, (_, i) => `e${i + 1}:${port}`).join(', ');
  const slice = (name: string, ctl: number, vlan: number, port: number) => `slice ${name} {
  controller "tcp:127.0.0.1:${ctl}"
  overlay vlan ${vlan}
  flowspace { edge: match on ${on(port)} }
}
`;
  return `network emulated {\n${sw.join('\n')}\n}\n${slice('alpha', ctlA, 401, 1)}${slice('beta', ctlB, 402, 2)}`;
}

/** op/map/area → count, summed over the live nodes' /metrics. */
async function storeOps(rig: ClusterRig): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const n of rig.alive()) {
    const text = String((await rig.api(n, 'GET', '/metrics')).body);
    for (const m of text.matchAll(/^dfvisor_store_ops_total\{([^}]*)\} (\S+)$/gm)) {
      const l = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      const key = `${l.op} ${l.map}${l.area ? `/${l.area}` : ''}`;
      out.set(key, (out.get(key) ?? 0) + Number(m[2]));
    }
  }
  return out;
}

/** What the issue asks for, by kind: which counted calls belong to it. */
const KINDS: Array<[string, (key: string) => boolean]> = [
  ['lease renew', (k) => k === 'renew_lease leases'],
  ['lease take (acquire)', (k) => k === 'acquire_lease leases'],
  ['lease reads and releases', (k) => k === 'get leases' || k === 'release_lease leases'],
  ['ownership', (k) => k.endsWith(' ownership')],
  ['statistics (stats pushes)', (k) => k.endsWith(' stats')],
  ['slice totals (meta/flow-entries)', (k) => k.endsWith(' meta/flow-entries')],
  ['removed counters', (k) => k.endsWith(' removed')],
  ['apply reports', (k) => k.endsWith(' applied')],
  ['membership heartbeats', (k) => k.endsWith(' nodes')],
];

export interface StoreOpsResult {
  nodes: number;
  switches: number;
  windowS: number;
  statsIntervalMs: number;
  /** Flow-removed messages per second over all switches (each master's switch sends one every flowRemovedEveryMs). */
  flowRemovedPerSec: number;
  masters: Record<string, number>;
  /** Calls per second by kind (summed over the nodes). */
  byKind: Record<string, number>;
  /** Calls per second by operation and map. */
  byCall: Record<string, number>;
  total: number;
}

export async function storeOpsCost(
  rig: ClusterRig,
  switches: number,
  windowS: number,
  flowRemovedEveryMs: number,
  log: (s: string) => void,
): Promise<StoreOpsResult> {
  for (let k = 1; k <= rig.dpids.length; k++) rig.ovs.vsctl('del-controller', `s${k}`);
  const r = await rig.deploy(rig.node('n1'), network(switches, await freePort(), await freePort()));
  if (r.status !== 200) throw new Error(`deploy of ${switches} emulated switches: ${r.status} ${JSON.stringify(r.body)}`);
  // Slices alpha and beta have ids 0 and 1 (one of each way round): a tenant rule of each.
  const flowCookies = [sliceCookie(0, 1), sliceCookie(1, 1)];
  const fakes: FakeSwitch[] = [];
  try {
    // Switch i connects to node i mod n first, then to the others: the first handshake tends to
    // win the lease, so the masters spread over the nodes.
    const nodes = rig.alive();
    for (let i = 0; i < switches; i++)
      for (let k = 0; k < nodes.length; k++) {
        const n = nodes[(i + k) % nodes.length];
        fakes.push(
          new FakeSwitch({ id: FIRST_DPID + i, version: 4, buffered: false, macs: 1, flowCookies, flowRemovedEveryMs }, n.host, n.ofPort),
        );
        if (k === 0) await sleep(20);
      }
    const masters = await waitFor(
      `all ${switches} emulated switches connected to every node and mastered`,
      async () => {
        const views = await Promise.all(rig.alive().map((n) => rig.api(n, 'GET', '/v1/status')));
        const per: Record<string, number> = {};
        let mastered = 0;
        for (const v of views) {
          const sw = v.body.switches as Array<{ dpid: string; connected: boolean; master: string | null }>;
          if (sw.filter((s) => s.connected).length < switches) return null;
        }
        for (const s of views[0].body.switches as Array<{ dpid: string; master: string | null }>) {
          if (!s.master) continue;
          mastered++;
          per[s.master] = (per[s.master] ?? 0) + 1;
        }
        return mastered >= switches ? per : null;
      },
      60_000,
      500,
    );
    log(`${switches} emulated switches mastered: ${JSON.stringify(masters)}; warming up`);
    await sleep(5000);
    const a = await storeOps(rig);
    const t0 = performance.now();
    await sleep(windowS * 1000);
    const b = await storeOps(rig);
    const secs = (performance.now() - t0) / 1000;
    const byCall: Record<string, number> = {};
    for (const [k, v] of b) {
      const rate = (v - (a.get(k) ?? 0)) / secs;
      if (rate > 0) byCall[k] = rate;
    }
    const byKind: Record<string, number> = {};
    for (const [kind, f] of KINDS) byKind[kind] = Object.entries(byCall).reduce((s, [k, v]) => s + (f(k) ? v : 0), 0);
    const total = Object.values(byCall).reduce((s, v) => s + v, 0);
    return {
      nodes: rig.alive().length,
      switches,
      windowS: secs,
      statsIntervalMs: 2000,
      flowRemovedPerSec: (switches * 1000) / flowRemovedEveryMs,
      masters,
      byKind,
      byCall,
      total,
    };
  } finally {
    for (const f of fakes) f.close();
  }
}
