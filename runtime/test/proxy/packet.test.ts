// Packet summaries (packet.ts): the headers a packet-in is classified by, read from the frame's
// bytes, and the reused summary a session keeps (PacketSummaryScratch) answering exactly as a
// fresh one after any earlier frame (no field of an earlier frame left behind).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketSummaryScratch, summarizePacket, type PacketSummary } from '../../src/proxy/packet.js';
import { ipv4Frame } from './session/plan.js';

/** The summary with its headers' defined fields only, in name order. */
const plain = (s: PacketSummary) => ({
  ...s,
  headers: Object.fromEntries(
    Object.entries(s.headers)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  ),
});

test('a tagged and an untagged IPv4/UDP frame: MACs, VLAN, addresses and ports as numbers', () => {
  const untagged = plain(summarizePacket(ipv4Frame('10.1.0.1', '192.168.0.2')));
  assert.deepEqual(untagged, {
    headers: {
      eth_dst: 0x020000000002,
      eth_src: 0x020000000001,
      eth_type: 0x0800,
      ip_dscp: 0,
      ip_proto: 17,
      ipv4_dst: 0xc0a80002,
      ipv4_src: 0x0a010001,
      udp_dst: 2000,
      udp_src: 1000,
    },
    vlan: null,
    ethType: 0x0800,
    l3: 14,
  });
  const tagged = plain(summarizePacket(ipv4Frame('10.1.0.1', '10.1.0.2', 0xa000 | 201)));
  assert.equal(tagged.vlan, 201);
  assert.equal(tagged.headers.vlan_pcp, 5);
  assert.equal(tagged.l3, 18);
  assert.equal(tagged.headers.udp_dst, 2000);
});

test('the reused summary answers as a fresh one for every frame, whatever came before (random frames)', () => {
  let seed = 11;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const scratch = new PacketSummaryScratch();
  for (let i = 0; i < 5_000; i++) {
    const frame = Buffer.alloc(rand(90));
    for (let j = 0; j < frame.length; j++) frame[j] = rand(256);
    // Often a real ethertype (VLAN, IPv4) and IP protocol, so that every branch is taken.
    const tagged = frame.length >= 18 && rand(3) === 0;
    if (tagged) frame.writeUInt16BE(0x8100, 12);
    const l3 = tagged ? 18 : 14;
    if (frame.length >= l3 && rand(3) > 0) frame.writeUInt16BE(0x0800, l3 - 2);
    if (frame.length > l3 + 9) {
      frame[l3] = 0x45;
      frame[l3 + 9] = [6, 17, 1][rand(3)]!;
    }
    assert.deepEqual(plain(scratch.read(frame)), plain(summarizePacket(frame)), `frame ${frame.toString('hex')}`);
  }
});
