// The harness itself against real Open vSwitch: two hosts across three userspace bridges,
// driven directly by ovs-testcontroller (no proxy), must ping each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { startTestController } from '../../src/lab/controllers.js';
import { freePort, waitFor } from '../../src/lab/proc.js';

test('harness: ovs-testcontroller drives three userspace bridges, hosts ping across them', { timeout: 60_000 }, async () => {
  const ovs = new OvsSandbox();
  const port = await freePort();
  const ctl = await startTestController(port);
  try {
    ovs.start();
    for (const [i, br] of ['s1', 's2', 's3'].entries()) ovs.addBridge(br, i + 1);
    ovs.link('s1', 3, 's2', 1);
    ovs.link('s2', 2, 's3', 3);
    const h1 = ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
    ovs.addHost({ name: 'h3', bridge: 's3', ofport: 1, ip: '10.0.0.3/24' });
    for (const br of ['s1', 's2', 's3']) ovs.setController(br, `tcp:127.0.0.1:${port}`);
    await waitFor('ping h1 -> h3', async () => (await ovs.ping(h1, '10.0.0.3', 1)).code === 0, 20_000, 200);
    const r = await ovs.ping(h1, '10.0.0.3', 3);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(ovs.dumpFlows('s2').length > 0, 'the learning switch installed flows on s2');
  } finally {
    await ctl.stop();
    ovs.teardown();
  }
});
