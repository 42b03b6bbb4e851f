// Cluster benchmark with real processes (3 Hazelcast members, 3 `dfvisor run --store hazelcast`
// nodes, Open vSwitch, ovs-testcontroller tenants), in one run:
//  - config propagation: a deploy on node n1 until every node's local tier has the new revision
//    (each node announces `revision-arrived` on its event stream when its local tier gets the
//    pushed pointer), timed from n1's `committing` event; p50/p99 over DEPLOYS deploys;
//  - local-tier read rate against a global-tier read (a Hazelcast client on the same cluster);
//  - failover: kill -9 of the master of s1 until tenant traffic (ping a1 → a3) flows again;
//  - statistics requests per second at the switches, both counted in one run: this run's push
//    collector (dfvisor_stats_requests_to_switches_total, summed over the nodes) against
//    FlowVisor's pull model, where every tenant poll is forwarded to the switch: a polling tenant
//    (slice `poller` on s1:4 and s3:4) sends flow and port stats requests every second on each of
//    its switch connections; the nodes answer them from the collected snapshot and count them
//    (dfvisor_tenant_stats_polls_total), and each of them is one request FlowVisor would forward.
//    The table also shows the pull rate if every tenant connection polled every POLL_S seconds.
// Run: node runtime/dist/bench/cluster.bench.js   (root; needs .ci/hazelcast/fetch.sh; writes bench/results/cluster.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { HazelcastStore, LocalTier, CURRENT_KEY } from '../src/store/index.js';
import { ClusterRig, lineSlices, DPIDS, ADMIN, type NodeHandle } from '../test/cluster/rig.js';
import { ScriptedController, type ScriptedSwitchConn } from '../test/harness/scripted-controller.js';
import { freePort } from '../src/lab/proc.js';
import { OFPP } from '../src/proxy/messages.js';

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
  const streams = await Promise.all(
    rig.nodes.map((n) =>
      listen(n, (type, d) => {
        const now = performance.now();
        if (type === 'revision-arrived') {
          if (!arrivals.has(d.revision)) arrivals.set(d.revision, new Map());
          arrivals.get(d.revision)!.set(d.node, now);
        } else if (type === 'deploy-progress' && d.stage === 'committing' && n.id === 'n1') committing.set(d.revision, now);
      }),
    ),
  );
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

/**
 * Failover, kill -9 of the master of s1: until a new master is agreed on, until ping a1 → a3
 * flows again (the tenant rules the dead master installed stay on the switches, so this is
 * mostly the data path not noticing), and until a new flow can be set up through the tenant's
 * controller again (alpha's tenant rules on s1 are deleted right after the kill, so the next
 * ping needs a packet-in through the new master and the tenant's reconnected controller).
 */
async function failover(rig: ClusterRig): Promise<{ newMasterMs: number; trafficMs: number; flowSetupMs: number; victim: string }> {
  await rig.pingUntil('a1', '10.0.0.2', 30_000);
  const masters = await rig.settledMasters();
  const victim = masters[DPIDS[0]];
  const t0 = performance.now();
  await rig.kill9(victim);
  // alpha is the first slice of every plan here: its tenant cookies start with 0x0001.
  const dropTenantRules = () => rig.ovs.ofctl('-O', 'OpenFlow13', 'del-flows', 's1', 'cookie=0x0001000000000000/0xffff000000000000');
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
  dropTenantRules();
  for (;;) {
    const r = await rig.ovs.ping(rig.hosts.a1, '10.0.0.2', 1, ['-W', '0.3']);
    if (r.code === 0) break;
    if (performance.now() - t0 > 30_000) throw new Error('no flow setup through the new master in 30 s');
  }
  const flowSetupMs = performance.now() - t0;
  await watch.catch(() => undefined);
  return { newMasterMs, trafficMs, flowSetupMs, victim };
}

const pollerSlice = (port: number) => `slice poller {
  controller "tcp:127.0.0.1:${port}"
  overlay vlan 130
  flowspace { edge: match on s1:4, s3:4 }
}
`;

/** Sums a metric line over the live nodes' /metrics (null when a node does not export it). */
async function metricSum(rig: ClusterRig, line: RegExp): Promise<number | null> {
  let total = 0;
  for (const n of rig.alive()) {
    const m = await rig.api(n, 'GET', '/metrics');
    const hit = line.exec(String(m.body));
    if (!hit) return null;
    total += Number(hit[1]);
  }
  return total;
}

interface StatsResult {
  windowS: number;
  pushRequestsPerSec: number;
  tenantPollsPerSec: number;
  tenantPollsAnsweredFromCache: number;
  tenantPollsForwarded: number;
  /** FlowVisor forwards every tenant poll: one request at a switch per poll. */
  pullRequestsPerSec: number;
  pullIfEveryConnectionPolls: Record<string, number>;
  tenantSwitchPairs: number;
}

async function statsMessages(rig: ClusterRig, poller: ScriptedController, windowMs: number): Promise<StatsResult> {
  const conns: ScriptedSwitchConn[] = [await poller.connection(1n, 20_000), await poller.connection(3n, 20_000)];
  const read = async () => ({
    push: await metricSum(rig, /^dfvisor_stats_requests_to_switches_total (\S+)$/m),
    cache: await metricSum(rig, /^dfvisor_tenant_stats_polls_total\{answered="cache"\} (\S+)$/m),
    forwarded: await metricSum(rig, /^dfvisor_tenant_stats_polls_total\{answered="switch"\} (\S+)$/m),
  });
  // Warm up: one collection round so that the polls find a snapshot.
  await new Promise((r) => setTimeout(r, 2500));
  const a = await read();
  if (a.push === null || a.cache === null || a.forwarded === null)
    throw new Error('the nodes export no dfvisor_stats_requests_to_switches_total / dfvisor_tenant_stats_polls_total');
  const t0 = performance.now();
  let polls = 0;
  let answered = 0;
  while (performance.now() - t0 < windowMs) {
    const tick = performance.now();
    for (const c of conns) {
      for (const m of [
        {
          type: 'multipart_request' as const,
          mpType: 'flow',
          flags: 0,
          flow: { tableId: 0xff, outPort: OFPP.ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} },
        },
        { type: 'multipart_request' as const, mpType: 'port_stats', flags: 0, portNo: OFPP.ANY },
      ]) {
        const xid = poller.send(c, m);
        polls++;
        if ((await poller.reply(c, xid).catch(() => null))?.type === 'multipart_reply') answered++;
      }
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - tick))));
  }
  const secs = (performance.now() - t0) / 1000;
  const b = await read();
  if (answered !== polls) throw new Error(`${polls - answered} of ${polls} tenant polls were not answered`);
  const st = await rig.api(rig.alive()[0], 'GET', '/v1/slices');
  const pairs = (st.body.slices as Array<{ switches?: unknown[] }>).reduce(
    (n, x) => n + (Array.isArray(x.switches) ? x.switches.length : DPIDS.length),
    0,
  );
  const cache = b.cache! - a.cache;
  const forwarded = b.forwarded! - a.forwarded;
  return {
    windowS: secs,
    pushRequestsPerSec: (b.push! - a.push) / secs,
    tenantPollsPerSec: polls / secs,
    tenantPollsAnsweredFromCache: cache,
    tenantPollsForwarded: forwarded,
    pullRequestsPerSec: (cache + forwarded) / secs,
    pullIfEveryConnectionPolls: Object.fromEntries(POLL_S.map((p) => [`poll every ${p} s`, (pairs * 2) / p])),
    tenantSwitchPairs: pairs,
  };
}

async function main(): Promise<void> {
  const rig = await ClusterRig.start({ args: ['--log-level', 'warn'] });
  const poller = new ScriptedController(await freePort());
  const out: Record<string, unknown> = {
    benchmark: 'cluster',
    date: new Date().toISOString(),
    node: process.version,
    nodes: 3,
    hazelcastMembers: 3,
  };
  try {
    await poller.start();
    const first = await rig.deploy(rig.node('n1'), lineSlices(rig.ctlPorts[0], rig.ctlPorts[1], pollerSlice(poller.port)));
    if (first.status !== 200) throw new Error(JSON.stringify(first.body));
    out.stats = await statsMessages(rig, poller, 10_000).catch((e) => ({ error: String(e) }));
    out.propagation = await propagation(rig);
    out.reads = await reads(rig);
    out.failover = await failover(rig).catch((e) => ({ error: String(e) }));
  } finally {
    await poller.stop().catch(() => undefined);
    await rig.teardown();
  }
  const p = out.propagation as { p50: number; p99: number; max: number; samples: number };
  const r = out.reads as { localPerSec: number; globalPerSec: number };
  const f = out.failover as { newMasterMs?: number; trafficMs?: number; flowSetupMs?: number; error?: string };
  const s = out.stats as StatsResult | { error: string };
  const rows: Array<[string, string, string]> = [
    ['config propagation p50 (3 nodes)', `${p.p50.toFixed(1)} ms`, ''],
    ['config propagation p99 (3 nodes)', `${p.p99.toFixed(1)} ms`, p.p99 < 100 ? 'target < 100 ms: met' : 'target < 100 ms: MISSED'],
    ['local-tier reads', `${Math.round(r.localPerSec).toLocaleString('en')} /s`, ''],
    [
      'global-tier reads (Hazelcast, one at a time)',
      `${Math.round(r.globalPerSec).toLocaleString('en')} /s`,
      `${(r.localPerSec / r.globalPerSec).toFixed(0)}× slower`,
    ],
    ['failover: kill -9 → new master', f.error ? f.error : `${f.newMasterMs?.toFixed(0)} ms`, ''],
    [
      'failover: kill -9 → ping flows',
      f.error ? f.error : `${f.trafficMs?.toFixed(0)} ms`,
      f.trafficMs !== undefined && f.trafficMs < 3000 ? 'target < 3 s: met (rules stay on the switches)' : 'target < 3 s: MISSED',
    ],
    [
      'failover: kill -9 → new flow set up via new master',
      f.error ? f.error : `${f.flowSetupMs?.toFixed(0)} ms`,
      f.flowSetupMs !== undefined && f.flowSetupMs < 3000 ? 'target < 3 s: met' : 'target < 3 s: MISSED',
    ],
  ];
  if ('pushRequestsPerSec' in s) {
    rows.push([
      'stats requests at switches, push (3 switches, every 2 s)',
      `${s.pushRequestsPerSec.toFixed(2)} /s`,
      `counted by the nodes over ${s.windowS.toFixed(1)} s`,
    ]);
    rows.push([
      'tenant stats polls (1 tenant, 2 switches, 1 s)',
      `${s.tenantPollsPerSec.toFixed(2)} /s`,
      `${s.tenantPollsAnsweredFromCache} from cache, ${s.tenantPollsForwarded} sent on`,
    ]);
    rows.push(['stats requests at switches, FlowVisor pull (same polls)', `${s.pullRequestsPerSec.toFixed(2)} /s`, 'every poll forwarded']);
    for (const [k, v] of Object.entries(s.pullIfEveryConnectionPolls))
      rows.push([`FlowVisor pull, all ${s.tenantSwitchPairs} tenant connections (${k})`, `${v.toFixed(2)} /s`, 'flow + port stats']);
  } else rows.push(['stats requests at switches', 'not measured', s.error]);
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
