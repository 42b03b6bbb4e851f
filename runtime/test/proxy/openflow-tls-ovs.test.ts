// OpenFlow over TLS on both sides of the proxy, against real processes: an Open vSwitch bridge
// connecting with `ovs-vsctl set-ssl` + `set-controller ssl:`, the tenants an ovs-testcontroller
// listening on `pssl:` and os-ken with --ctl-privkey/--ctl-cert/--ca-certs (both check the proxy's
// client certificate against their CA). Certificates are
// made here with openssl. Hosts ping through the slice; a switch whose certificate another CA
// signed, a peer with no certificate, a plain-TCP peer and a silent peer on the TLS port are
// refused (and counted) while the real switch keeps being served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { connect as tcpConnect } from 'node:net';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { startOsken, startTestController, type TenantController } from '../../src/lab/controllers.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { tlsRefusalCounts } from '../../src/proxy/openflow-tls.js';
import { limitCounts } from '../../src/proxy/channel-limits.js';
import { emulatedSwitch } from '../harness/emulated-switch.js';
import { TestPki, type KeyPair } from '../harness/pki.js';
import { linePlan } from './fixtures.js';

const pki = new TestPki();
const ovs = new OvsSandbox();
let proxy: SlicingProxy;
let ctl: TenantController | undefined;
let osken: TenantController | undefined;
let ofPort: number;
let ca: KeyPair;
let rogueCa: KeyPair;
let proxyPair: KeyPair;
const hosts: Record<string, Host> = {};

const material = (kp: KeyPair, authority: KeyPair) => ({
  cert: readFileSync(kp.cert),
  key: readFileSync(kp.key),
  ca: readFileSync(authority.cert),
});
const refusals = (peer: string, reason: string) => tlsRefusalCounts().find((x) => x.peer === peer && x.reason === reason)?.count ?? 0;
const timeouts = () => limitCounts().find((x) => x.peer === 'switch' && x.cause === 'handshake_timeout')?.count ?? 0;

before(async () => {
  ca = pki.authority('dfv-ca');
  rogueCa = pki.authority('rogue-ca');
  proxyPair = pki.leaf('proxy', ca);
  const switchPair = pki.leaf('switch', ca);
  const ctlPair = pki.leaf('controller', ca);
  proxy = new SlicingProxy({
    ofListen: '127.0.0.1:0',
    ofTls: material(proxyPair, ca),
    tenantTls: material(proxyPair, ca),
    ofPlainListen: '127.0.0.1:0',
    limits: { handshakeMs: 3000 },
  });
  ovs.start();
  ovs.addBridge('s1', 1, 'OpenFlow13');
  hosts.h1 = ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
  hosts.h2 = ovs.addHost({ name: 'h2', bridge: 's1', ofport: 2, ip: '10.0.0.2/24' });
  hosts.h3 = ovs.addHost({ name: 'h3', bridge: 's1', ofport: 3, ip: '10.0.0.3/24' });
  hosts.h4 = ovs.addHost({ name: 'h4', bridge: 's1', ofport: 4, ip: '10.0.0.4/24' });
  const ctlPort = await freePort();
  const oskenPort = await freePort();
  const ctlTls = { key: ctlPair.key, cert: ctlPair.cert, ca: ca.cert };
  ctl = await startTestController(ctlPort, 'OpenFlow13', ctlTls);
  osken = await startOsken(oskenPort, ctlTls);
  ofPort = (await proxy.start()).port;
  const plan = linePlan([
    {
      name: 'alpha',
      controllerPort: ctlPort,
      vlan: 101,
      flowspace: [
        [1, 1, {}],
        [1, 2, {}],
      ],
    },
    {
      name: 'beta',
      controllerPort: oskenPort,
      vlan: 102,
      flowspace: [
        [1, 3, {}],
        [1, 4, {}],
      ],
    },
  ]);
  plan.slices[0]!.controllers = [{ url: `ssl:127.0.0.1:${ctlPort}`, host: '127.0.0.1', port: ctlPort }];
  plan.slices[1]!.controllers = [{ url: `ssl:127.0.0.1:${oskenPort}`, host: '127.0.0.1', port: oskenPort }];
  await proxy.applyPlan(plan);
  ovs.vsctl('set-ssl', switchPair.key, switchPair.cert, ca.cert);
  ovs.setController('s1', `ssl:127.0.0.1:${ofPort}`);
  await waitFor(
    's1 over TLS and both ssl: tenants connected',
    () => proxy.status().switches.some((s) => s.slices.filter((b) => b.connected).length === 2),
    30_000,
    100,
  );
});

after(async () => {
  await proxy?.stop().catch(() => {});
  await ctl?.stop().catch(() => {});
  await osken?.stop().catch(() => {});
  ovs.teardown();
  pki.remove();
});

async function pings(): Promise<void> {
  await waitFor('h1 reaches h2', async () => (await ovs.ping(hosts.h1!, '10.0.0.2', 1)).code === 0, 20_000, 200);
}

/** A TLS client on the listener; resolves with the bytes it received once the proxy closes it. */
function tlsPeer(o: { cert?: KeyPair }): Promise<{ received: number; secure: boolean }> {
  return new Promise((resolve) => {
    let received = 0;
    let secure = false;
    const s = tlsConnect({
      host: '127.0.0.1',
      port: ofPort,
      ca: readFileSync(ca.cert),
      ...(o.cert ? { cert: readFileSync(o.cert.cert), key: readFileSync(o.cert.key) } : {}),
    });
    s.on('secureConnect', () => {
      secure = true;
      // An OpenFlow 1.3 hello: a refused peer never gets one back.
      s.write(Buffer.from([4, 0, 0, 8, 0, 0, 0, 1]));
    });
    s.on('data', (d) => (received += d.length));
    s.on('error', () => {});
    s.on('close', () => resolve({ received, secure }));
  });
}

test('hosts ping through slices whose switch and controllers (ovs-testcontroller, os-ken) all speak OpenFlow over TLS', async () => {
  const st = proxy.status();
  assert.deepEqual(st.listeners, [
    { host: '127.0.0.1', port: ofPort, tls: true },
    { host: '127.0.0.1', port: proxy.plainAddress()!.port, tls: false },
  ]);
  assert.equal(st.switches.length, 1);
  assert.equal(st.switches[0]!.dpid, '0000000000000001');
  await pings();
  await waitFor('h3 reaches h4 (os-ken over TLS)', async () => (await ovs.ping(hosts.h3!, '10.0.0.4', 1)).code === 0, 20_000, 200);
  assert.notEqual((await ovs.ping(hosts.h1!, '10.0.0.3', 1)).code, 0, "alpha's host does not reach beta's");
  // ovs-testcontroller's learned flows reached the switch through both TLS connections.
  await waitFor(
    'tenant flows on s1',
    () => ovs.dumpFlows('s1').some((f) => f.includes('dl_dst=') && f.includes('idle_timeout')),
    10_000,
    100,
  );
});

test('a switch whose certificate another CA signed is refused and counted; the real switch keeps its service', async () => {
  const before = refusals('switch', 'unauthorized');
  const r = await tlsPeer({ cert: pki.leaf('rogue-switch', rogueCa) });
  assert.equal(r.received, 0, 'the refused peer got no OpenFlow byte');
  assert.equal(refusals('switch', 'unauthorized'), before + 1);
  const none = await tlsPeer({});
  assert.equal(none.received, 0, 'a peer without a certificate got no OpenFlow byte');
  assert.equal(refusals('switch', 'unauthorized'), before + 2);
  assert.equal(proxy.status().switches.length, 1);
  await pings();
});

test('a plain-TCP OpenFlow peer on the TLS listener is refused cleanly; a silent one at the handshake bound', async () => {
  const before = refusals('switch', 'handshake_failed');
  const plain = emulatedSwitch(ofPort, 1n);
  await plain.closed;
  assert.deepEqual(plain.types, [], 'no OpenFlow message reached the plain peer');
  assert.equal(refusals('switch', 'handshake_failed'), before + 1);
  const t = timeouts();
  await new Promise<void>((resolve) => {
    const s = tcpConnect(ofPort, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => resolve());
  });
  assert.equal(timeouts(), t + 1, 'the silent peer was closed by the handshake bound');
  assert.equal(proxy.status().switches.length, 1);
  await pings();
});

test('an ssl: controller whose certificate another CA signed is refused and counted', async () => {
  const rogue = pki.leaf('rogue-controller', rogueCa);
  const port = await freePort();
  const impostor = await startTestController(port, 'OpenFlow13', { key: rogue.key, cert: rogue.cert, ca: ca.cert });
  try {
    const before = refusals('tenant', 'unauthorized');
    const plan = proxy.currentPlan()!;
    const next = structuredClone(plan);
    next.slices[0]!.controllers = [{ url: `ssl:127.0.0.1:${port}`, host: '127.0.0.1', port }];
    await proxy.applyPlan(next);
    await waitFor('the rogue controller refused', () => refusals('tenant', 'unauthorized') > before, 20_000, 100);
    const alpha = () => proxy.status().switches[0]!.slices.find((b) => b.slice === 'alpha');
    assert.equal(alpha()?.connected, false, 'alpha is not connected to the rogue controller');
    await proxy.applyPlan(plan);
    await waitFor('back on the real controller', () => alpha()?.connected, 20_000, 100);
  } finally {
    await impostor.stop();
  }
});

test('the plain listener beside the TLS one (ofPlainListen) serves a plain switch', async () => {
  const plain = emulatedSwitch(proxy.plainAddress()!.port, 2n);
  await plain.identified;
  // Asked for its port descriptions: past the handshake and admitted, like a switch on the TLS listener.
  await waitFor('the plain switch is asked for its ports', () => plain.types.includes(18), 10_000, 50);
  assert.equal(plain.error, undefined, 'no OpenFlow error: the plain switch is served');
  plain.close();
  await plain.closed;
});
