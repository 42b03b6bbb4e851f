// The proxy's translation between its neutral messages and OpenFlow 1.3 / 1.0 bytes: the one
// translation (wire.ts) gives the same bytes as the codec path (translate.ts + codec), and Open
// vSwitch's own decoder (ovs-ofctl ofp-print) agrees with them. Framing, negotiation and malformed
// input are the codec's own tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { decodeMessage, encodeMessage, macText } from '../../src/openflow/index.js';
import { fromWire, toWire, matchFrom10, matchTo10, Untranslatable } from '../../src/proxy/translate.js';
import { FC, OFP10, OFP13, OFPP, type OfMessage } from '../../src/proxy/messages.js';
import { DecodeFailure, decodeFrame, EncodeFailure, encodeNeutral } from '../../src/proxy/wire.js';

const flowMod = (version: typeof OFP10 | typeof OFP13): OfMessage => ({
  version,
  xid: 9,
  type: 'flow_mod',
  cookie: 0x10000000000002n,
  cookieMask: 0n,
  tableId: 0,
  command: FC.ADD,
  idleTimeout: 60,
  hardTimeout: 0,
  priority: 116,
  bufferId: 0xffffffff,
  outPort: OFPP.ANY,
  outGroup: 0xffffffff,
  flags: 1,
  match: { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a010000n, mask: 0xffff0000n } },
  instructions: [
    {
      type: 'apply_actions',
      actions: [
        { type: 'push_vlan', ethertype: 0x8100 },
        { type: 'set_field', field: 'vlan_vid', value: 0x1065n },
        { type: 'output', port: 3, maxLen: 0 },
      ],
    },
  ],
});

const roundTrip = (m: OfMessage): { bytes: Buffer; back: OfMessage } => {
  const bytes = encodeNeutral(m, 'tenant');
  assert.ok(Buffer.isBuffer(bytes), bytes instanceof EncodeFailure ? bytes.message : '');
  assert.equal(
    bytes.toString('hex'),
    encodeMessage(toWire(m)).toString('hex'),
    'the one translation and the codec path write the same bytes',
  );
  const d = decodeFrame(bytes, 'switch');
  assert.ok(!(d instanceof DecodeFailure), d instanceof DecodeFailure ? d.message : '');
  const c = decodeMessage(bytes);
  assert.ok(c.ok, JSON.stringify(!c.ok && c.error));
  const { matchKeyAt: _hint, ...back } = d as OfMessage & { matchKeyAt?: number };
  assert.deepEqual(back, fromWire(c.msg), 'the one translation and the codec path read the same message');
  return { bytes, back: back as OfMessage };
};

test('OpenFlow 1.3 flow-mod: neutral → codec → neutral round trip, and ovs-ofctl ofp-print agrees', () => {
  const m = flowMod(OFP13);
  const { bytes, back } = roundTrip(m);
  assert.deepEqual(back, m);
  const printed = execFileSync('ovs-ofctl', ['ofp-print', bytes.toString('hex')], { encoding: 'utf8' });
  assert.match(printed, /OFPT_FLOW_MOD \(OF1\.3\)/);
  assert.match(printed, /priority=116,ip,in_port=1,nw_src=10\.1\.0\.0\/16/);
  assert.match(printed, /actions=push_vlan:0x8100,set_field:4197->vlan_vid,output:3/);
  assert.match(printed, /idle:60/);
});

test('OpenFlow 1.0 flow-mod: push_vlan + set vlan_vid becomes mod_vlan_vid, match survives, ovs-ofctl agrees', () => {
  const m = flowMod(OFP10);
  const { bytes, back } = roundTrip(m);
  assert.deepEqual((back as Extract<OfMessage, { type: 'flow_mod' }>).match, (m as Extract<OfMessage, { type: 'flow_mod' }>).match);
  const printed = execFileSync('ovs-ofctl', ['ofp-print', bytes.toString('hex')], { encoding: 'utf8' });
  assert.match(printed, /OFPT_FLOW_MOD \(xid=0x9\)/);
  assert.match(printed, /ip,in_port=1,nw_src=10\.1\.0\.0\/16/);
  assert.match(printed, /actions=mod_vlan_vid:101,output:3/);
});

test('OpenFlow 1.0 matches: reserved ports move to 1.3 numbering, prerequisites decide tp fields, masks must be prefixes', () => {
  const m = {
    in_port: { value: BigInt(OFPP.LOCAL) },
    eth_type: { value: 0x800n },
    ip_proto: { value: 17n },
    udp_dst: { value: 53n },
    eth_dst: { value: 0x020000000001n },
  };
  const x = matchTo10(m);
  assert.equal(x.inPort, 0xfffe);
  assert.equal(macText(x.dlDst), '02:00:00:00:00:01');
  assert.deepEqual(matchFrom10(x), m);
  assert.throws(() => matchTo10({ ipv4_src: { value: 0x0a000000n, mask: 0xff00ff00n } }), /prefix masks/);
  assert.throws(() => matchTo10({ ipv6_src: { value: 1n } }), /cannot match ipv6_src/);
});

test('messages the neutral model cannot slice: foreign OXM classes are refused, unknown types become "other"', () => {
  assert.throws(
    () =>
      fromWire({
        version: 4,
        type: 'flow_mod',
        xid: 1,
        cookie: 0n,
        cookieMask: 0n,
        tableId: 0,
        command: 0,
        idleTimeout: 0,
        hardTimeout: 0,
        priority: 1,
        bufferId: 0xffffffff,
        outPort: 0xffffffff,
        outGroup: 0xffffffff,
        flags: 0,
        match: [{ field: 'raw', oxmClass: 1, oxmField: 3, value: Buffer.from([0, 1]) }],
        instructions: [],
      }),
    (e: unknown) => e instanceof Untranslatable && e.kind === 'eperm_match',
  );
  assert.deepEqual(fromWire({ version: 4, type: 'group_mod', xid: 3, command: 0, groupType: 0, groupId: 1, buckets: [] }), {
    version: 4,
    xid: 3,
    type: 'other',
    name: 'group_mod',
  });
  assert.throws(
    () => toWire({ version: OFP10, xid: 1, type: 'meter_mod', command: 0, flags: 0, meterId: 1, bands: [] }),
    /OpenFlow 1\.0 has no meter_mod/,
  );
});
