// `dfvisor run --of-tls-* --tenant-tls-* --of-plain-listen` as a real process: an Open vSwitch bridge
// connects with `ssl:`, a slice deployed through the API names an `ssl:` ovs-testcontroller, and
// the hosts ping; the runtime's own listeners (the TLS one and the plain one) cannot be named as
// controllers; /metrics shows the controller up and a refused TLS peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { startRuntime, http } from './runtime-process.js';
import { files } from './fixtures.js';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { startTestController } from '../../src/lab/controllers.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { TestPki } from '../harness/pki.js';

const network = `network lab {
  switch s1 dpid 1 { port 1..4 }
}
`;
const slice = (ctl: string) => `slice alpha {
  owner "alice"
  controller "${ctl}"
  overlay vlan 100
  flowspace {
    edge: match on s1:1, s1:2
  }
}
`;

test('dfvisor run: switches and tenant controllers over TLS, hosts ping, own listeners refused as controllers', {
  timeout: 180_000,
}, async () => {
  const pki = new TestPki();
  const ca = pki.authority('dfv-ca');
  const node = pki.leaf('node', ca);
  const sw = pki.leaf('switch', ca);
  const ctlPair = pki.leaf('controller', ca);
  const [ofPort, plainPort, ctlPort] = [await freePort(), await freePort(), await freePort()];
  const ovs = new OvsSandbox();
  const ctl = await startTestController(ctlPort, 'OpenFlow13', { key: ctlPair.key, cert: ctlPair.cert, ca: ca.cert });
  const rt = await startRuntime({
    ofPort,
    args: [
      ...['--of-tls-cert', node.cert, '--of-tls-key', node.key, '--of-tls-ca', ca.cert],
      ...['--tenant-tls-cert', node.cert, '--tenant-tls-key', node.key, '--tenant-tls-ca', ca.cert],
      ...['--of-plain-listen', `127.0.0.1:${plainPort}`],
    ],
  });
  try {
    assert.match(rt.logs(), new RegExp(`OpenFlow 127\\.0\\.0\\.1:${ofPort} \\(TLS\\), plain OpenFlow 127\\.0\\.0\\.1:${plainPort}`));
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow13');
    const h1 = ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
    ovs.addHost({ name: 'h2', bridge: 's1', ofport: 2, ip: '10.0.0.2/24' });
    ovs.vsctl('set-ssl', sw.key, sw.cert, ca.cert);
    ovs.setController('s1', `ssl:127.0.0.1:${ofPort}`);

    // Neither of the runtime's OpenFlow listeners may be a slice's controller.
    for (const own of [`ssl:127.0.0.1:${ofPort}`, `tcp:127.0.0.1:${plainPort}`]) {
      const r = await http(rt, 'POST', '/v1/deploy', { token: rt.adminToken, body: files(['n.slice', network], ['a.slice', slice(own)]) });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.code, 'CONTROLLER_NOT_ALLOWED');
      assert.match(r.body.detail, /one of the runtime's own listeners/);
    }

    const d = await http(rt, 'POST', '/v1/deploy', {
      token: rt.adminToken,
      body: files(['n.slice', network], ['a.slice', slice(`ssl:127.0.0.1:${ctlPort}`)]),
    });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    await waitFor('h1 reaches h2 through TLS on both sides', async () => (await ovs.ping(h1, '10.0.0.2', 1)).code === 0, 40_000, 250);

    // A plain-TCP peer on the TLS port is refused and counted; the node keeps serving.
    await new Promise<void>((resolve) => {
      const s = tcpConnect(ofPort, '127.0.0.1', () => s.write(Buffer.from([4, 0, 0, 8, 0, 0, 0, 1])));
      s.on('error', () => {});
      s.on('close', () => resolve());
    });
    const metrics = await http(rt, 'GET', '/metrics', { token: rt.adminToken });
    const text = String(metrics.body);
    assert.match(text, new RegExp(`dfvisor_controller_connected\\{slice="alpha",url="ssl:127\\.0\\.0\\.1:${ctlPort}"\\} 1`));
    assert.match(text, /dfvisor_openflow_tls_refused_total\{peer="switch",reason="handshake_failed"\} 1/);
    assert.equal((await ovs.ping(h1, '10.0.0.2', 1)).code, 0, 'still served after the refusal');
  } finally {
    await rt.stop();
    await ctl.stop();
    ovs.teardown();
    pki.remove();
  }
});
