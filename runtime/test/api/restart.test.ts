// Restart: deploy, kill -9 the runtime, start it again on the same data directory: the same
// revision is active and pushed to the (real Open vSwitch) switch again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRuntime, http } from './runtime-process.js';
import { NETWORK, sliceText, files } from './fixtures.js';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { freePort, waitFor } from '../../src/lab/proc.js';

test('kill -9 and restart: same revision active, rules pushed to the switch again', { timeout: 120_000 }, async () => {
  const ovs = new OvsSandbox();
  const ofPort = await freePort();
  let rt = await startRuntime({ ofPort });
  try {
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow13');
    ovs.setController('s1', `tcp:127.0.0.1:${ofPort}`);
    await waitFor(
      'switch connected',
      async () =>
        (await http(rt, 'GET', '/v1/status', { token: rt.adminToken })).body.switches.some((s: { connected: boolean }) => s.connected),
      20_000,
    );
    const d = await http(rt, 'POST', '/v1/deploy', {
      token: rt.adminToken,
      body: files(['net.slice', NETWORK], ['a.slice', sliceText('alpha', 'alice', { port: 1, tag: 100 })]),
    });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const tagged = () =>
      ovs.dumpFlows('s1').some((f) => /dl_vlan=100|vlan_vid=100|push_vlan|mod_vlan_vid:100|set_field:4196->vlan_vid/.test(f));
    await waitFor('base rules of alpha on s1', () => tagged(), 20_000);
    const before = ovs.dumpFlows('s1').length;

    await rt.kill9();
    ovs.ofctl('-O', 'OpenFlow13', 'del-flows', 's1');
    assert.equal(tagged(), false, 'the switch lost its rules while the runtime was down');

    rt = await startRuntime({ ofPort, dataDir: rt.dataDir });
    const revs = await http(rt, 'GET', '/v1/revisions', { token: rt.adminToken });
    assert.equal(revs.body.active, 1);
    const slices = await http(rt, 'GET', '/v1/slices', { token: rt.adminToken });
    assert.deepEqual(
      slices.body.slices.map((s: { name: string }) => s.name),
      ['alpha'],
    );
    await waitFor('rules pushed again after restart', () => tagged(), 30_000);
    assert.ok(ovs.dumpFlows('s1').length >= before, 'all base rules back');
  } finally {
    await rt.stop();
    ovs.teardown();
  }
});
