// Attribution of the two counters the flow statistics miss: queue statistics to the slices the
// plan gives the queues, and the final counters of removed flows to a per-slice accumulator, so a
// slice's totals do not drop when its flows expire.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatsCollector, type SwitchStatsSnapshot } from '../../src/cluster/stats-collector.js';
import { attributeQueues, queueKey, queueOwners, type FlowCounter, type QueueCounters } from '../../src/cluster/switch-stats.js';
import { flowKey } from '../../src/proxy/index.js';
import { hvSliceCookie, HV_DROP_COOKIE, sliceCookie } from '../../src/dataplane/cookies.js';

const DP = '0000000000000001';
const planQueues = [
  { dpid: DP, port: 1, queueId: 1, slice: 'alpha' },
  { dpid: DP, port: 1, queueId: 2, slice: 'beta' },
  { dpid: DP, port: 2, queueId: 1, slice: 'alpha' },
  { dpid: '0000000000000002', port: 1, queueId: 1, slice: 'beta' },
];
const q = (portNo: number, queueId: number, n: number): QueueCounters => ({ portNo, queueId, txPackets: n, txBytes: n * 100, txErrors: 0 });

/** A switch whose answers the test sets between rounds. */
function fakeSwitch() {
  const owners = queueOwners(planQueues);
  const state: { flows: FlowCounter[]; queues: QueueCounters[]; at: number; hold: Promise<void> | null } = {
    flows: [],
    queues: [],
    at: 0,
    hold: null,
  };
  const collector = new StatsCollector(
    {
      mastered: () => [DP],
      sliceName: (i) => ['alpha', 'beta'][i],
      queueSlice: (dpid, port, queueId) => owners.get(queueKey(dpid, port, queueId)),
      async collect(dpid): Promise<SwitchStatsSnapshot> {
        // The round's content is what the switch had when the request left.
        const snap = { dpid, at: state.at, flows: [...state.flows], ports: [], meters: [], queues: [...state.queues] };
        if (state.hold) await state.hold;
        return snap;
      },
    },
    1000,
  );
  return { state, collector };
}

const flow = (cookie: bigint, priority: number, inPort: number, packets: number): FlowCounter & { priority: number } => ({
  cookie,
  priority,
  packetCount: BigInt(packets),
  byteCount: BigInt(packets * 100),
  key: flowKey(cookie, priority, { in_port: { value: BigInt(inPort) } }),
});

describe('queue statistics attribution', () => {
  it('gives each planned queue to its slice and leaves unplanned queues out', () => {
    const owners = queueOwners(planQueues);
    const by = attributeQueues(DP, [q(1, 2, 5), q(1, 1, 3), q(2, 1, 4), q(3, 7, 99), q(1, 0, 50)], (d, p, id) =>
      owners.get(queueKey(d, p, id)),
    );
    assert.deepEqual(by.get('alpha'), [
      { dpid: DP, port: 1, queueId: 1, txPackets: 3, txBytes: 300, txErrors: 0 },
      { dpid: DP, port: 2, queueId: 1, txPackets: 4, txBytes: 400, txErrors: 0 },
    ]);
    assert.deepEqual(by.get('beta'), [{ dpid: DP, port: 1, queueId: 2, txPackets: 5, txBytes: 500, txErrors: 0 }]);
    assert.equal(by.size, 2);
  });

  it("the same port and queue id on another switch belongs to that switch's slice", () => {
    const owners = queueOwners(planQueues);
    const by = attributeQueues('0000000000000002', [q(1, 1, 8)], (d, p, id) => owners.get(queueKey(d, p, id)));
    assert.deepEqual([...by.keys()], ['beta']);
  });

  it("the collector reports a slice's queues in its counters, even with no flows", async () => {
    const { state, collector } = fakeSwitch();
    state.queues = [q(1, 1, 3), q(1, 2, 5)];
    await collector.round();
    const beta = collector.sliceCounters('beta');
    assert.ok(beta);
    assert.equal(beta.packets, 0);
    assert.deepEqual(beta.queues, [{ dpid: DP, port: 1, queueId: 2, txPackets: 5, txBytes: 500, txErrors: 0 }]);
    assert.deepEqual(
      collector.sliceCounters('alpha')?.queues.map((x) => [x.port, x.queueId, x.txPackets]),
      [[1, 1, 3]],
    );
    assert.equal(collector.sliceCounters('gamma'), undefined);
  });
});

describe('flow-removed accumulation', () => {
  it('a flow that expires keeps its final counters in the slice totals', async () => {
    const { state, collector } = fakeSwitch();
    const a = flow(sliceCookie(0, 1), 100, 1, 10);
    const b = flow(sliceCookie(0, 2), 100, 2, 4);
    const base = { cookie: hvSliceCookie(0, 1), packetCount: 1n, byteCount: 100n };
    state.flows = [a, b, base];
    state.at = 1;
    await collector.round();
    assert.equal(collector.sliceCounters('alpha')?.packets, 15);
    // a expires with 12 packets (2 more since the round): counted once, at its final value.
    collector.flowRemoved({ dpid: DP, cookie: a.cookie, key: a.key, packetCount: 12n, byteCount: 1200n, at: 2 });
    let c = collector.sliceCounters('alpha')!;
    assert.equal(c.packets, 17);
    assert.equal(c.bytes, 1700);
    assert.equal(c.flows, 1, 'the removed rule is no longer a live flow');
    assert.deepEqual(c.removed, { packets: 12, bytes: 1200 });
    // The next round no longer lists it; the total stays.
    state.flows = [b, base];
    state.at = 3;
    await collector.round();
    c = collector.sliceCounters('alpha')!;
    assert.equal(c.packets, 17);
    assert.deepEqual(c.perSwitch, [{ dpid: DP, packets: 17, bytes: 1700, flows: 1 }]);
    // Every flow of the slice gone: the slice still reports what it carried.
    collector.flowRemoved({ dpid: DP, cookie: b.cookie, key: b.key, packetCount: 4n, byteCount: 400n, at: 4 });
    state.flows = [base];
    state.at = 5;
    await collector.round();
    assert.equal(collector.sliceCounters('alpha')?.packets, 17);
    assert.equal(collector.sliceCounters('alpha')?.flows, 0);
  });

  it('a round already under way when the flow-removed arrives does not count the flow twice', async () => {
    const { state, collector } = fakeSwitch();
    const a = flow(sliceCookie(1, 1), 100, 1, 10);
    state.flows = [a];
    state.at = 10;
    let release!: () => void;
    state.hold = new Promise((r) => {
      release = r;
    });
    const round = collector.round();
    // The switch answered with a listed before it removed it; the removal is seen first.
    collector.flowRemoved({ dpid: DP, cookie: a.cookie, key: a.key, packetCount: 11n, byteCount: 1100n, at: 11 });
    release();
    await round;
    assert.equal(collector.sliceCounters('beta')?.packets, 11);
    assert.equal(collector.sliceCounters('beta')?.flows, 0);
    // A round sent after the removal: the key is forgotten (cookies are never reused).
    state.hold = null;
    state.flows = [];
    state.at = 12;
    await collector.round();
    assert.equal(collector.sliceCounters('beta')?.packets, 11);
  });

  it('two physical entries of one tenant rule (same cookie) are told apart by match', async () => {
    const { state, collector } = fakeSwitch();
    const cookie = sliceCookie(0, 9);
    const e1 = flow(cookie, 100, 1, 3);
    const e2 = flow(cookie, 100, 2, 5);
    state.flows = [e1, e2];
    await collector.round();
    collector.flowRemoved({ dpid: DP, cookie, key: e1.key, packetCount: 3n, byteCount: 300n, at: 1 });
    const c = collector.sliceCounters('alpha')!;
    assert.equal(c.packets, 8);
    assert.equal(c.flows, 1);
  });

  it('removals of no slice (the isolation rule, an unknown slice index) are ignored', async () => {
    const { collector } = fakeSwitch();
    collector.flowRemoved({ dpid: DP, cookie: HV_DROP_COOKIE, key: 'x', packetCount: 5n, byteCount: 5n, at: 1 });
    collector.flowRemoved({ dpid: DP, cookie: sliceCookie(6, 1), key: 'y', packetCount: 5n, byteCount: 5n, at: 1 });
    assert.equal(collector.sliceCounters('alpha'), undefined);
    assert.equal(collector.sliceCounters('beta'), undefined);
  });

  it('removed counters stay with the slice after this node stops mastering the switch', async () => {
    let mastered = [DP];
    const a = flow(sliceCookie(0, 1), 100, 1, 10);
    const collector = new StatsCollector(
      {
        mastered: () => mastered,
        sliceName: (i) => ['alpha'][i],
        collect: async (dpid) => ({ dpid, at: 0, flows: [a], ports: [], meters: [] }),
      },
      1000,
    );
    await collector.round();
    collector.flowRemoved({ dpid: DP, cookie: a.cookie, key: a.key, packetCount: 10n, byteCount: 1000n, at: 1 });
    mastered = [];
    await collector.round();
    assert.deepEqual(collector.sliceCounters('alpha'), {
      packets: 10,
      bytes: 1000,
      flows: 0,
      perSwitch: [{ dpid: DP, packets: 10, bytes: 1000, flows: 0 }],
      removed: { packets: 10, bytes: 1000 },
      queues: [],
    });
  });

  it('flowKey ignores field order and tells masks apart', () => {
    const c = sliceCookie(0, 1);
    assert.equal(
      flowKey(c, 5, { in_port: { value: 1n }, eth_type: { value: 0x800n } }),
      flowKey(c, 5, { eth_type: { value: 0x800n }, in_port: { value: 1n } }),
    );
    assert.notEqual(flowKey(c, 5, { ipv4_dst: { value: 1n, mask: 0xffn } }), flowKey(c, 5, { ipv4_dst: { value: 1n } }));
    assert.notEqual(flowKey(c, 5, {}), flowKey(c, 6, {}));
  });
});
