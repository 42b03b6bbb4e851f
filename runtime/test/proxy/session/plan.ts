// The plan the session unit tests use: switch s1 (dpid 1, ports 1-4, port 3 links to s2) with
// slice x (edge port 1, capped) and slice y (edge port 2, 10.2/16 only, at most 3 entries).
import { linePlan } from '../fixtures.js';

export const plan = linePlan([
  {
    name: 'x',
    controllerPort: 7001,
    vlan: 201,
    flowspace: [
      [1, 1, {}],
      [2, null, {}],
    ],
    capKbps: 1000,
  },
  {
    name: 'y',
    controllerPort: 7002,
    vlan: 202,
    flowspace: [
      [1, 2, { eth_type: 0x800, ipv4_src: '10.2.0.0/16' }],
      [2, null, {}],
    ],
    flowEntries: 3,
  },
]);

/** An untagged IPv4/UDP frame (or VLAN-tagged with `vlan`). */
export function ipv4Frame(src: string, dst: string, vlan?: number): Buffer {
  const ip = (s: string) => Buffer.from(s.split('.').map(Number));
  const eth = Buffer.alloc(14);
  Buffer.from([0x02, 0, 0, 0, 0, 2]).copy(eth, 0);
  Buffer.from([0x02, 0, 0, 0, 0, 1]).copy(eth, 6);
  eth.writeUInt16BE(0x0800, 12);
  const body = Buffer.alloc(46);
  body[0] = 0x45;
  body.writeUInt16BE(46, 2);
  body[8] = 64;
  body[9] = 17;
  ip(src).copy(body, 12);
  ip(dst).copy(body, 16);
  body.writeUInt16BE(1000, 20);
  body.writeUInt16BE(2000, 22);
  if (vlan === undefined) return Buffer.concat([eth, body]);
  const tag = Buffer.alloc(4);
  tag.writeUInt16BE(0x8100, 0);
  tag.writeUInt16BE(vlan, 2);
  return Buffer.concat([eth.subarray(0, 12), tag, eth.subarray(12), body]);
}
