// Switch identity against real Open vSwitch: an impostor that claims the dpid of a live, healthy
// switch (and answers echoes itself) gets no service, and a tenant's flow-mods keep reaching the
// real switch, while the impostor is there and after it leaves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { ScriptedController } from '../harness/scripted-controller.js';
import { emulatedSwitch } from '../harness/emulated-switch.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { baseFlowMod, linePlan } from './fixtures.js';
import { OFPP } from '../../src/proxy/messages.js';

const ovs = new OvsSandbox();
const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0', echoTimeoutMs: 500 });
let tenant: ScriptedController;
let ofPort: number;

before(async () => {
  ovs.start();
  ovs.addBridge('s1', 1, 'OpenFlow13');
  ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
  const ctl = await freePort();
  tenant = new ScriptedController(ctl);
  await tenant.start();
  ofPort = (await proxy.start()).port;
  await proxy.applyPlan(linePlan([{ name: 'gamma', controllerPort: ctl, vlan: 103, flowspace: [[1, 1, {}]] }]));
  ovs.setController('s1', `tcp:127.0.0.1:${ofPort}`);
  await waitFor('s1 and its tenant connected', () => proxy.status().switches.some((s) => s.slices.some((b) => b.connected)), 30_000, 100);
});
after(async () => {
  await proxy.stop().catch(() => {});
  await tenant?.stop().catch(() => {});
  ovs.teardown();
});

/** A tenant flow-mod matching `dst` (10.7.7.x) from the slice's port; resolves when the switch holds it. */
async function tenantRuleReaches(dst: number): Promise<void> {
  const conn = await tenant.connection(1n);
  const xid = tenant.send(conn, {
    type: 'flow_mod',
    ...baseFlowMod({
      match: { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_dst: { value: BigInt(0x0a070700 + dst) } },
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }],
    }),
  });
  const [reply] = await tenant.settle(conn, [xid]);
  assert.notEqual(reply?.type, 'error', 'the tenant flow-mod was refused');
  await waitFor(`rule for 10.7.7.${dst} on s1`, () => ovs.dumpFlows('s1').some((f) => f.includes(`nw_dst=10.7.7.${dst}`)), 10_000, 100);
}

test('an impostor with the dpid of a live switch gets no service; the real switch keeps being served', async () => {
  await tenantRuleReaches(1);
  const impostor = emulatedSwitch(ofPort, 1n);
  await impostor.identified;
  // The proxy echoes the live switch while the impostor waits; Open vSwitch answers, so nothing changes.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(impostor.types.includes(18), false, 'the impostor is never asked for its ports (multipart)');
  assert.equal(impostor.types.includes(9), false, 'nor configured (set_config)');
  assert.equal(impostor.types.includes(14), false, 'nor sent a flow-mod');
  const st = proxy.status().switches;
  assert.equal(st.length, 1);
  assert.ok(st[0]!.ports.includes(1), 'the served session is the real switch (it has port 1)');
  await tenantRuleReaches(2);
  assert.equal(impostor.types.includes(14), false, "the tenant's rule went to the real switch only");
  impostor.close();
  await impostor.closed;
  await tenantRuleReaches(3);
  assert.equal(proxy.status().switches.length, 1);
});
