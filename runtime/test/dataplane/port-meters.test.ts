// Meters per (slice, output port): ids, the limits guarantees put on a guaranteed link port, the
// combination with the cap, and the one meter of a flow that outputs to several ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from '@dfvisor/grammar';
import { guaranteeLimitsKbps, portMeterId, portMeterRateKbps, tightestPortMeter } from '../../src/dataplane/port-meters.js';

const end = (sw: number, port: number) => ({ switch: `s${sw}`, dpid: sw.toString(16).padStart(16, '0'), port });
const plan = {
  network: {
    name: 'n',
    switches: [],
    links: [
      { id: 's1:3<->s2:1', a: end(1, 3), b: end(2, 1), capacityBps: 100e6 },
      { id: 's2:2<->s3:3', a: end(2, 2), b: end(3, 3), capacityBps: null },
    ],
  },
  slices: [
    { name: 'alpha', qos: { capBps: null, guarantees: [{ link: 's1:3<->s2:1', bps: 30e6 }], classes: [] } },
    { name: 'beta', qos: { capBps: null, guarantees: [{ link: 's1:3<->s2:1', bps: 20e6 }], classes: [] } },
    { name: 'gamma', qos: { capBps: null, guarantees: [], classes: [] } },
  ],
} as unknown as Pick<Plan, 'network' | 'slices'>;

test('meter ids: (slice id + 1) << 16 | port, none for ports without a slot', () => {
  assert.equal(portMeterId(0, 3), 0x10003);
  assert.equal(portMeterId(2, 0xffff), 0x3ffff);
  assert.equal(portMeterId(0xfffd, 1), 0xfffe0001);
  assert.equal(portMeterId(0, 0x10000), null);
  assert.equal(portMeterId(0, 0), null);
});

test('guarantee limits: capacity minus the other slices’ guarantees, at both ends of the link; unbounded links none', () => {
  assert.deepEqual(guaranteeLimitsKbps(plan, 'alpha', end(1, 0).dpid), { 3: 80_000 });
  assert.deepEqual(guaranteeLimitsKbps(plan, 'beta', end(2, 0).dpid), { 1: 70_000 });
  assert.deepEqual(
    guaranteeLimitsKbps(plan, 'gamma', end(1, 0).dpid),
    { 3: 50_000 },
    'the unguaranteed rest: capacity minus all guarantees',
  );
  assert.deepEqual(guaranteeLimitsKbps(plan, 'alpha', end(3, 0).dpid), {});
});

test('rate into a port: the tighter of the cap and the port limit; a flow takes its tightest port’s meter', () => {
  const limits = { 3: 80_000 };
  assert.equal(portMeterRateKbps(null, limits, 3), 80_000);
  assert.equal(portMeterRateKbps(null, limits, 1), null);
  assert.equal(portMeterRateKbps(50_000, limits, 3), 50_000);
  assert.equal(portMeterRateKbps(90_000, limits, 3), 80_000);
  assert.equal(portMeterRateKbps(90_000, limits, 1), 90_000);
  const rate = (p: number) => portMeterRateKbps(90_000, limits, p);
  assert.deepEqual(tightestPortMeter(0, [1, 3], rate), { meterId: 0x10003, rateKbps: 80_000 });
  assert.deepEqual(tightestPortMeter(0, [1, 2], rate), { meterId: 0x10001, rateKbps: 90_000 }, 'equal rates: the lowest id');
  assert.equal(
    tightestPortMeter(0, [1, 3], (p) => portMeterRateKbps(null, {}, p)),
    null,
  );
});
