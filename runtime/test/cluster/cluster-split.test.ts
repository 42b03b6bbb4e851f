// A 2/1 split of the cluster with deploys attempted on both sides, with real processes: 3
// Hazelcast members and 3 `dfvisor run --store hazelcast` nodes, member i and node n<i+1> in
// network namespace i (partition-net.ts), three Open vSwitch bridges in the root namespace that
// reach every node. Namespace 3 is cut off and, from that moment, both sides deploy at once: the
// minority node (n3) until it refuses with 503 STORE_NO_QUORUM (in the first seconds, before its
// member has dropped the others, a deploy there may instead fail after the store's timeout with
// 502 STORE_UNAVAILABLE: both are recorded and printed), the majority until a deploy is answered
// 200 (it too may get 502 while a write's backup is on the cut-off member); once the members
// have split and the majority masters every switch, both sides deploy concurrently again and the
// majority's deploy (epsilon instead of gamma) is applied to every switch by n1/n2. Never two masters of a bridge (sampled);
// after healing every node converges to the majority's latest revision, and the recorded history
// (history.ts) shows no acknowledged deploy lost, one order of revisions on every node, the
// switch tables equal to the final plan and no counter going back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DPIDS, stepper, type NodeHandle } from './rig.js';
import { checkHistory } from './history.js';
import { HistoryRecorder } from './history-recorder.js';
import {
  partitionSuite,
  BRIDGES,
  edgeSlice,
  lineText,
  sampleDoubleMasters,
  waitForConvergence,
  waitForMasters,
  waitForSplit,
} from './partition-fixture.js';

interface Answer {
  at: number;
  took: number;
  status: number;
  code?: string;
}

describe('a 2/1 split with deploys on both sides: 3 members, 3 nodes, Open vSwitch', { timeout: 300_000 }, () => {
  const suite = partitionSuite();
  const step = stepper(() => suite.rig);

  it(
    'the minority refuses (503, or 502 in the first seconds), the majority deploys to every switch, one master per bridge, all converge to the majority after healing',
    step(async () => {
      const rig = suite.rig!;
      const net = suite.net!;
      await rig.settledMasters(60_000);
      const history = new HistoryRecorder(rig, ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']);
      history.start(500);
      const r1 = await history.deploy(rig.node('n1'), lineText());
      assert.equal(r1.status, 200, JSON.stringify(r1.body));
      const minority = rig.node('n3');
      const majority = [rig.node('n1'), rig.node('n2')];
      const sampler = sampleDoubleMasters(rig);
      let doubleMasters: string[] = [];
      const minorityAnswers: Answer[] = [];
      const majorityAnswers: Answer[] = [];
      let cutAt = 0;
      const attempt = async (n: NodeHandle, text: string, into: Answer[]) => {
        const t0 = Date.now();
        const r = await history.deploy(n, text);
        into.push({ at: t0 - cutAt, took: Date.now() - t0, status: r.status, ...(r.status === 200 ? {} : { code: r.body?.code }) });
        return r;
      };
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      let latest = r1;
      try {
        cutAt = Date.now();
        net.cut(2);
        // Both sides from the first moment: the minority until it refuses at once (503), the
        // majority until one deploy is taken (200).
        const deadline = cutAt + 90_000;
        await Promise.all([
          (async () => {
            while (Date.now() < deadline) {
              const r = await attempt(minority, lineText(edgeSlice('delta', 104, 7004)), minorityAnswers);
              if (r.status === 503) return;
              await pause(300);
            }
          })(),
          (async () => {
            while (Date.now() < deadline) {
              const r = await attempt(majority[0], lineText(edgeSlice('gamma', 103, 7003)), majorityAnswers);
              if (r.status === 200) return void (latest = r);
              await pause(300);
            }
          })(),
        ]);
        console.log(
          `after the cut: minority answers ${JSON.stringify(minorityAnswers)}; majority answers ${JSON.stringify(majorityAnswers)}`,
        );
        assert.equal(minorityAnswers.at(-1)?.status, 503, 'the minority refuses with 503 in the end');
        for (const a of minorityAnswers)
          assert.ok(
            (a.status === 503 && a.code === 'STORE_NO_QUORUM') || (a.status === 502 && a.code === 'STORE_UNAVAILABLE'),
            `a minority deploy was answered ${JSON.stringify(a)}`,
          );
        assert.equal(majorityAnswers.at(-1)?.status, 200, 'the majority takes a deploy');

        // Once the members have split and the majority masters every switch, both sides at once
        // again: the minority refuses at once, the majority's deploy is applied to every switch
        // by its own masters.
        await waitForSplit(rig, 2, 3);
        await waitForMasters(rig, majority);
        const [minorityAgain, majorityDeploy] = await Promise.all([
          attempt(minority, lineText(edgeSlice('zeta', 106, 7006)), minorityAnswers),
          attempt(majority[1], lineText(edgeSlice('epsilon', 105, 7005)), majorityAnswers),
        ]);
        assert.equal(minorityAgain.status, 503, JSON.stringify(minorityAgain.body));
        assert.equal(minorityAgain.body.code, 'STORE_NO_QUORUM');
        assert.equal(majorityDeploy.status, 200, JSON.stringify(majorityDeploy.body));
        const reports = majorityDeploy.body.switches as Array<{ dpid: string; status: string; node: string }>;
        assert.deepEqual(
          reports.map((s) => [s.dpid, s.status]),
          DPIDS.map((d) => [d, 'applied']),
        );
        assert.ok(
          reports.every((s) => s.node === 'n1' || s.node === 'n2'),
          `applied by the majority: ${JSON.stringify(reports)}`,
        );
        latest = majorityDeploy;

        // Heal: every node converges to the majority's latest revision.
        net.heal(2);
        await waitForConvergence(rig, 3);
        const status = await Promise.all(rig.nodes.map((n) => rig.api(n, 'GET', '/v1/status')));
        assert.deepEqual(
          status.map((s) => s.body.revision),
          rig.nodes.map(() => latest.body.revision),
        );
      } finally {
        doubleMasters = await sampler.stop();
        await history.stop();
      }
      assert.deepEqual(doubleMasters, [], 'Open vSwitch never had two masters of a bridge');
      const recorded = await history.finish(
        majority[0],
        BRIDGES.map((bridge) => ({ bridge, bound: ['alpha', 'beta', 'epsilon'] })),
      );
      assert.deepEqual(checkHistory(recorded), [], 'the recorded history');
      assert.ok(
        recorded.revisions.some((s) => s.node === 'n3'),
        'the minority node was sampled',
      );
    }),
  );
});
