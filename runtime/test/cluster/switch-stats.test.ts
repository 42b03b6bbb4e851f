// The pure part of push-based statistics: cookies to slices, per-slice sums, port and meter
// statistics bodies as Open vSwitch sends them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatsCollector } from '../../src/cluster/stats-collector.js';
import { decodeMeterStats, decodePortStats, sumFlowsBySlice } from '../../src/cluster/switch-stats.js';
import { DISPATCH_SEQ, hvSliceCookie, HV_DROP_COOKIE, sliceCookie, sliceOfCookie } from '../../src/dataplane/cookies.js';

describe('switch statistics', () => {
  it('maps tenant and base-rule cookies to their slice and the isolation rule to none', () => {
    assert.deepEqual(sliceOfCookie(sliceCookie(0, 7)), { index: 0, tenant: true });
    assert.deepEqual(sliceOfCookie(sliceCookie(41, 1)), { index: 41, tenant: true });
    assert.deepEqual(sliceOfCookie(hvSliceCookie(3, 2)), { index: 3, tenant: false });
    assert.equal(sliceOfCookie(HV_DROP_COOKIE), null);
    assert.equal(sliceOfCookie(0n), null);
  });

  it('sums packets and bytes per slice and counts only tenant rules as flows', () => {
    const sums = sumFlowsBySlice([
      { cookie: sliceCookie(0, 1), packetCount: 10n, byteCount: 1000n },
      { cookie: sliceCookie(0, 2), packetCount: 5n, byteCount: 500n },
      { cookie: hvSliceCookie(0, 1), packetCount: 2n, byteCount: 120n },
      { cookie: sliceCookie(1, 1), packetCount: 1n, byteCount: 60n },
      { cookie: HV_DROP_COOKIE, packetCount: 99n, byteCount: 9999n },
      // an MPLS second-label dispatch (table 0): its packets are counted again by the table-1 tenant rule
      { cookie: hvSliceCookie(0, DISPATCH_SEQ), packetCount: 10n, byteCount: 1000n },
    ]);
    assert.deepEqual(sums.get(0), { packets: 17, bytes: 1620, flows: 2 });
    assert.deepEqual(sums.get(1), { packets: 1, bytes: 60, flows: 1 });
    assert.equal(sums.size, 2);
  });

  it('decodes OpenFlow 1.3 and 1.0 port statistics', () => {
    const b13 = Buffer.alloc(224);
    b13.writeUInt32BE(1, 0);
    b13.writeBigUInt64BE(3n, 8);
    b13.writeBigUInt64BE(4n, 16);
    b13.writeBigUInt64BE(300n, 24);
    b13.writeBigUInt64BE(400n, 32);
    b13.writeUInt32BE(0xfffffffe, 112);
    b13.writeBigUInt64BE(1n, 120);
    assert.deepEqual(decodePortStats(b13, 4), [
      { portNo: 1, rxPackets: 3, txPackets: 4, rxBytes: 300, txBytes: 400, rxDropped: 0, txDropped: 0 },
      { portNo: 0xfffffffe, rxPackets: 1, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0 },
    ]);
    const b10 = Buffer.alloc(104 + 50);
    b10.writeUInt16BE(2, 0);
    b10.writeBigUInt64BE(9n, 8);
    b10.writeBigUInt64BE(8n, 48);
    assert.deepEqual(decodePortStats(b10, 1), [
      { portNo: 2, rxPackets: 9, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 8 },
    ]);
  });

  it('decodes meter statistics with their bands and stops at a damaged entry', () => {
    const m = Buffer.alloc(56 + 40);
    m.writeUInt32BE(3, 0);
    m.writeUInt16BE(56, 4);
    m.writeUInt32BE(2, 12);
    m.writeBigUInt64BE(100n, 16);
    m.writeBigUInt64BE(6400n, 24);
    m.writeBigUInt64BE(7n, 40);
    m.writeBigUInt64BE(700n, 48);
    m.writeUInt32BE(4, 56);
    m.writeUInt16BE(200, 60); // length beyond the body
    assert.deepEqual(decodeMeterStats(m), [{ meterId: 3, flowCount: 2, packetsIn: 100, bytesIn: 6400, bandPackets: 7, bandBytes: 700 }]);
    assert.deepEqual(decodeMeterStats(Buffer.alloc(10)), []);
  });
});

describe('stats collector', () => {
  it('sums the switches this node masters per slice name and forgets switches it no longer masters', async () => {
    let mastered = ['01', '02'];
    let asked = 0;
    const collector = new StatsCollector(
      {
        mastered: () => mastered,
        sliceName: (i) => ['alpha', 'beta'][i],
        async collect(dpid) {
          asked++;
          const n = dpid === '01' ? 1n : 2n;
          return {
            dpid,
            at: Date.now(),
            ports: [],
            meters: [],
            flows: [
              { cookie: sliceCookie(0, 1), packetCount: 10n * n, byteCount: 100n * n },
              { cookie: sliceCookie(1, 1), packetCount: n, byteCount: 64n * n },
              { cookie: sliceCookie(7, 1), packetCount: 5n, byteCount: 5n }, // no such slice
            ],
          };
        },
      },
      1000,
    );
    await collector.round();
    assert.equal(asked, 2);
    assert.deepEqual(collector.sliceCounters('alpha'), {
      packets: 30,
      bytes: 300,
      flows: 2,
      perSwitch: [
        { dpid: '01', packets: 10, bytes: 100, flows: 1 },
        { dpid: '02', packets: 20, bytes: 200, flows: 1 },
      ],
      removed: { packets: 0, bytes: 0 },
      queues: [],
    });
    mastered = ['02'];
    await collector.round();
    assert.deepEqual(collector.sliceCounters('beta'), {
      packets: 2,
      bytes: 128,
      flows: 1,
      perSwitch: [{ dpid: '02', packets: 2, bytes: 128, flows: 1 }],
      removed: { packets: 0, bytes: 0 },
      queues: [],
    });
    mastered = [];
    await collector.round();
    assert.equal(collector.sliceCounters('alpha'), undefined);
  });
});
