// Managed core vs transit switches in one run (issue 18), on Open vSwitch: edges e1, e2 and core
// c1, c2, c3 (runtime/test/proxy/core-fixtures.ts). One scripted tenant sets up N flows (one
// direction: host port 4 of e1 to host port 4 of e2, distinct destination MACs), each as the
// flow-mods its view needs — managed core: e1 (4 → virtual port) and e2 (virtual port → 4); without:
// e1 (4 → link port), c1 (1 → 3), c3 (3 → 1), e2 (link port → 4) — sent to all switches at once, then
// a barrier on each. Prints the table entries per core switch and the wall time per flow setup
// (flow-mods sent until every barrier is answered; the proxy, the controller and the switches
// share the machine, so compare within one run).
// Run: node runtime/dist/bench/managed-core.bench.js (root; writes bench/results/managed-core.json); FLOWS=… (default 2000).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from '@dfvisor/grammar';
import { OvsSandbox } from '../src/lab/ovs.js';
import { freePort, waitFor } from '../src/lab/proc.js';
import { SlicingProxy } from '../src/proxy/index.js';
import type { Instruction } from '../src/proxy/messages.js';
import { ScriptedController, type ScriptedSwitchConn } from '../test/harness/scripted-controller.js';
import { baseFlowMod } from '../test/proxy/fixtures.js';
import { corePlan, transitPlan } from '../test/proxy/core-fixtures.js';

const FLOWS = Number(process.env.FLOWS ?? 2000);
const V = 0xfe00;
const DPID = { e1: 1n, e2: 2n, c1: 0x11n, c2: 0x12n, c3: 0x13n } as const;

interface Result {
  mode: 'managed core' | 'transit';
  flows: number;
  flowModsPerSetup: number;
  setupUs: number;
  coreEntries: Record<string, number>;
  edgeEntries: Record<string, number>;
}

const out = (port: number): Instruction[] => [{ type: 'apply_actions', actions: [{ type: 'output', port, maxLen: 0 }] }];

async function measure(mode: Result['mode']): Promise<Result> {
  const ovs = new OvsSandbox();
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  const port = await freePort();
  const tenant = new ScriptedController(port);
  try {
    ovs.start();
    for (const [name, dpid] of Object.entries(DPID)) ovs.addBridge(name, Number(dpid), 'OpenFlow13');
    ovs.link('e1', 2, 'c1', 1);
    ovs.link('c1', 2, 'c2', 1);
    ovs.link('c2', 2, 'c3', 2);
    ovs.link('c1', 3, 'c3', 3);
    ovs.link('c3', 1, 'e2', 2);
    await tenant.start();
    const { port: ofPort } = await proxy.start();
    const spec = [{ name: 'bench', controllerPort: port, vlan: 101, linkTag: 201, hostPort: 4 }];
    const plan: Plan = mode === 'managed core' ? corePlan(spec) : transitPlan(spec);
    await proxy.applyPlan(plan);
    for (const br of Object.keys(DPID)) ovs.setController(br, `tcp:127.0.0.1:${ofPort}`);
    const views = mode === 'managed core' ? (['e1', 'e2'] as const) : (['e1', 'e2', 'c1', 'c3'] as const);
    await waitFor('tenant connections', () => tenant.conns.filter((c) => c.dpid !== null).length === views.length, 30_000, 50);
    const conns = Object.fromEntries(await Promise.all(views.map(async (v) => [v, await tenant.connection(DPID[v])] as const))) as Record<
      string,
      ScriptedSwitchConn
    >;
    // What each flow's setup sends to each switch of the view (in_port → output, in tenant terms).
    const steps: Array<[string, number, number]> =
      mode === 'managed core'
        ? [
            ['e1', 4, V],
            ['e2', V, 4],
          ]
        : [
            ['e1', 4, 2],
            ['c1', 1, 3],
            ['c3', 3, 1],
            ['e2', 2, 4],
          ];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < FLOWS; i++)
      for (const [sw, inPort, outPort] of steps)
        tenant.send(conns[sw]!, {
          type: 'flow_mod',
          ...baseFlowMod({
            match: { in_port: { value: BigInt(inPort) }, eth_dst: { value: BigInt(0x020000bb0000 + i) } },
            instructions: out(outPort),
          }),
        });
    await Promise.all(views.map((v) => tenant.settle(conns[v]!, [])));
    const setupUs = Number(process.hrtime.bigint() - t0) / 1000 / FLOWS;
    const count = (br: string) => ovs.dumpFlows(br).length;
    return {
      mode,
      flows: FLOWS,
      flowModsPerSetup: steps.length,
      setupUs,
      coreEntries: { c1: count('c1'), c2: count('c2'), c3: count('c3') },
      edgeEntries: { e1: count('e1'), e2: count('e2') },
    };
  } finally {
    await proxy.stop().catch(() => {});
    await tenant.stop().catch(() => {});
    ovs.teardown();
  }
}

const results: Result[] = [];
for (const mode of ['managed core', 'transit'] as const) results.push(await measure(mode));
console.log(`managed core vs transit switches, ${FLOWS} tenant flow setups (one direction, e1 → e2)`);
console.log('mode           flow-mods/setup  µs/setup  entries c1/c2/c3   entries e1/e2');
for (const r of results)
  console.log(
    `${r.mode.padEnd(15)}${String(r.flowModsPerSetup).padStart(15)}${r.setupUs.toFixed(1).padStart(10)}  ${`${r.coreEntries.c1}/${r.coreEntries.c2}/${r.coreEntries.c3}`.padEnd(18)} ${r.edgeEntries.e1}/${r.edgeEntries.e2}`,
  );
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
mkdirSync(resolve(root, 'bench', 'results'), { recursive: true });
writeFileSync(resolve(root, 'bench', 'results', 'managed-core.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
