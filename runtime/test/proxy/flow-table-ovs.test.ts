// The tenant flow table against real Open vSwitch (OpenFlow 1.0 and 1.3): random sequences of
// adds, modifies and deletes (strict and not, out_port, out_group, cookie masks) go through the
// proxy to one bridge and, unchanged, straight to a reference bridge. After every batch the
// slice's table as the tenant sees it (flow statistics through the proxy) equals the reference
// bridge's table, and the slice's entry count equals the slice's rules in `dump-flows`. Then the
// issue's measured flow_entries bypasses (a 1.3 delete that removed nothing, 1.0 modifies of
// missing flows) are tried on a slice with `flow_entries 10`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { matchKey } from '../../src/proxy/hot-messages.js';
import type { FlowMatch, FlowMod, FlowStats, Instruction, OfMessage } from '../../src/proxy/messages.js';
import { FC, OFP10, OFP13, OFPP } from '../../src/proxy/messages.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { baseFlowMod as base, linePlan } from './fixtures.js';
import { pick, rng } from '../classifier/gen.js';

const baseFlowMod = (over: Partial<FlowMod>) => ({ type: 'flow_mod' as const, ...base(over) });

type Version = 'OpenFlow13' | 'OpenFlow10';
const ANY_GROUP = 0xffffffff;
const REF_DPID = 9n;

/**
 * Matches from a small pool, so that adds collide and non-strict selections nest. Priority 20
 * rules name an in_port, priority 10 rules never do: two tenant rules of one priority that
 * differ only by naming the in_port are one physical rule on that port (see "Physical overlaps"
 * in docs/dataplane.md; tested on its own below).
 */
function randomMatch(r: () => number, priority: number): FlowMatch {
  const m: FlowMatch = {};
  if (priority === 20) m.in_port = { value: BigInt(pick(r, [1, 2])) };
  if (r() < 0.7) {
    m.eth_type = { value: 0x800n };
    const dst = pick(r, ['one', 'two', 'net', 'none'] as const);
    if (dst === 'one') m.ipv4_dst = { value: 0x0a000001n };
    if (dst === 'two') m.ipv4_dst = { value: 0x0a000002n };
    if (dst === 'net') m.ipv4_dst = { value: 0x0a000000n, mask: 0xffffff00n };
    if (r() < 0.4) {
      m.ip_proto = { value: 6n };
      if (r() < 0.6) m.tcp_dst = { value: BigInt(pick(r, [80, 443])) };
    }
  }
  return m;
}

function randomActions(r: () => number): Instruction[] {
  const ports = pick(r, [[1], [2], [1, 2], [], [OFPP.CONTROLLER]]);
  if (ports.length === 0) return [];
  return [
    {
      type: 'apply_actions',
      actions: ports.map((port) => ({ type: 'output' as const, port, maxLen: port === OFPP.CONTROLLER ? 0xffff : 0 })),
    },
  ];
}

function randomFlowMod(r: () => number, v13: boolean) {
  const command = pick(r, [FC.ADD, FC.ADD, FC.ADD, FC.MODIFY, FC.MODIFY_STRICT, FC.DELETE, FC.DELETE_STRICT]);
  const isDelete = command === FC.DELETE || command === FC.DELETE_STRICT;
  const masked = v13 && command !== FC.ADD && r() < 0.4;
  const priority = pick(r, [10, 20]);
  return baseFlowMod({
    command,
    cookie: BigInt(pick(r, [0x1, 0x2, 0x11, 0x12])),
    cookieMask: masked ? BigInt(pick(r, [0xf, 0x10, 0xff])) : 0n,
    priority,
    match: randomMatch(r, priority),
    outPort: isDelete && r() < 0.4 ? pick(r, [1, 2, OFPP.CONTROLLER]) : OFPP.ANY,
    outGroup: isDelete && v13 && r() < 0.1 ? 5 : ANY_GROUP,
    instructions: isDelete ? [] : randomActions(r),
  });
}

/** A tenant's view of one rule: its cookie, priority, match and output ports. */
function ruleView(f: FlowStats): string {
  const outs: number[] = [];
  for (const ins of f.instructions)
    if (ins.type === 'apply_actions' || ins.type === 'write_actions')
      for (const a of ins.actions) if (a.type === 'output') outs.push(a.port);
  return `cookie=${f.cookie.toString(16)} priority=${f.priority} match=${Buffer.from(matchKey(f.match), 'latin1').toString('hex')} out=${outs.join(',')}`;
}

async function tableOf(sc: ScriptedController, conn: ScriptedSwitchConn): Promise<string[]> {
  const xid = sc.send(conn, {
    type: 'multipart_request',
    mpType: 'flow',
    flags: 0,
    flow: { tableId: 0xff, outPort: OFPP.ANY, outGroup: ANY_GROUP, cookie: 0n, cookieMask: 0n, match: {} },
  });
  await waitFor('flow statistics', () => conn.received.some((m) => m.xid === xid && m.type === 'multipart_reply'), 10_000, 10);
  const parts = conn.received.filter(
    (m): m is Extract<OfMessage, { type: 'multipart_reply' }> => m.xid === xid && m.type === 'multipart_reply',
  );
  return parts
    .flatMap((p) => p.flows ?? [])
    .map(ruleView)
    .sort();
}

interface Rig {
  ovs: OvsSandbox;
  proxy: SlicingProxy;
  tenant: ScriptedController;
  limited: ScriptedController;
  ref: ScriptedController;
}

async function setUp(version: Version): Promise<Rig> {
  const ovs = new OvsSandbox();
  const ofVersion = version === 'OpenFlow13' ? OFP13 : OFP10;
  const ports = { tenant: await freePort(), limited: await freePort(), ref: await freePort() };
  const rig: Rig = {
    ovs,
    proxy: new SlicingProxy({ ofListen: '127.0.0.1:0' }),
    // The tenants speak the switch's version (the reference bridge's semantics are that version's).
    tenant: new ScriptedController(ports.tenant, [ofVersion]),
    limited: new ScriptedController(ports.limited, [ofVersion]),
    ref: new ScriptedController(ports.ref, [ofVersion]),
  };
  try {
    ovs.start();
    ovs.addBridge('s1', 1, version);
    ovs.addBridge('r9', Number(REF_DPID), version);
    for (const [name, ofport] of [
      ['h1', 1],
      ['h2', 2],
      ['h3', 3],
    ] as const)
      ovs.addHost({ name, bridge: 's1', ofport, ip: `10.0.0.${ofport}/24` });
    await rig.tenant.start();
    await rig.limited.start();
    await rig.ref.start();
    const { port } = await rig.proxy.start();
    await rig.proxy.applyPlan(
      linePlan([
        {
          name: 'p',
          controllerPort: ports.tenant,
          vlan: 101,
          flowspace: [
            [1, 1, {}],
            [1, 2, {}],
          ],
        },
        { name: 'q', controllerPort: ports.limited, vlan: 102, flowspace: [[1, 3, {}]], flowEntries: 10 },
      ]),
    );
    ovs.setController('s1', `tcp:127.0.0.1:${port}`);
    ovs.setController('r9', `tcp:127.0.0.1:${ports.ref}`);
    return rig;
  } catch (e) {
    await tearDown(rig);
    throw e;
  }
}

async function tearDown(rig: Rig): Promise<void> {
  await rig.proxy.stop().catch(() => {});
  for (const c of [rig.tenant, rig.limited, rig.ref]) await c.stop().catch(() => {});
  rig.ovs.teardown();
}

/** The slice's physical rules on s1 by `dump-flows` (tenant rule cookies: slice id + 1 in the top 16 bits). */
function sliceRules(rig: Rig, version: Version, conn: ScriptedSwitchConn, sliceIdOf: (c: bigint) => boolean): number {
  void conn;
  return rig.ovs
    .dumpFlows('s1', version)
    .map((l) => /cookie=0x([0-9a-f]+)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && sliceIdOf(BigInt(`0x${c}`))).length;
}

for (const version of ['OpenFlow13', 'OpenFlow10'] as const) {
  describe(`the tenant flow table against Open vSwitch (${version})`, { timeout: 240_000 }, () => {
    let rig: Rig;
    let tenant: ScriptedSwitchConn;
    let ref: ScriptedSwitchConn;
    let limited: ScriptedSwitchConn;
    const v13 = version === 'OpenFlow13';
    before(async () => {
      rig = await setUp(version);
      tenant = await rig.tenant.connection(1n, 30_000);
      limited = await rig.limited.connection(1n, 30_000);
      ref = await rig.ref.connection(REF_DPID, 30_000);
    });
    after(async () => {
      if (rig) await tearDown(rig);
    });

    test('property: random adds, modifies and deletes leave the slice holding exactly what the switch would hold', async () => {
      const status = () => rig.proxy.status().slices.p!;
      const tenantCookie = (c: bigint) => c >> 48n !== 0xffffn && c >> 48n !== 0n && (c >> 48n) - 1n === BigInt(sliceIdP);
      // The slice's id: the prefix of its rules' cookies (learnt from a first rule).
      const probe = rig.tenant.send(
        tenant,
        baseFlowMod({ match: { tcp_dst: { value: 1n }, ip_proto: { value: 6n }, eth_type: { value: 0x800n } } }),
      );
      await rig.tenant.settle(tenant, [probe]);
      const probeLine = rig.ovs.dumpFlows('s1', version).find((l) => /tp_dst=1\b/.test(l))!;
      const sliceIdP = Number(BigInt(`0x${/cookie=0x([0-9a-f]+)/.exec(probeLine)![1]}`) >> 48n) - 1;
      const del = rig.tenant.send(tenant, baseFlowMod({ command: FC.DELETE }));
      await rig.tenant.settle(tenant, [del]);
      assert.equal(status().flowEntries, 0);
      let checks = 0;
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const r = rng(seed * 7919 + (v13 ? 13 : 10));
        for (let batch = 0; batch < 8; batch++) {
          const xids: number[] = [];
          const refXids: number[] = [];
          const sent: string[] = [];
          for (let i = 0; i < 8; i++) {
            const fm = randomFlowMod(r, v13);
            sent.push(
              `${fm.command} prio=${fm.priority} cookie=${fm.cookie}/${fm.cookieMask} out=${fm.outPort} ${Object.keys(fm.match).join(',')}`,
            );
            xids.push(rig.tenant.send(tenant, fm));
            refXids.push(rig.ref.send(ref, fm));
          }
          const errors = (await rig.tenant.settle(tenant, xids)).filter((m) => m.type === 'error');
          const refErrors = (await rig.ref.settle(ref, refXids)).filter((m) => m.type === 'error');
          assert.deepEqual([errors.length, refErrors.length], [0, 0], `no flow-mod refused (seed ${seed} batch ${batch})`);
          const [mine, theirs] = [await tableOf(rig.tenant, tenant), await tableOf(rig.ref, ref)];
          assert.deepEqual(mine, theirs, `seed ${seed} batch ${batch}: the slice's table is the reference's\n${sent.join('\n')}`);
          const physical = sliceRules(rig, version, tenant, tenantCookie);
          assert.equal(status().flowEntries, physical, `seed ${seed} batch ${batch}: the count is the switch's`);
          checks++;
        }
        const wipe = [rig.tenant.send(tenant, baseFlowMod({ command: FC.DELETE }))];
        await rig.tenant.settle(tenant, wipe);
        await rig.ref.settle(ref, [rig.ref.send(ref, baseFlowMod({ command: FC.DELETE }))]);
        assert.equal(status().flowEntries, 0);
        assert.equal(sliceRules(rig, version, tenant, tenantCookie), 0);
      }
      assert.equal(checks, 48);
    });

    test('flow_entries 10 holds: a delete that removes nothing, modifies of missing flows, and adds past the limit', async () => {
      const q = () => rig.proxy.status().slices.q!;
      const dst = (i: number): FlowMatch => ({ eth_type: { value: 0x800n }, ipv4_dst: { value: 0x0a010000n + BigInt(i) } });
      const xids: number[] = [];
      for (let i = 0; i < 5; i++) xids.push(rig.limited.send(limited, baseFlowMod({ match: dst(i), instructions: [] })));
      // A delete that selects nothing: out_port no rule outputs to (and, on 1.3, a cookie no rule has).
      xids.push(rig.limited.send(limited, baseFlowMod({ command: FC.DELETE, outPort: 3 })));
      if (v13) xids.push(rig.limited.send(limited, baseFlowMod({ command: FC.DELETE, cookie: 0x99n, cookieMask: 0xffn })));
      // Modifies of missing flows: on 1.0 each is an ADD (counted), on 1.3 nothing.
      for (let i = 100; i < 110; i++)
        xids.push(rig.limited.send(limited, baseFlowMod({ command: FC.MODIFY_STRICT, match: dst(i), instructions: [] })));
      for (let i = 200; i < 220; i++) xids.push(rig.limited.send(limited, baseFlowMod({ match: dst(i), instructions: [] })));
      const answers = await rig.limited.settle(limited, xids);
      const onSwitch = rig.ovs.dumpFlows('s1', version).filter((l) => /nw_dst=10\.1\./.test(l)).length;
      assert.equal(onSwitch, 10, 'the switch holds exactly the limit');
      assert.equal(q().flowEntries, 10);
      const full = answers.filter((m) => m.type === 'error').length;
      // 5 + (1.0: 10 modifies-as-adds) + 20 adds were asked for; all past 10 refused.
      assert.equal(full, v13 ? 15 : 25, 'every flow-mod past the limit refused');
    });
  });
}
