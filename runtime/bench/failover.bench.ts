// Failover benchmark with real processes (1 Hazelcast member, 2 or more `dfvisor run --store
// hazelcast` nodes, three Open vSwitch bridges, no tenants): KILLS times, kill -9 of the master
// of s1, then the time until a surviving node logs "became master of switch" for s1 and until it
// logs "master of switch: programming it" (pino timestamps, same clock as the kill); the killed
// node is started again before the next kill. Crash detection is the liveness channel
// (cluster/liveness.ts): the dead node's connections close and its leases are freed at once.
// Run: node runtime/dist/bench/failover.bench.js   (root; writes bench/results/failover.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterRig, DPIDS } from '../test/cluster/rig.js';
import { waitFor } from '../src/lab/proc.js';

const KILLS = Number(process.env.KILLS ?? 20);
const NODES = Number(process.env.NODES ?? 2);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The time of the first log line of `msg` for `dpid` at or after `since` (ms since the epoch). */
function loggedAt(logs: string, msg: string, dpid: string, since: number): number | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes(`"msg":"${msg}"`) || !line.includes(`"dpid":"${dpid}"`)) continue;
    const t = Number(/"time":(\d+)/.exec(line)?.[1]);
    if (t >= since) return t;
  }
  return undefined;
}

const rig = await ClusterRig.start({ nodes: NODES, members: 1, noTraffic: true });
const master: number[] = [];
const programming: number[] = [];
try {
  for (let i = 0; i < KILLS; i++) {
    const masters = await rig.settledMasters(30_000);
    const victim = rig.node(masters[DPIDS[0]]);
    const t0 = Date.now();
    await rig.kill9(victim.id);
    const survivors = rig.alive();
    const [m, p] = await waitFor(
      'a survivor masters and programs s1',
      () => {
        for (const n of survivors) {
          const logs = n.proc.logs();
          const a = loggedAt(logs, 'became master of switch', DPIDS[0], t0);
          const b = loggedAt(logs, 'master of switch: programming it', DPIDS[0], t0);
          if (a !== undefined && b !== undefined) return [a - t0, b - t0];
        }
        return null;
      },
      15_000,
      5,
    );
    master.push(m);
    programming.push(p);
    console.log(`kill ${i + 1}/${KILLS}: new master after ${m} ms, programming after ${p} ms`);
    await rig.startNode(victim.id, victim.ofPort);
  }
} finally {
  await rig.teardown();
}
const row = (name: string, xs: number[]) => ({ name, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs), n: xs.length });
const rows = [row('kill -9 → new master (ms)', master), row('kill -9 → new master programs (ms)', programming)];
console.table(rows);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
mkdirSync(resolve(root, 'bench/results'), { recursive: true });
writeFileSync(resolve(root, 'bench/results/failover.json'), JSON.stringify({ nodes: NODES, members: 1, kills: KILLS, rows }, null, 2));
