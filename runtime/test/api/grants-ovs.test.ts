// End to end on Open vSwitch: a real `dfvisor run`, one userspace bridge with a host per tenant, and
// scripted tenant controllers. Tenants deploy with their own tokens inside their grants. Every slice
// alice tries that would reach bob's traffic (his port, his addresses, the whole switch, a read-only
// overlap, `all`) is refused before it is deployed, and with the widest slice her grant allows she
// receives packet-ins of her own host only, while bob's controller receives his (each controller
// installs a catch-all flow to itself, which the proxy narrows to the slice's flowspace).
// Run under the shared lock: flock /tmp/dfv-integration.lock node --test runtime/dist/test/api/grants-ovs.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { freePort, sleep, waitFor } from '../../src/lab/proc.js';
import { ScriptedController } from '../harness/scripted-controller.js';
import { OFPP, type OfMessage } from '../../src/proxy/messages.js';
import { baseFlowMod } from '../proxy/fixtures.js';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { files } from './fixtures.js';

const NETWORK = `network lab {
  switch s1 dpid 1 { port 1..4 }
}
grant "alice@example.org" {
  ports s1:1
  match ip_src 10.0.1.0/24
  controllers 127.0.0.0/8
}
grant "bob@example.org" {
  ports s1:2
  match ip_src 10.0.2.0/24
  controllers 127.0.0.0/8
}
`;

const slice = (name: string, owner: string, ctl: number, flowspace: string) => `slice ${name} {
  owner "${owner}"
  controller "tcp:127.0.0.1:${ctl}"
  flowspace { ${flowspace} }
}
`;

/** The IPv4 source of an untagged Ethernet frame carrying IPv4, else undefined. */
function ipSrc(m: OfMessage): string | undefined {
  if (m.type !== 'packet_in') return undefined;
  const d = m.data;
  if (d.length < 34 || d.readUInt16BE(12) !== 0x0800) return undefined;
  return `${d[26]}.${d[27]}.${d[28]}.${d[29]}`;
}

const packetInsFrom = (c: ScriptedController) =>
  c.conns
    .flatMap((x) => x.received)
    .map(ipSrc)
    .filter((s): s is string => s !== undefined);

describe("grants on Open vSwitch: no slice alice may deploy gets her bob's packet-ins", { timeout: 180_000 }, () => {
  let ovs: OvsSandbox;
  let rt: RuntimeProcess;
  let aliceCtl: ScriptedController;
  let bobCtl: ScriptedController;
  let alice: string;
  let bob: string;
  let hosts: { a1: Host; b1: Host };

  before(async () => {
    rt = await startRuntime();
    const token = async (owner: string) =>
      (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner } })).body.token as string;
    alice = await token('alice@example.org');
    bob = await token('bob@example.org');
    const net = await http(rt, 'POST', '/v1/deploy', { token: rt.adminToken, body: files(['network.slice', NETWORK]) });
    assert.equal(net.status, 200, JSON.stringify(net.body));
    aliceCtl = new ScriptedController(await freePort());
    bobCtl = new ScriptedController(await freePort());
    await aliceCtl.start();
    await bobCtl.start();
    ovs = new OvsSandbox();
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow13');
    hosts = {
      a1: ovs.addHost({ name: 'a1', bridge: 's1', ofport: 1, ip: '10.0.1.1/16' }),
      b1: ovs.addHost({ name: 'b1', bridge: 's1', ofport: 2, ip: '10.0.2.1/16' }),
    };
    // Static neighbours: the hosts send IPv4 at once (no ARP, which no grant holds).
    await ovs.inNs(hosts.a1, 'ip', ['neigh', 'add', '10.0.1.99', 'lladdr', '02:00:00:00:00:99', 'dev', 'eth0']);
    await ovs.inNs(hosts.b1, 'ip', ['neigh', 'add', '10.0.2.99', 'lladdr', '02:00:00:00:00:98', 'dev', 'eth0']);
    ovs.setController('s1', `tcp:127.0.0.1:${rt.ofPort}`);
  });

  after(async () => {
    await aliceCtl?.stop().catch(() => {});
    await bobCtl?.stop().catch(() => {});
    ovs?.teardown();
    await rt?.stop();
  });

  test('bob deploys his slice inside his grant', async () => {
    const r = await http(rt, 'POST', '/v1/deploy', {
      token: bob,
      body: files(['b.slice', slice('b', 'bob@example.org', bobCtl.port, 'mine: match ip_src 10.0.2.0/24 on s1:2')]),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test("every slice of alice's that would reach bob's traffic is refused before it is deployed", async () => {
    const spies = [
      'port: match ip_src 10.0.1.0/24 on s1:2',
      'addresses: match ip_src 10.0.2.0/24 on s1:1',
      'switch: match on s1',
      'everything: match on all',
      'read: match ip_src 10.0.0.0/16 on s1:1, s1:2 permit read',
      'wildcard: match eth_type ipv4 on s1:1',
    ];
    for (const [i, rule] of spies.entries()) {
      const r = await http(rt, 'POST', '/v1/deploy', {
        token: alice,
        body: files([`spy${i}.slice`, slice(`spy${i}`, 'alice@example.org', aliceCtl.port, rule)]),
      });
      assert.equal(r.status, 422, `${rule}: ${JSON.stringify(r.body)}`);
      assert.ok(
        r.body.diagnostics.some((d: { code: string }) => d.code === 'SL602'),
        `${rule}: ${JSON.stringify(r.body.diagnostics)}`,
      );
    }
    const deployed = await http(rt, 'GET', '/v1/slices', { token: rt.adminToken });
    assert.deepEqual(
      deployed.body.slices.map((s: { name: string }) => s.name),
      ['b'],
    );
  });

  test("with the widest slice her grant allows, alice gets her own packet-ins and none of bob's", async () => {
    const r = await http(rt, 'POST', '/v1/deploy', {
      token: alice,
      body: files(['a.slice', slice('a', 'alice@example.org', aliceCtl.port, 'mine: match ip_src 10.0.1.0/24 on s1:1')]),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Each controller asks for every packet it can get: a catch-all flow to the controller, which the
    // proxy narrows to the slice's flowspace.
    const toController = [
      { type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: OFPP.CONTROLLER, maxLen: 0xffff }] },
    ];
    for (const c of [aliceCtl, bobCtl]) {
      const conn = await c.connection(1n, 30_000);
      const x = c.send(conn, { type: 'flow_mod', ...baseFlowMod({ priority: 7, instructions: toController }) });
      const replies = await c.settle(conn, [x]);
      assert.deepEqual(
        replies.map((m) => m.type),
        [],
        'the catch-all flow is accepted (narrowed), not refused',
      );
    }
    // Both hosts send until each controller has seen its own host's packets (the check can fail).
    const seenBy = () =>
      `alice: ${aliceCtl.conns.flatMap((c) => c.received.map((m) => m.type)).join(',')} ${packetInsFrom(aliceCtl).join(',')}; ` +
      `bob: ${bobCtl.conns.flatMap((c) => c.received.map((m) => m.type)).join(',')} ${packetInsFrom(bobCtl).join(',')}; ` +
      `flows: ${ovs.dumpFlows('s1').join(' | ')}`;
    await waitFor(
      'packet-ins of a1 at alice and of b1 at bob',
      async () => {
        await Promise.all([ovs.ping(hosts.a1, '10.0.1.99', 2), ovs.ping(hosts.b1, '10.0.2.99', 2)]);
        return packetInsFrom(aliceCtl).includes('10.0.1.1') && packetInsFrom(bobCtl).includes('10.0.2.1');
      },
      60_000,
      200,
    ).catch((e: Error) => assert.fail(`${e.message}: ${seenBy()}`));
    // More of bob's traffic, then nothing of it may have reached alice.
    await ovs.ping(hosts.b1, '10.0.2.99', 5);
    await sleep(500);
    const seen = packetInsFrom(aliceCtl);
    assert.deepEqual(
      seen.filter((ip) => !ip.startsWith('10.0.1.')),
      [],
      `alice received packet-ins of other sources: ${seen.join(', ')}`,
    );
    assert.ok(
      packetInsFrom(bobCtl).every((ip) => ip.startsWith('10.0.2.')),
      'bob receives only his own',
    );
  });
});
