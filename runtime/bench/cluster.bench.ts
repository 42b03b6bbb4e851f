// Cluster benchmark with real processes (3 Hazelcast members, 3 `dfvisor run --store hazelcast`
// nodes, Open vSwitch, ovs-testcontroller tenants), in one run:
//  - config propagation: a deploy on node n1 until every node's local tier has the new revision
//    (each node announces `revision-arrived` on its event stream when its local tier gets the
//    pushed pointer), timed from n1's `committing` event; p50/p99 over DEPLOYS deploys;
//  - local-tier read rate against a global-tier read (a Hazelcast client on the same cluster);
//  - failover: kill -9 of the master of s1 until tenant traffic (ping a1 → a3) flows again;
//  - statistics requests per second at the switches: this run's push collector (counted by the
//    nodes) against FlowVisor's pull model for the same tenants (each tenant polls each switch of
//    its slice every POLL_S seconds and the hypervisor forwards every poll).
// Run: node runtime/dist/bench/cluster.bench.js   (root; needs .ci/hazelcast/fetch.sh; writes bench/results/cluster.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { HazelcastStore, LocalTier, CURRENT_KEY } from '../src/store/index.js';
import { ClusterRig, lineSlices, DPIDS, ADMIN, type NodeHandle } from '../test/cluster/rig.js';

const DEPLOYS = Number(process.env.DEPLOYS ?? 50);
const POLL_S = [1, 30];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Listens to a node's server-sent events; calls `on` with each event's data. */
async function listen(n: NodeHandle, on: (type: string, data: any) => void): Promise<AbortController> {
  const ac = new AbortController();
  const res = await fetch(`${n.proc.url}/v1/events`, { headers: { authorization: `Bearer ${ADMIN}` }, signal: ac.signal });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) on(type, JSON.parse(data));
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return ac;
}

async function propagation(rig: ClusterRig): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  const arrivals = new Map<number, Map<string, number>>();
  const committing = new Map<number, number>();
  const streams = await Promise.all(rig.nodes.map((n) => listen(n, (type, d) => {
    const now = performance.now();
    if (type === 'revision-arrived') {
      if (!arrivals.has(d.revision)) arrivals.set(d.revision, new Map());
      arrivals.get(d.revision)!.set(d.node, now);
    } else if (type === 'deploy-progress' && d.stage === 'committing' && n.id === 'n1') committing.set(d.revision, now);
  })));
  const samples: number[] = [];
  try {
    const n1 = rig.node('n1');
    for (let i = 0; i < DEPLOYS; i++) {
      const text = lineSlices(rig.ctlPorts[0], rig.ctlPorts[1]).replace('overlay vlan 101', `overlay vlan ${200 + (i % 2)}`);
      const r = await rig.deploy(n1, text);
      if (r.status !== 200) throw new Error(`deploy ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      const rev = r.body.revision as number;
      const end = Date.now() + 5000;
      while ((arrivals.get(rev)?.size ?? 0) < rig.nodes.length && Date.now() < end) await new Promise((res) => setTimeout(res, 2));
      const at = arrivals.get(rev);
      const t0 = committing.get(rev);
      if (!at || at.size < rig.nodes.length || t0 === undefined) throw new Error(`revision ${rev} did not reach every node`);
      samples.push(Math.max(...at.values()) - t0);
    }
  } finally {
    for (const s of streams) s.abort();
  }
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: Math.max(...samples), samples: samples.length };
}

async function reads(rig: ClusterRig): Promise<{ localPerSec: number; globalPerSec: number }> {
  const opened = await HazelcastStore.open({ members: rig.hz!.addresses, clusterName: rig.hz!.clusterName });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const tierR = await LocalTier.open(store, ['revisions']);
  if (!tierR.ok) throw new Error(tierR.error.message);
  const tier = tierR.value;
  try {
    let sink = 0;
    const N = 1_000_000;
    let t0 = performance.now();
    for (let i = 0; i < N; i++) sink += tier.get('revisions', CURRENT_KEY)?.version ?? 0;
    const localPerSec = N / ((performance.now() - t0) / 1000);
    let n = 0;
    t0 = performance.now();
    while (performance.now() - t0 < 2000) {
      const r = await store.get('revisions', CURRENT_KEY);
      if (r.ok) sink += r.value?.version ?? 0;
      n++;
    }
    const globalPerSec = n / ((performance.now() - t0) / 1000);
    if (sink < 0) console.log(sink);
    return { localPerSec, globalPerSec };
  } finally {
    await tier.close();
    await store.close();
  }
}

async function failover(rig: ClusterRig): Promise<{ newMasterMs: number; trafficMs: number; victim: string }> {
  await rig.pingUntil('a1', '10.0.0.2', 30_000);
  const masters = await rig.settledMasters();
  const victim = masters[DPIDS[0]];
  const t0 = performance.now();
  await rig.kill9(victim);
  let newMasterMs = NaN;
  const watch = (async () => {
    await rig.settledMasters(20_000);
    newMasterMs = performance.now() - t0;
  })();
  for (;;) {
    const r = await rig.ovs.ping(rig.hosts.a1, '10.0.0.2', 1, ['-W', '0.3']);
    if (r.code === 0) break;
    if (performance.now() - t0 > 30_000) throw new Error('traffic did not come back in 30 s');
  }
  const trafficMs = performance.now() - t0;
  await watch.catch(() => undefined);
  return { newMasterMs, trafficMs, victim };
}

async function statsMessages(rig: ClusterRig, windowMs: number): Promise<{ pushPerSec: number; pullPerSec: Record<string, number>; tenantSwitchPairs: number } | null> {
  const read = async () => {
    let total = 0;
    for (const n of rig.alive()) {
      const m = await rig.api(n, 'GET', '/metrics');
      const line = String(m.body).split('\n').find((l) => l.startsWith('dfvisor_stats_requests_to_switches '));
      if (line === undefined) return null;
      total += Number(line.split(' ')[1]);
    }
    return total;
  };
  const a = await read();
  if (a === null) return null;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const b = (await read())!;
  const pushPerSec = (b - a) / ((performance.now() - t0) / 1000);
  // FlowVisor's model: every tenant connection (slice × switch of its view) polls flow and port stats.
  const st = await rig.api(rig.alive()[0], 'GET', '/v1/slices');
  const pairs = (st.body.slices as Array<{ switches?: unknown[] }>).reduce((n, s) => n + (Array.isArray(s.switches) ? s.switches.length : DPIDS.length), 0);
  const pullPerSec = Object.fromEntries(POLL_S.map((p) => [`poll every ${p} s`, (pairs * 2) / p]));
  return { pushPerSec, pullPerSec, tenantSwitchPairs: pairs };
}

async function main(): Promise<void> {
  const rig = await ClusterRig.start({ args: ['--log-level', 'warn'] });
  const out: Record<string, unknown> = { benchmark: 'cluster', date: new Date().toISOString(), node: process.version, nodes: 3, hazelcastMembers: 3 };
  try {
    const first = await rig.deploy(rig.node('n1'), lineSlices(rig.ctlPorts[0], rig.ctlPorts[1]));
    if (first.status !== 200) throw new Error(JSON.stringify(first.body));
    out.propagation = await propagation(rig);
    out.reads = await reads(rig);
    out.stats = await statsMessages(rig, 10_000).catch((e) => ({ error: String(e) }));
    out.failover = await failover(rig).catch((e) => ({ error: String(e) }));
  } finally {
    await rig.teardown();
  }
  const p = out.propagation as { p50: number; p99: number; max: number; samples: number };
  const r = out.reads as { localPerSec: number; globalPerSec: number };
  const f = out.failover as { newMasterMs?: number; trafficMs?: number; error?: string };
  const s = out.stats as { pushPerSec: number; pullPerSec: Record<string, number> } | null | { error: string };
  const rows: Array<[string, string, string]> = [
    ['config propagation p50 (3 nodes)', `${p.p50.toFixed(1)} ms`, ''],
    ['config propagation p99 (3 nodes)', `${p.p99.toFixed(1)} ms`, p.p99 < 100 ? 'target < 100 ms: met' : 'target < 100 ms: MISSED'],
    ['local-tier reads', `${Math.round(r.localPerSec).toLocaleString('en')} /s`, ''],
    ['global-tier reads (Hazelcast, one at a time)', `${Math.round(r.globalPerSec).toLocaleString('en')} /s`, `${(r.localPerSec / r.globalPerSec).toFixed(0)}× slower`],
    ['failover: kill -9 → new master', f.error ? f.error : `${f.newMasterMs?.toFixed(0)} ms`, ''],
    ['failover: kill -9 → ping flows', f.error ? f.error : `${f.trafficMs?.toFixed(0)} ms`, f.trafficMs !== undefined && f.trafficMs < 3000 ? 'target < 3 s: met' : 'target < 3 s: MISSED'],
  ];
  if (s && 'pushPerSec' in s) {
    rows.push(['stats requests at switches, push', `${s.pushPerSec.toFixed(2)} /s`, '']);
    for (const [k, v] of Object.entries(s.pullPerSec)) rows.push([`stats requests at switches, FlowVisor pull (${k})`, `${v.toFixed(2)} /s`, '']);
  } else rows.push(['stats requests at switches', 'not measured', s && 'error' in s ? s.error : 'the nodes export no dfvisor_stats_requests_to_switches']);
  const w = Math.max(...rows.map((x) => x[0].length));
  console.log(rows.map(([a, b, c]) => `${a.padEnd(w)}  ${b.padStart(14)}  ${c}`).join('\n'));
  const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/cluster.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
