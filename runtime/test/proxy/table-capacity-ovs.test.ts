// Table 0's capacity against real Open vSwitch (OpenFlow 1.3 and 1.0): the bridge's table 0 has a
// flow_limit (OVS reports it as max_entries in 1.3 table features and 1.0 table statistics); the
// proxy learns it at the handshake, measures the rules that are not tenant rules, and two slices'
// controllers (peers speaking OpenFlow through the proxy, no flow_entries limits) add rules past
// what is left. The proxy refuses every add past it with the table-full error of the version
// (its own refusal: counted in the slice's `refused`, the flow-mod never reaches the switch), the
// switch's table (dump-flows) never holds more than its limit, and the proxy's tracked rules stay
// within the room, also after the tenants delete and add again.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import type { FlowMatch, FlowMod, OfMessage } from '../../src/proxy/messages.js';
import { FC, OFP10, OFP13 } from '../../src/proxy/messages.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { baseFlowMod as base, linePlan } from './fixtures.js';

const baseFlowMod = (over: Partial<FlowMod>) => ({ type: 'flow_mod' as const, ...base(over) });
type Version = 'OpenFlow13' | 'OpenFlow10';
/** Table 0's flow_limit on the bridge. */
const LIMIT = 24;

/** A rule on one in-port (one physical entry), told apart by its IPv4 destination. */
const rule = (inPort: number, i: number, command: number = FC.ADD) =>
  baseFlowMod({
    command,
    priority: 10,
    match: { in_port: { value: BigInt(inPort) }, eth_type: { value: 0x800n }, ipv4_dst: { value: 0x0a070000n + BigInt(i) } } as FlowMatch,
    instructions: [],
  });

interface Rig {
  ovs: OvsSandbox;
  proxy: SlicingProxy;
  p: ScriptedController;
  q: ScriptedController;
}

async function setUp(version: Version): Promise<Rig> {
  const ovs = new OvsSandbox();
  const ofVersion = version === 'OpenFlow13' ? OFP13 : OFP10;
  const ports = { p: await freePort(), q: await freePort() };
  const rig: Rig = {
    ovs,
    proxy: new SlicingProxy({ ofListen: '127.0.0.1:0' }),
    p: new ScriptedController(ports.p, [ofVersion]),
    q: new ScriptedController(ports.q, [ofVersion]),
  };
  try {
    ovs.start();
    ovs.addBridge('s1', 1, version);
    ovs.vsctl('--', '--id=@ft', 'create', 'Flow_Table', `flow_limit=${LIMIT}`, '--', 'set', 'Bridge', 's1', 'flow_tables:0=@ft');
    for (const ofport of [1, 2, 3]) ovs.addHost({ name: `h${ofport}`, bridge: 's1', ofport, ip: `10.0.0.${ofport}/24` });
    await rig.p.start();
    await rig.q.start();
    const { port } = await rig.proxy.start();
    await rig.proxy.applyPlan(
      linePlan([
        {
          name: 'p',
          controllerPort: ports.p,
          vlan: 101,
          flowspace: [
            [1, 1, {}],
            [1, 2, {}],
          ],
        },
        { name: 'q', controllerPort: ports.q, vlan: 102, flowspace: [[1, 3, {}]] },
      ]),
    );
    ovs.setController('s1', `tcp:127.0.0.1:${port}`);
    // In-band control would add hidden flows to table 0: they count against flow_limit but neither
    // dump-flows nor the table statistics show them (docs/dataplane.md, "Bounded memory").
    for (const u of ovs.vsctl('--bare', '--columns=_uuid', 'find', 'controller').split(/\s+/).filter(Boolean))
      ovs.vsctl('set', 'controller', u, 'connection-mode=out-of-band');
    return rig;
  } catch (e) {
    await tearDown(rig);
    throw e;
  }
}

async function tearDown(rig: Rig): Promise<void> {
  await rig.proxy.stop().catch(() => {});
  for (const c of [rig.p, rig.q]) await c.stop().catch(() => {});
  rig.ovs.teardown();
}

for (const version of ['OpenFlow13', 'OpenFlow10'] as const) {
  describe(`table 0's capacity against Open vSwitch (${version})`, { timeout: 120_000 }, () => {
    let rig: Rig;
    let p: ScriptedSwitchConn;
    let q: ScriptedSwitchConn;
    const v13 = version === 'OpenFlow13';
    // OFPET_FLOW_MOD_FAILED / OFPFMFC_TABLE_FULL (1.3), OFPFMFC_ALL_TABLES_FULL (1.0).
    const tableFull = v13 ? '5/1' : '3/0';
    before(async () => {
      rig = await setUp(version);
      p = await rig.p.connection(1n, 30_000);
      q = await rig.q.connection(1n, 30_000);
    });
    after(async () => {
      if (rig) await tearDown(rig);
    });

    const sw = () => rig.proxy.status().switches.find((s) => s.dpid === '0000000000000001')!;
    const onSwitch = () => rig.ovs.dumpFlows('s1', version).length;
    const errorsOf = (answers: OfMessage[]) => answers.flatMap((m) => (m.type === 'error' ? [`${m.errType}/${m.code}`] : []));
    const refused = (slice: string) => rig.proxy.status().slices[slice]!.refused['flow_mod/table_full'] ?? 0;

    test('the switch reports its flow_limit as max_entries (ovs-ofctl), the proxy learns it at the handshake', async () => {
      const shown = v13
        ? rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-table-features', 's1')
        : rig.ovs.ofctl('-O', 'OpenFlow10', 'dump-tables', 's1');
      assert.match(shown, new RegExp(`table 0:[\\s\\S]*?max_entries=${LIMIT}\\b`));
      await waitFor('the capacity learnt', () => sw()?.table.capacity === LIMIT, 10_000, 20);
      // The rules that are not tenant rules, measured once every tenant is connected (1.0: their miss emulation).
      await rig.p.settle(p, []);
      await rig.q.settle(q, []);
      await waitFor('the hypervisor rules measured', () => sw().table.otherRules === onSwitch(), 10_000, 20);
      assert.ok(sw().table.otherRules! > 0, 'the isolation and base rules are counted');
    });

    test('adds past what the switch leaves are refused with the table-full error; the switch never holds more than its limit', async () => {
      const room = LIMIT - sw().table.otherRules!;
      assert.equal(sw().table.tenantRules, 0);
      // q takes 2 of the room, p asks for all of it: p gets room - 2, the rest refused by the proxy.
      let answers = await rig.q.settle(q, [rig.q.send(q, rule(3, 1)), rig.q.send(q, rule(3, 2))]);
      assert.deepEqual(errorsOf(answers), []);
      const xids: number[] = [];
      for (let i = 0; i < room; i++) xids.push(rig.p.send(p, rule(1 + (i % 2), 100 + i)));
      answers = await rig.p.settle(p, xids);
      assert.deepEqual(
        errorsOf(answers),
        [tableFull, tableFull],
        `the two past the room ${room}: ${JSON.stringify({ refused: refused('p'), onSwitch: onSwitch(), table: sw().table, flows: rig.ovs.dumpFlows('s1', version) })}`,
      );
      assert.equal(refused('p'), 2, "the proxy's own refusals (the switch never saw them)");
      // The room is shared: q gets nothing more now.
      answers = await rig.q.settle(q, [rig.q.send(q, rule(3, 3))]);
      assert.deepEqual(errorsOf(answers), [tableFull]);
      assert.equal(refused('q'), 1);
      assert.equal(onSwitch(), LIMIT, 'the table is exactly full');
      assert.equal(sw().table.tenantRules, room);
      const slices = sw().slices;
      assert.deepEqual(slices.map((s) => [s.slice, s.flowEntries, s.trackedRules]).sort(), [
        ['p', room - 2, room - 2],
        ['q', 2, 2],
      ]);
    });

    test('after deletes and more adds than the room, the tracked rules stay within it and the switch within its limit', async () => {
      const room = LIMIT - sw().table.otherRules!;
      for (let round = 0; round < 3; round++) {
        // p deletes all its rules (their flow-removed come back), then asks for the whole room again.
        await rig.p.settle(p, [rig.p.send(p, baseFlowMod({ command: FC.DELETE, match: {} }))]);
        const xids: number[] = [];
        for (let i = 0; i < room + 4; i++) xids.push(rig.p.send(p, rule(1 + (i % 2), 1000 * (round + 1) + i)));
        const answers = await rig.p.settle(p, xids);
        assert.equal(errorsOf(answers).filter((e) => e === tableFull).length, 6, `round ${round}: q holds 2, so 6 of room + 4 refused`);
        assert.ok(onSwitch() <= LIMIT, `round ${round}: the switch within its limit`);
        const tracked = sw().slices.reduce((n, s) => n + s.trackedRules, 0);
        assert.ok(tracked <= room, `round ${round}: ${tracked} tracked rules within the room ${room}`);
        assert.equal(sw().table.tenantRules, room);
      }
      assert.equal(refused('p'), 2 + 3 * 6);
    });
  });
}
