// The arbiter between mastership and a data path: role changes reach the data path as role
// requests, only the master may program a switch, and statistics are collected from mastered
// switches only. Two nodes on one embedded store, fake data paths recording what they were told.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LocalTier } from '../../src/store/index.js';
import { SwitchArbiter, type SwitchControl } from '../../src/cluster/index.js';
import { sliceCookie } from '../../src/dataplane/cookies.js';

function fakeControl(log: string[]): SwitchControl {
  return {
    setRole: (dpid, role, gen) => {
      log.push(`${dpid} ${role} ${gen}`);
    },
    collectStats: async (dpid) => ({
      dpid,
      at: Date.now(),
      ports: [],
      meters: [],
      flows: [{ cookie: sliceCookie(0, 1), packetCount: 4n, byteCount: 400n }],
    }),
    sliceName: (i) => (i === 0 ? 'alpha' : undefined),
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('switch arbiter', () => {
  it('sends master to one node and slave to the other, and hands over when the master goes', async () => {
    const opened = await EmbeddedStore.open();
    assert.ok(opened.ok);
    const store = opened.value;
    const logs: string[][] = [[], []];
    const arbiters: SwitchArbiter[] = [];
    const tiers: LocalTier[] = [];
    try {
      for (const i of [0, 1]) {
        const t = await LocalTier.open(store, ['ownership']);
        assert.ok(t.ok);
        tiers.push(t.value);
        arbiters.push(
          new SwitchArbiter({
            store,
            tier: t.value,
            nodeId: `n${i}`,
            control: fakeControl(logs[i]),
            leaseTtlMs: 1000,
            statsIntervalMs: 60_000,
          }),
        );
      }
      arbiters[0].switchUp('01');
      await until(() => arbiters[0].mayProgram('01'));
      arbiters[1].switchUp('01');
      await until(() => logs[1].includes('01 slave 1'));
      assert.deepEqual(logs[0], ['01 master 1']);
      assert.equal(arbiters[1].mayProgram('01'), false);
      await arbiters[0].stats.round();
      await arbiters[1].stats.round();
      assert.deepEqual(arbiters[0].stats.sliceCounters('alpha'), {
        packets: 4,
        bytes: 400,
        flows: 1,
        perSwitch: [{ dpid: '01', packets: 4, bytes: 400, flows: 1 }],
        removed: { packets: 0, bytes: 0 },
        queues: [],
      });
      assert.equal(arbiters[1].stats.sliceCounters('alpha'), undefined, 'a slave collects nothing');
      await arbiters[0].switchDown('01');
      await until(() => logs[1].includes('01 master 2'));
      assert.ok(arbiters[1].mayProgram('01'));
    } finally {
      for (const a of arbiters) await a.stop();
      for (const t of tiers) await t.close();
      await store.close();
    }
  });
});
