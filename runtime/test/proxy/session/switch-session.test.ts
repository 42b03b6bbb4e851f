// The session's lifecycle and dispatch against a fake switch channel: the handshake in 1.3 and
// 1.0, multi-part port descriptions, readiness, and what a closed connection ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP10, OFP13 } from '../../../src/proxy/messages.js';
import { SwitchSession } from '../../../src/proxy/session/index.js';
import { connectSession, fakeHost, FakeSwitchChannel, port } from './fake.js';
import { plan } from './plan.js';

test('1.3 handshake: hello, features, port descriptions (all parts), config, then the plan', () => {
  const channel = new FakeSwitchChannel();
  const host = fakeHost();
  const session = new SwitchSession(channel, host, () => null);
  assert.equal(channel.hellos, 1);
  channel.negotiate(OFP13);
  const fr = channel.last('features_request');
  assert.equal(fr.version, OFP13);
  channel.inject({
    type: 'features_reply',
    xid: fr.xid,
    dpid: 0xabn,
    nBuffers: 0,
    nTables: 254,
    auxiliaryId: 0,
    capabilities: 0x4f,
    actions: 0,
    ports: [],
  });
  assert.equal(session.dpid, '00000000000000ab');
  // The port descriptions, then table 0's capacity (answered after them: the handshake waits for the ports only).
  assert.deepEqual(
    channel.of('multipart_request').map((m) => m.mpType),
    ['port_desc', 'table_features'],
  );
  const pd = channel.of('multipart_request')[0]!;
  channel.inject({ type: 'multipart_reply', xid: pd.xid, mpType: 'port_desc', flags: 1, ports: [port(1), port(2)] });
  assert.equal(session.ready, false, 'more parts follow');
  channel.inject({ type: 'multipart_reply', xid: pd.xid, mpType: 'port_desc', flags: 0, ports: [port(3)] });
  assert.equal(session.ready, true);
  assert.deepEqual([...session.ports.keys()], [1, 2, 3]);
  assert.equal(channel.last('set_config').missSendLen, 0xffff);
  assert.equal(host.readyCalls, 1);
});

test('1.0 handshake: the ports come with the features reply', () => {
  const { session, channel, host } = connectSession(null, { version: OFP10, ports: [1, 5] });
  assert.equal(session.ready, true);
  assert.equal(session.version, OFP10);
  assert.deepEqual([...session.ports.keys()], [1, 5]);
  // No port descriptions: the only request is table 0's capacity (table statistics), not waited for.
  assert.deepEqual(
    channel.of('multipart_request').map((m) => m.mpType),
    ['table'],
  );
  assert.equal(host.readyCalls, 1);
});

test('one node (not arbitrated): master at once, the plan is applied on connect', async () => {
  const { session, channel, views } = connectSession(plan);
  assert.equal(session.role, 'master');
  assert.deepEqual([...session.bindings.keys()], ['x', 'y']);
  assert.ok(channel.of('flow_mod').length > 0);
  // The same plan again: nothing to add or remove.
  const again = session.apply(views);
  channel.answerBarriers();
  const r = await again;
  assert.equal(r.ok, true);
  assert.deepEqual([r.slicesAdded, r.slicesRemoved], [[], []]);
});

test('a closed connection stops the tenants, ends the apply under way and tells the host', async () => {
  const { session, channel, host } = connectSession(plan);
  const applying = session.apply(null);
  channel.close('switch gone');
  const r = await applying;
  assert.equal(r.ok, false);
  assert.equal(session.bindings.size, 0);
  assert.ok([...host.tenants.values()].every((t) => t.stopped));
  assert.equal(host.closedCalls, 1);
  assert.equal((await session.apply(null)).errors[0], 'switch not ready');
});

test('a message the session cannot handle is logged, not thrown', () => {
  const { channel, session } = connectSession(null);
  // A packet-in without data: the classifier's packet summary cannot read it.
  assert.doesNotThrow(() =>
    channel.inject({
      type: 'packet_in',
      xid: 0,
      bufferId: 0,
      totalLen: 0,
      reason: 0,
      tableId: 0,
      cookie: 0n,
      match: {},
      data: undefined as unknown as Buffer,
    }),
  );
  assert.equal(session.ready, true);
});
