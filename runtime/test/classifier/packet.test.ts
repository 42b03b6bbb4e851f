// The normal form of packet headers (packet.ts): values, presence bits, and one read per field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeInto, normalizePacket, type PacketHeaders } from '../../src/classifier/packet.js';
import { FIELD_ID, FIELDS, SLOT_COUNT } from '../../src/classifier/fields.js';

const slot = (key: keyof typeof FIELD_ID): number => FIELDS[FIELD_ID[key]]!.slot;
const bit = (key: keyof typeof FIELD_ID): number => 1 << FIELD_ID[key];

describe('packet normal form', () => {
  it('writes present fields, leaves absent and malformed ones at -1 and overwrites what the vector held', () => {
    const values = new Array<number>(SLOT_COUNT).fill(7);
    const h: PacketHeaders = {
      eth_src: 'aa:bb:cc:dd:ee:ff',
      eth_type: 0x800,
      ip_proto: 300, // out of range: absent
      ipv4_dst: '10.0.0.1',
      ipv6_src: [1, 2, 3, 4],
      tcp_dst: 80,
      udp_src: 1.5, // not an integer: absent
    };
    const present = normalizeInto(h, values);
    assert.equal(present, bit('eth_src') | bit('eth_type') | bit('ipv4_dst') | bit('ipv6_src') | bit('tcp_dst'));
    const want = new Array<number>(SLOT_COUNT).fill(-1);
    want[slot('eth_src')] = 0xaabbccddeeff;
    want[slot('eth_type')] = 0x800;
    want[slot('ipv4_dst')] = 0x0a000001;
    want.splice(slot('ipv6_src'), 4, 1, 2, 3, 4);
    want[slot('tcp_dst')] = 80;
    assert.deepEqual(values, want);
    assert.deepEqual(normalizePacket(h), { values: want, present });
  });

  it('reads each header field exactly once, present or not', () => {
    const reads = new Map<PropertyKey, number>();
    const target: PacketHeaders = { eth_dst: 0x0a, vlan_vid: 5, ipv6_dst: '::1', udp_dst: 53 };
    const counted = new Proxy(target, {
      get(t, key, receiver) {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        return Reflect.get(t, key, receiver);
      },
    });
    const present = normalizeInto(counted, new Array<number>(SLOT_COUNT));
    assert.equal(present, bit('eth_dst') | bit('vlan_vid') | bit('ipv6_dst') | bit('udp_dst'));
    assert.deepEqual([...reads.keys()].sort(), FIELDS.map((f) => f.key).sort());
    assert.ok(
      [...reads.values()].every((n) => n === 1),
      `reads: ${JSON.stringify([...reads])}`,
    );
  });
});
