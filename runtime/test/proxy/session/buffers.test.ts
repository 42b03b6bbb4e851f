// Buffer ids against fake connections: a buffered packet-in keeps its buffer id when one slice
// gets it untagged; a flow-mod or packet-out naming the id is accepted from that slice once (the
// id on one physical rule) and refused with BAD_REQUEST/BUFFER_UNKNOWN from another slice, after
// expiry, for a made-up id and a second time; tagged or shared deliveries carry OFP_NO_BUFFER.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorNumbers, OFP_NO_BUFFER, OFPFC, OFPP13 as OFPP } from '../../../src/openflow/index.js';
import { NO_COOKIE } from '../../../src/dataplane/cookies.js';
import { OFP10, type OfVersion } from '../../../src/proxy/messages.js';
import { BUFFER_OWNERS_EXPIRY_MS, BufferOwners, NO_HOLD } from '../../../src/proxy/session/buffer-owners.js';
import { CoarseClock } from '../../../src/proxy/coarse-clock.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectSession, flowMod } from './fake.js';
import { ipv4Frame, plan } from './plan.js';
import { linePlan } from '../fixtures.js';

function ready(p = plan, version?: OfVersion) {
  const clock = { t: 1_000_000 };
  const rig = connectSession(p, { now: () => clock.t, ...(version ? { version, tenantVersion: version } : {}) });
  rig.channel.answerBarriers();
  const x = rig.host.tenants.get('x')!,
    y = rig.host.tenants.get('y')!;
  x.ready();
  y.ready();
  return { ...rig, x, y, clock, before: rig.channel.sent.length };
}

const packetIn = (inPort: number, data: Buffer, bufferId: number) => ({
  type: 'packet_in' as const,
  xid: 0,
  bufferId,
  totalLen: data.length + 100,
  reason: 0,
  tableId: 0,
  cookie: NO_COOKIE,
  match: { in_port: { value: BigInt(inPort) } },
  data,
});

const packetOut = (xid: number, bufferId: number, inPort = 1) => ({
  type: 'packet_out' as const,
  xid,
  bufferId,
  inPort,
  actions: [{ type: 'output' as const, port: OFPP.FLOOD, maxLen: 0 }],
  data: Buffer.alloc(0),
});

function bufferUnknown(version: OfVersion): [number, number] {
  const n = errorNumbers(version, 'BAD_REQUEST', 'BUFFER_UNKNOWN');
  return [n.type, n.code];
}

for (const version of [4, OFP10] as const) {
  test(`OpenFlow ${version === OFP10 ? '1.0' : '1.3'}: a buffered packet-in keeps its id; its slice's flow-mod uses it once, on one physical rule`, () => {
    const { channel, x, y, before } = ready(plan, version);
    channel.inject(packetIn(1, ipv4Frame('10.1.0.1', '10.1.0.2'), 77));
    const pin = x.of('packet_in')[0]!;
    assert.equal(pin.bufferId, 77, 'the buffer id reaches the slice');
    assert.equal(pin.totalLen, pin.data.length + 100, "the frame's full length, as the switch said");
    assert.equal(y.of('packet_in').length, 0);
    // x's flow-mod expands into the edge-port rule and the (tagged) link-port rule.
    x.sendToProxy(flowMod({ xid: 5, bufferId: 77, match: { eth_type: { value: 0x800n } } }));
    const sent = channel.sent.slice(before).filter((m) => m.type === 'flow_mod');
    assert.deepEqual(
      sent.map((f) => f.type === 'flow_mod' && [f.match.in_port?.value, f.bufferId]),
      [
        [1n, 77],
        [3n, OFP_NO_BUFFER],
      ],
      'the rule for the packet-in port carries the buffer, the other none',
    );
    assert.equal(x.of('error').length, 0);
    // OpenFlow consumed the buffer: the same id again is unknown.
    x.sendToProxy(packetOut(6, 77));
    assert.deepEqual(
      x.of('error').map((e) => [e.xid, e.errType, e.code]),
      [[6, ...bufferUnknown(version)]],
    );
    assert.equal(channel.sent.slice(before).filter((m) => m.type === 'packet_out').length, 0, 'never forwarded');
    assert.equal(channel.raw.length, 0);
  });
}

test('another slice, a made-up id and an expired id get BUFFER_UNKNOWN; nothing reaches the switch', () => {
  const { channel, x, y, clock, before, host } = ready();
  channel.inject(packetIn(1, ipv4Frame('10.1.0.1', '10.1.0.2'), 9));
  channel.inject(packetIn(2, ipv4Frame('10.2.0.1', '10.2.0.2'), 10));
  assert.equal(x.of('packet_in')[0]!.bufferId, 9);
  assert.equal(y.of('packet_in')[0]!.bufferId, 10);
  y.sendToProxy(flowMod({ xid: 1, bufferId: 9, match: { eth_type: { value: 0x800n } }, instructions: [] }));
  y.sendToProxy(packetOut(2, 9, 2));
  x.sendToProxy(flowMod({ xid: 3, bufferId: 12345, instructions: [] }));
  clock.t += BUFFER_OWNERS_EXPIRY_MS + 1;
  y.sendToProxy(packetOut(4, 10, 2));
  const code = bufferUnknown(4);
  assert.deepEqual(
    y.of('error').map((e) => [e.xid, e.errType, e.code]),
    [
      [1, ...code],
      [2, ...code],
      [4, ...code],
    ],
  );
  assert.deepEqual(
    x.of('error').map((e) => [e.xid, e.errType, e.code]),
    [[3, ...code]],
  );
  assert.equal(channel.sent.length, before, 'nothing forwarded');
  assert.equal(channel.raw.length, 0);
  assert.equal(host.sliceCounters.get('y')!.packetOutsRejected, 2);
  assert.equal(host.sliceCounters.get('y')!.flowModsRejected, 1);
  // x's own id expired as well.
  x.sendToProxy(packetOut(5, 9));
  assert.deepEqual(x.of('error').at(-1)!.xid, 5, 'expired for its owner as well');
});

test("the owner's packet-out with the buffer id is forwarded with it", () => {
  const { channel, x } = ready();
  channel.inject(packetIn(1, ipv4Frame('10.1.0.1', '10.1.0.2'), 21));
  x.sendToProxy(packetOut(7, 21));
  const po = channel.last('packet_out');
  assert.equal(po.bufferId, 21);
  assert.deepEqual(
    po.actions.map((a) => a.type),
    ['push_vlan', 'set_field', 'output'],
    "rewritten onto the slice's ports like any packet-out",
  );
  assert.equal(x.of('error').length, 0);
  // A delete names no buffer OpenFlow would use: accepted whatever the id.
  x.sendToProxy(flowMod({ xid: 8, command: OFPFC.DELETE, bufferId: 999, instructions: [] }));
  assert.equal(x.of('error').length, 0);
});

test('a packet-in stripped of its overlay tag, or delivered to several slices, carries OFP_NO_BUFFER and its data', () => {
  const { channel, x } = ready();
  channel.inject(packetIn(3, ipv4Frame('10.1.0.1', '10.1.0.2', 201), 31));
  const tagged = x.of('packet_in')[0]!;
  assert.equal(tagged.bufferId, OFP_NO_BUFFER, 'the tenant sees an untagged frame, not the buffered one');
  assert.equal(tagged.totalLen, tagged.data.length);
  x.sendToProxy(packetOut(1, 31));
  assert.deepEqual(
    x.of('error').map((e) => [e.xid, e.errType, e.code]),
    [[1, ...bufferUnknown(4)]],
    'that id was never handed out',
  );
  // Two slices reading the same port.
  const shared = linePlan([
    { name: 'x', controllerPort: 7001, vlan: 201, flowspace: [[1, 1, {}]] },
    { name: 'y', controllerPort: 7002, vlan: 202, flowspace: [[1, 1, { eth_type: 0x800 }]] },
  ]);
  const r = ready(shared);
  r.channel.inject(packetIn(1, ipv4Frame('10.1.0.1', '10.1.0.2'), 41));
  assert.deepEqual(
    [...r.x.of('packet_in'), ...r.y.of('packet_in')].map((m) => m.bufferId),
    [OFP_NO_BUFFER, OFP_NO_BUFFER],
  );
  r.x.sendToProxy(packetOut(1, 41));
  r.y.sendToProxy(packetOut(2, 41, 1));
  assert.deepEqual(
    [...r.x.of('error'), ...r.y.of('error')].map((e) => [e.xid, e.errType, e.code]),
    [
      [1, ...bufferUnknown(4)],
      [2, ...bufferUnknown(4)],
    ],
    'neither may use the buffer',
  );
});

test('the buffer table is bounded: the oldest ids are overwritten, a reused id names its latest packet', () => {
  const owners = new BufferOwners(() => 0, 4);
  for (let id = 1; id <= 6; id++) owners.delivered(id, id % 2, 1);
  assert.equal(owners.size, 4);
  assert.equal(owners.use(1, 1, false), null, 'overwritten');
  assert.equal(owners.use(3, 1, false), 1);
  owners.delivered(3, 0, 2);
  assert.equal(owners.use(3, 1, false), null, 'the id now belongs to the newer packet-in');
  assert.equal(owners.use(3, 0, true), 2);
  assert.equal(owners.use(3, 0, true), null, 'once');
  owners.forgetSlice(0);
  assert.equal(owners.use(4, 0, false), null);
  assert.equal(owners.use(5, 1, false), 1);
});

test('the buffer table answers as a plain map of the last `capacity` deliveries would (random ids, uses, expiries)', () => {
  // Oracle: an array of the live deliveries, newest last, at most `capacity` of them.
  let seed = 7;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (const capacity of [4, 16, 64]) {
    const clock = { t: 0 };
    const owners = new BufferOwners(() => clock.t, capacity, 100);
    let model: Array<{ id: number; slice: number; inPort: number; at: number; seq: number }> = [];
    let seq = 0;
    // Ids from a small range (reuse, collisions in the index) and with only high bits differing.
    const id = () => (rand(2) ? rand(3 * capacity) : (rand(8) << 24) | (rand(4) << 12));
    for (let step = 0; step < 20_000; step++) {
      clock.t += rand(3);
      const op = rand(3);
      if (op === 0) {
        const e = { id: id(), slice: rand(3), inPort: 1 + rand(5), at: clock.t, seq: seq++ };
        owners.delivered(e.id, e.slice, e.inPort);
        model = model.filter((m) => m.id !== e.id && m.seq > e.seq - capacity);
        model.push(e);
      } else {
        const want = id(),
          slice = rand(3),
          consume = op === 2;
        const m = model.find((x) => x.id === want);
        let expect: number | null = null;
        if (m && clock.t - m.at > 100) model = model.filter((x) => x !== m);
        else if (m && m.slice === slice) {
          expect = m.inPort;
          if (consume) model = model.filter((x) => x !== m);
        }
        assert.equal(owners.use(want, slice, consume), expect, `step ${step}: id ${want} slice ${slice}`);
      }
      if (step % 97 === 0) {
        const s = rand(3);
        owners.forgetSlice(s);
        model = model.filter((x) => x.slice !== s);
      }
      assert.equal(owners.size, model.length, `step ${step}: size`);
    }
  }
});

test("a flow-mod's one look-up: the handle gives the in_port and takes the id once; other slices get NO_HOLD", () => {
  const owners = new BufferOwners(() => 0, 8);
  owners.delivered(0x10000005, 2, 7);
  assert.equal(owners.lookup(0x10000005, 1), NO_HOLD, "another slice's");
  assert.equal(owners.lookup(0x10000006, 2), NO_HOLD, 'never delivered');
  const h = owners.lookup(0x10000005, 2);
  assert.notEqual(h, NO_HOLD);
  assert.equal(owners.inPortAt(h), 7);
  assert.equal(owners.size, 1, 'a look-up alone keeps the id');
  assert.equal(owners.take(h), 7);
  assert.equal(owners.size, 0);
  assert.equal(owners.lookup(0x10000005, 2), NO_HOLD, 'taken: once');
});

test('buffer ids expire by the coarse clock: a delivery is stamped with the last tick, and an id older than the expiry at a later tick is dropped', () => {
  const source = { t: 1_000 };
  const clock = new CoarseClock(() => source.t, 0); // ticks by hand
  const owners = new BufferOwners(clock.now, 16, 5_000);
  owners.delivered(1, 0, 3); // first read: the clock ticks (t 1 000)
  source.t = 3_000;
  owners.delivered(2, 0, 4); // no tick since: stamped 1 000 as well
  source.t = 6_500;
  assert.equal(owners.use(1, 0, false), 3, 'the clock has not ticked: still usable');
  clock.tick(); // 6 500: both are 5 500 ms old by the clock
  assert.equal(owners.use(1, 0, false), null, 'expired at the next tick');
  assert.equal(owners.size, 1, 'the expired id was dropped');
  assert.equal(owners.use(2, 0, true), null, 'stamped at the tick before its delivery: expired with it');
  assert.equal(owners.size, 0);
  owners.delivered(3, 1, 5);
  source.t = 11_000;
  clock.tick(); // 4 500 ms after the delivery's tick: inside the expiry
  assert.equal(owners.use(3, 1, true), 5);
});

test('the coarse clock follows its source on its own timer, and stops', async () => {
  const source = { t: 10 };
  const clock = new CoarseClock(() => source.t, 2);
  assert.equal(clock.now(), 10, 'the first read ticks');
  source.t = 42;
  while (clock.now() !== 42) await sleep(1); // the timer's next tick
  clock.stop();
  source.t = 50;
  assert.equal(clock.now(), 50, 'a read after stop() ticks and starts the timer again');
  clock.stop();
});
