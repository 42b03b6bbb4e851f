// Deploy-to-all-switches latency on a running ClusterRig with BRIDGES Open vSwitch bridges in a
// line (the rig links s1–s2–s3; this links the rest): `deploys` deploys on node n1 that change
// slice alpha's overlay VLAN (alpha has an edge port on every bridge, so every bridge's master
// tears its base rules down and sets them up again), each timed from the request to the 200 whose
// `switches` say every bridge applied (the cluster-wide apply waits for the masters' per-switch
// reports), and to the moment every bridge's table holds a base rule with the new VLAN (polled
// with `ovs-ofctl dump-flows`, all bridges at once, as fast as it answers: a polling resolution
// of a few milliseconds, and its processes compete with the nodes for the 2 cores).
import { performance } from 'node:perf_hooks';
import type { ClusterRig } from '../../test/cluster/rig.js';
import { freePort, runAsync } from '../../src/lab/proc.js';
import { summary, type Summary } from './quantiles.js';

/** The bridges' line network and slice alpha (overlay `vlan`) with edge port 4 on every bridge. */
export function lineNetwork(bridges: number, controllerPort: number, vlan: number): string {
  const sw = Array.from({ length: bridges }, (_, i) => `  switch s${i + 1} dpid ${i + 1} { port 1..4 speed 1Gbps }`);
  // The rig's links are s1:3–s2:1 and s2:2–s3:3; from s3 on, sK:2–sK+1:1.
  const links = ['  link s1:3 <-> s2:1', '  link s2:2 <-> s3:3'];
  for (let k = 3; k < bridges; k++) links.push(`  link s${k}:2 <-> s${k + 1}:1`);
  const edges = Array.from({ length: bridges }, (_, i) => `s${i + 1}:4`).join(', ');
  return `network line {
${sw.join('\n')}
${links.join('\n')}
}
slice alpha {
  controller "tcp:127.0.0.1:${controllerPort}"
  overlay vlan ${vlan}
  flowspace { edge: match on ${edges} }
}
`;
}

/** Adds the line's links past s3 and port 4 on every bridge (the rig makes s1–s2–s3 only). */
export function extendLine(rig: ClusterRig): void {
  for (let k = 3; k < rig.dpids.length; k++) rig.ovs.link(`s${k}`, 2, `s${k + 1}`, 1);
  for (let k = 1; k <= rig.dpids.length; k++)
    rig.ovs.vsctl('add-port', `s${k}`, `s${k}p4`, '--', 'set', 'interface', `s${k}p4`, 'type=internal', 'ofport_request=4');
}

/** Whether a bridge's table holds a rule of overlay VLAN `vlan` (a base rule of alpha). */
async function holdsVlan(rig: ClusterRig, bridge: string, vlan: number): Promise<boolean> {
  const r = await runAsync('ovs-ofctl', ['-O', 'OpenFlow13', 'dump-flows', bridge], { env: rig.ovs.env });
  return (
    new RegExp(`dl_vlan=${vlan}\\b|vlan_vid:${vlan}\\b|vlan_vid=${vlan}\\b|->vlan_vid\\b.*${vlan}|mod_vlan_vid:${vlan}\\b`).test(
      r.stdout,
    ) || r.stdout.includes(`set_field:${4096 + vlan}->vlan_vid`)
  );
}

export interface DeployLatencyResult {
  nodes: number;
  bridges: number;
  deploys: number;
  /** Which node masters how many bridges (from /v1/status, at the start). */
  masters: Record<string, number>;
  /** Deploys answered 200 whose every switch reported applied (the timed ones). */
  response: Summary;
  /** Every deploy whose rules reached every bridge: until every bridge's table held them. */
  table: Summary;
  /** Deploys answered 200 with a switch not reported applied, or whose rules did not reach every table in 20 s. */
  incomplete: Array<{
    deploy: number;
    ms: number;
    /** NaN: some bridge did not hold the new rules within 20 s (`notInTable`). */
    tableMs: number;
    notApplied: string[];
    notInTable: string[];
    mastersNow: Record<string, string | null>;
  }>;
}

export async function deployLatency(rig: ClusterRig, deploys: number, log: (s: string) => void): Promise<DeployLatencyResult> {
  const bridges = rig.dpids.length;
  const spare = await freePort();
  const n1 = rig.node('n1');
  const first = await rig.deploy(n1, lineNetwork(bridges, spare, 300));
  if (first.status !== 200) throw new Error(`first deploy: ${first.status} ${JSON.stringify(first.body)}`);
  const masters = await rig.settledMasters(30_000);
  const perNode: Record<string, number> = {};
  for (const m of Object.values(masters)) perNode[m] = (perNode[m] ?? 0) + 1;
  const response: number[] = [];
  const incomplete: DeployLatencyResult['incomplete'] = [];
  const table: number[] = [];
  for (let i = 0; i < deploys; i++) {
    const vlan = 301 + (i % 2);
    const t0 = performance.now();
    // The tables are polled while the deploy runs; each bridge's first sighting of the new VLAN.
    const seen = new Map<string, number>();
    const poll = (async () => {
      while (seen.size < bridges) {
        const left = rig.dpids.map((_, k) => `s${k + 1}`).filter((b) => !seen.has(b));
        const got = await Promise.all(left.map((b) => holdsVlan(rig, b, vlan)));
        const now = performance.now();
        for (const [k, b] of left.entries()) if (got[k]) seen.set(b, now);
        if (performance.now() - t0 > 20_000) return;
      }
    })();
    const r = await rig.deploy(n1, lineNetwork(bridges, spare, vlan));
    const tr = performance.now() - t0;
    await poll;
    if (r.status !== 200) throw new Error(`deploy ${i + 1}: ${r.status} ${JSON.stringify(r.body)}`);
    const tableMs = seen.size === bridges ? Math.max(...seen.values()) - t0 : Number.NaN;
    if (seen.size === bridges) table.push(tableMs);
    const sw = r.body.switches as Array<{ dpid: string; status: string; node: string | null }>;
    const notApplied = sw.filter((s) => s.status !== 'applied');
    if (notApplied.length || seen.size < bridges) {
      // The deploy stands (200) but some switch's report did not come: recorded, not timed.
      const status = await rig.api(n1, 'GET', '/v1/status');
      const mastersNow = Object.fromEntries(
        (status.body.switches as Array<{ dpid: string; master: string | null }>).map((s) => [s.dpid, s.master]),
      );
      incomplete.push({
        deploy: i + 1,
        ms: tr,
        tableMs,
        notInTable: rig.dpids.map((_, k) => `s${k + 1}`).filter((b) => !seen.has(b)),
        notApplied: notApplied.map((s) => `${s.dpid}: ${s.status}`),
        mastersNow,
      });
      log(
        `${rig.nodes.length} node(s), deploy ${i + 1}/${deploys}: answered after ${tr.toFixed(1)} ms with ${notApplied.length} switch(es) not reported: ${JSON.stringify(incomplete.at(-1))}`,
      );
      continue;
    }
    response.push(tr);
    log(
      `${rig.nodes.length} node(s), deploy ${i + 1}/${deploys}: answered after ${tr.toFixed(1)} ms, tables after ${table.at(-1)!.toFixed(1)} ms`,
    );
  }
  return { nodes: rig.nodes.length, bridges, deploys, masters: perNode, response: summary(response), table: summary(table), incomplete };
}
