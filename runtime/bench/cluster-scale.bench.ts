// The cluster's fault and scale figures in one run (issue 14), with real processes: Hazelcast
// members, `dfvisor run --store hazelcast` nodes, Open vSwitch bridges and emulated switches.
//  - deploy-to-all-switches latency with 1, 3 and 5 nodes (1 Hazelcast member for 1 node, 3 for
//    3 and 5), BRIDGES Open vSwitch bridges in a line with every node as a controller target:
//    DEPLOYS deploys each, to the 200 that says every bridge applied and to every bridge's table
//    holding the new base rules (cluster/deploy-latency.ts);
//  - failover at 3 nodes: KILLS times kill -9 of the master of s1 until a new master, and until it
//    programs the switch (cluster/failover.ts);
//  - the global tier's calls per second that leases and statistics cost at 3 nodes × SWITCHES
//    emulated switches (each sending its master a flow-removed every REMOVED_EVERY_MS), over
//    WINDOW_S seconds (cluster/store-ops.ts).
// Prints one table, writes bench/results/cluster-scale.json.
// Run: node runtime/dist/bench/cluster-scale.bench.js (root; needs .ci/hazelcast/fetch.sh), or
// `npm run bench cluster-scale` (`npm run bench cluster` also runs cluster.bench).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterRig } from '../test/cluster/rig.js';
import { deployLatency, extendLine, type DeployLatencyResult } from './cluster/deploy-latency.js';
import { failover, type FailoverResult } from './cluster/failover.js';
import { storeOpsCost, type StoreOpsResult } from './cluster/store-ops.js';
import type { Summary } from './cluster/quantiles.js';

const DEPLOYS = Number(process.env.DEPLOYS ?? 20);
const KILLS = Number(process.env.KILLS ?? 20);
const SWITCHES = Number(process.env.SWITCHES ?? 100);
const WINDOW_S = Number(process.env.WINDOW_S ?? 30);
const BRIDGES = Number(process.env.BRIDGES ?? 6);
const REMOVED_EVERY_MS = Number(process.env.REMOVED_EVERY_MS ?? 1000);
const NODE_COUNTS = (process.env.NODE_COUNTS ?? '1,3,5').split(',').map(Number);

const log = (s: string) => console.log(s);
const resultFile = (name: string) => {
  const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results', name);
  mkdirSync(dirname(file), { recursive: true });
  return file;
};
const out: {
  benchmark: string;
  date: string;
  node: string;
  deploy: Array<DeployLatencyResult & { hazelcastMembers: number }>;
  failover?: FailoverResult & { nodes: number; hazelcastMembers: number };
  storeOps?: StoreOpsResult & { hazelcastMembers: number };
  errors: string[];
} = { benchmark: 'cluster-scale', date: new Date().toISOString(), node: process.version, deploy: [], errors: [] };

for (const nodes of NODE_COUNTS) {
  const members = nodes === 1 ? 1 : 3;
  log(`\n--- ${nodes} node(s), ${members} Hazelcast member(s), ${BRIDGES} Open vSwitch bridges`);
  const rig = await ClusterRig.start({ nodes, members, noTraffic: true, bridges: BRIDGES });
  try {
    extendLine(rig);
    const d = await deployLatency(rig, DEPLOYS, log);
    out.deploy.push({ ...d, hazelcastMembers: members });
    // A deploy with a switch not reported: the nodes' logs go next to the results, for the reason.
    if (d.incomplete.length)
      writeFileSync(resultFile(`cluster-scale-${nodes}-nodes.log`), rig.nodes.map((n) => `---- ${n.id}\n${n.proc.logs()}`).join('\n'));
    if (nodes === 3) {
      out.failover = { ...(await failover(rig, KILLS, log)), nodes, hazelcastMembers: members };
      out.storeOps = { ...(await storeOpsCost(rig, SWITCHES, WINDOW_S, REMOVED_EVERY_MS, log)), hazelcastMembers: members };
    }
  } catch (e) {
    out.errors.push(`${nodes} node(s): ${(e as Error).stack ?? String(e)}`);
    console.error(e);
    console.error(rig.logs());
  } finally {
    await rig.teardown();
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const rows: Array<[string, string, string, string]> = [];
const dist = (s: Summary) => [ms(s.p50), ms(s.p99), `max ${ms(s.max)}, n ${s.n}`] as const;
for (const d of out.deploy) {
  const spread = `masters ${Object.values(d.masters).join('/')}`;
  rows.push([`deploy → 200, all ${d.bridges} switches applied (${d.nodes} node(s), ${d.hazelcastMembers} member(s))`, ...dist(d.response)]);
  if (d.incomplete.length)
    rows.push([
      `deploys answered with a switch not reported (${d.nodes} node(s))`,
      `${d.incomplete.length} of ${d.deploys}`,
      '',
      d.incomplete.map((x) => `#${x.deploy} after ${x.ms.toFixed(0)} ms: ${x.notApplied.length} switch(es)`).join('; '),
    ]);
  rows.push([`deploy → every table holds the new base rules (${d.nodes} node(s); ${spread})`, ...dist(d.table)]);
}
if (out.failover) {
  rows.push([`failover: kill -9 → new master (${out.failover.nodes} nodes)`, ...dist(out.failover.newMaster)]);
  rows.push([`failover: kill -9 → new master programs (${out.failover.nodes} nodes)`, ...dist(out.failover.programming)]);
}
if (out.storeOps) {
  const s = out.storeOps;
  const head = `global tier, ${s.nodes} nodes × ${s.switches} switches, ${s.flowRemovedPerSec} flow-removed/s`;
  for (const [kind, rate] of Object.entries(s.byKind)) rows.push([`${head}: ${kind}`, `${rate.toFixed(1)} /s`, '', '']);
  rows.push([
    `${head}: all calls`,
    `${s.total.toFixed(1)} /s`,
    '',
    `over ${s.windowS.toFixed(1)} s; masters ${Object.values(s.masters).join('/')}`,
  ]);
}
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\n${'measure'.padEnd(w)}  ${'p50 / rate'.padStart(12)}  ${'p99'.padStart(10)}  notes`);
for (const [a, b, c, d] of rows) console.log(`${a.padEnd(w)}  ${b.padStart(12)}  ${c.padStart(10)}  ${d}`);
for (const e of out.errors) console.log(`FAILED: ${e.split('\n')[0]}`);
const file = resultFile('cluster-scale.json');
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${file}`);
if (out.errors.length) process.exitCode = 1;
