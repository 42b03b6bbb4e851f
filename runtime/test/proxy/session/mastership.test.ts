// Mastership against a fake switch: an arbitrated session waits for its role; master sends a
// role request with the generation id, learns the switch's meters and programs the plan; slave
// drops its tenants and keeps the flows; tenant rule numbers start past the generation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP10 } from '../../../src/proxy/messages.js';
import { OFPCR_ROLE, OFPMC } from '../../../src/openflow/constants.js';
import { firstRuleNumber } from '../../../src/dataplane/cookies.js';
import { connectSession, flowMod, recordingLogger } from './fake.js';
import { plan } from './plan.js';

test("master: role request with the generation id, the switch's meters learnt, then the plan", async () => {
  const { session, channel, host } = connectSession(plan, { arbitrated: true });
  const becoming = session.setRole('master', 7n);
  const rr = channel.last('role_request');
  assert.deepEqual([rr.role, rr.generationId], [OFPCR_ROLE.MASTER, 7n]);
  const meters = channel.last('multipart_request');
  assert.equal(meters.mpType, 'meter');
  assert.equal(channel.of('flow_mod').length, 0, 'nothing programmed before the meters are known');
  // The previous master added slice x's meter of port 1 already: this one modifies it, adds port 3's.
  channel.inject({
    type: 'multipart_reply',
    xid: meters.xid,
    mpType: 'meter',
    flags: 0,
    meterStats: [{ meterId: 0x10001, flowCount: 0, packetInCount: 0n, byteInCount: 0n, bandPackets: 0n, bandBytes: 0n }],
  });
  channel.inject({ type: 'role_reply', xid: rr.xid, role: OFPCR_ROLE.MASTER, generationId: 7n });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    channel.of('meter_mod').map((m) => [m.command, m.meterId]),
    [
      [OFPMC.MODIFY, 0x10001],
      [OFPMC.ADD, 0x10003],
    ],
  );
  channel.answerBarriers();
  const r = await becoming;
  assert.equal(r?.ok, true);
  assert.deepEqual(r?.slicesAdded, ['x', 'y']);
  assert.equal(session.role, 'master');
  assert.equal(session.generationId, 7n);
  assert.equal(host.tenants.size, 2);
  assert.equal(await session.setRole('master', 8n), undefined, 'already master: nothing to program');
});

test('slave: role request, tenants dropped, their entries no longer counted here, no flow removed', async () => {
  const { session, channel, host } = connectSession(plan);
  channel.answerBarriers();
  const x = host.tenants.get('x')!;
  x.ready();
  x.sendToProxy(flowMod({ xid: 1, match: { in_port: { value: 1n } }, instructions: [] }));
  assert.equal(host.sliceCounters.get('x')!.flowEntries, 1);
  const flowMods = channel.of('flow_mod').length;
  assert.equal(await session.setRole('slave', 9n), undefined);
  assert.deepEqual([channel.last('role_request').role, channel.last('role_request').generationId], [OFPCR_ROLE.SLAVE, 9n]);
  assert.equal(session.bindings.size, 0);
  assert.ok(x.stopped);
  assert.equal(host.sliceCounters.get('x')!.flowEntries, 0);
  assert.equal(channel.of('flow_mod').length, flowMods, 'the flows stay on the switch');
  const r = await session.apply(connectSession(plan).views);
  assert.deepEqual(r.notes, ['0000000000000001: not programmed here (this node is a slave)']);
});

test('a refused role request is logged; the session goes on', async () => {
  const lines: string[] = [];
  const { session, channel } = connectSession(null, { arbitrated: true, log: recordingLogger(lines) });
  void session.setRole('slave', 1n);
  channel.inject({ type: 'error', xid: channel.last('role_request').xid, errType: 11, code: 0, data: Buffer.alloc(0) });
  void session.setRole('master', 2n);
  channel.inject({ type: 'error', xid: channel.last('role_request').xid, errType: 1, code: 5, data: Buffer.alloc(0) });
  assert.deepEqual(
    lines.filter((l) => l.startsWith('warn')),
    ['warn role request refused by the switch', 'warn role request failed'],
  );
  assert.equal(session.role, 'master');
});

test('a MASTER request refused as stale, or a write answered IS_SLAVE: the session acts as slave and tells the host once', async () => {
  const lines: string[] = [];
  const { session, channel, host } = connectSession(null, { arbitrated: true, log: recordingLogger(lines) });
  const told: Array<[string, bigint]> = [];
  host.roleRefused = (dpid, generationId) => void told.push([dpid, generationId]);
  void session.setRole('master', 4n);
  // OFPET_ROLE_REQUEST_FAILED / OFPRRFC_STALE: the switch has seen a newer generation id.
  channel.inject({ type: 'error', xid: channel.last('role_request').xid, errType: 11, code: 0, data: Buffer.alloc(0) });
  assert.equal(session.role, 'slave');
  assert.deepEqual(told, [['0000000000000001', 4n]]);
  // Taking the role again with a newer generation makes it master and programs the switch.
  void session.setRole('master', 5n);
  assert.equal(session.role, 'master');
  const rr = channel.last('role_request');
  assert.deepEqual([rr.role, rr.generationId], [OFPCR_ROLE.MASTER, 5n]);
  // Refused again (the switch saw more than one newer id): told again, with that generation.
  channel.inject({ type: 'error', xid: rr.xid, errType: 11, code: 0, data: Buffer.alloc(0) });
  assert.equal(session.role, 'slave');
  assert.deepEqual(told, [
    ['0000000000000001', 4n],
    ['0000000000000001', 5n],
  ]);
});

test('OpenFlow 1.0 has no roles: only what this node does changes', async () => {
  const { session, channel } = connectSession(null, { version: OFP10, arbitrated: true });
  const becoming = session.setRole('master', 3n);
  await new Promise((r) => setImmediate(r));
  channel.answerBarriers();
  const r = await becoming;
  assert.equal(channel.of('role_request').length, 0);
  assert.equal(session.role, 'master');
  assert.deepEqual([r?.ok, r?.slicesAdded], [true, []]);
});

test("a new master's tenant rules are numbered past its generation (cookies never reused)", async () => {
  const { session, channel, host } = connectSession(plan, { arbitrated: true });
  const becoming = session.setRole('master', 5n);
  channel.inject({ type: 'multipart_reply', xid: channel.last('multipart_request').xid, mpType: 'meter', flags: 0, meterStats: [] });
  await new Promise((r) => setImmediate(r));
  channel.answerBarriers();
  await becoming;
  const x = host.tenants.get('x')!;
  x.ready();
  x.sendToProxy(flowMod({ xid: 1, match: { in_port: { value: 1n } }, instructions: [] }));
  const rule = Number(channel.last('flow_mod').cookie & 0xffffffffffffn);
  assert.equal(rule, firstRuleNumber(5n));
  assert.equal(rule, 5 * 2 ** 32 + 1);
});
