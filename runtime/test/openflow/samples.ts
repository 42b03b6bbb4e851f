/** A wide set of hand-built messages of every type, shared by round-trip and cross-check tests. */
import {
  MATCH10_ALL, OFPVID_PRESENT, OFP_NO_BUFFER, type OfMessage, type OxmTlv, type Port13, type Port10,
  type Match10, versionBitmap, ipv4ToBytes, ipv6ToBytes, macToBytes,
} from '../../src/openflow/index.js';

/** Address values in the codec's binary form (the decoder gives these; text only when printing). */
export const MAC = (s: string): bigint => BigInt(`0x${macToBytes(s).toString('hex')}`);
export const IP4 = (s: string): number => ipv4ToBytes(s).readUInt32BE(0);
export const IP6 = (s: string): bigint => BigInt(`0x${ipv6ToBytes(s).toString('hex')}`);

export const port13: Port13 = {
  portNo: 3, hwAddr: '52:54:00:ab:cd:ef', name: 'veth-s1-3', config: 0, state: 4, curr: 0x2840, advertised: 0,
  supported: 0, peer: 0, currSpeed: 10000000, maxSpeed: 0,
};
export const port10: Port10 = {
  portNo: 2, hwAddr: '02:00:00:00:00:02', name: 's1-eth2', config: 1, state: 0, curr: 0xc0, advertised: 0, supported: 0, peer: 0,
};

/** Many OXM fields with and without masks. */
export const richMatch: OxmTlv[] = [
  { field: 'in_port', value: 7 },
  { field: 'in_phy_port', value: 8 },
  { field: 'metadata', value: 0x0123456789abcdefn, mask: 0xffffffff00000000n },
  { field: 'eth_dst', value: MAC('aa:bb:cc:dd:ee:ff') },
  { field: 'eth_src', value: MAC('00:11:22:33:44:00'), mask: MAC('ff:ff:ff:ff:ff:00') },
  { field: 'eth_type', value: 0x0800 },
  { field: 'vlan_vid', value: OFPVID_PRESENT | 100 },
  { field: 'vlan_pcp', value: 5 },
  { field: 'ip_dscp', value: 46 },
  { field: 'ip_ecn', value: 2 },
  { field: 'ip_proto', value: 6 },
  { field: 'ipv4_src', value: IP4('10.0.0.0'), mask: IP4('255.255.255.0') },
  { field: 'ipv4_dst', value: IP4('192.168.1.20') },
  { field: 'tcp_src', value: 12345 },
  { field: 'tcp_dst', value: 80 },
];

export const ipv6Match: OxmTlv[] = [
  { field: 'eth_type', value: 0x86dd },
  { field: 'ipv6_src', value: IP6('2001:db8::1') },
  { field: 'ipv6_dst', value: IP6('fe80::'), mask: IP6('ffff:ffff:ffff:ffff::') },
  { field: 'ipv6_flabel', value: 0x12345 },
  { field: 'ip_proto', value: 58 },
  { field: 'icmpv6_type', value: 135 },
  { field: 'icmpv6_code', value: 0 },
  { field: 'ipv6_nd_target', value: IP6('2001:db8::2') },
  { field: 'ipv6_nd_sll', value: MAC('00:00:00:00:00:01') },
  { field: 'ipv6_exthdr', value: 0x100, mask: 0x1ff },
];

export const arpMatch: OxmTlv[] = [
  { field: 'eth_type', value: 0x0806 },
  { field: 'arp_op', value: 1 },
  { field: 'arp_spa', value: IP4('10.0.0.1') },
  { field: 'arp_tpa', value: IP4('10.0.0.0'), mask: IP4('255.0.0.0') },
  { field: 'arp_sha', value: MAC('00:00:00:00:00:0a') },
  { field: 'arp_tha', value: MAC('00:00:00:00:00:0b') },
];

export const mplsMatch: OxmTlv[] = [
  { field: 'eth_type', value: 0x8847 },
  { field: 'mpls_label', value: 0xabcde },
  { field: 'mpls_tc', value: 3 },
  { field: 'mpls_bos', value: 1 },
];

export const miscMatch: OxmTlv[] = [
  { field: 'pbb_isid', value: 0x123456, mask: 0xffff00 },
  { field: 'tunnel_id', value: 0xfeedn },
  { field: 'udp_src', value: 53 },
  { field: 'udp_dst', value: 5353 },
  { field: 'sctp_src', value: 1 },
  { field: 'sctp_dst', value: 2 },
  { field: 'icmpv4_type', value: 8 },
  { field: 'icmpv4_code', value: 0 },
  { field: 'ipv6_nd_tll', value: MAC('00:00:00:00:00:02') },
  { field: 'raw', oxmClass: 0x0001, oxmField: 0, value: Buffer.from([0, 0, 0, 5]) },
];

export const match10: Match10 = {
  ...MATCH10_ALL,
  wildcards: 0x3820e0 & ~0x1 & ~0x10,
  inPort: 1, dlType: 0x0800, nwSrc: IP4('10.0.0.1'), nwDst: IP4('10.0.0.2'), nwProto: 6, tpSrc: 1000, tpDst: 22,
  dlSrc: MAC('00:00:00:00:00:01'), dlDst: MAC('00:00:00:00:00:02'),
};

const frame = Buffer.from('ffffffffffff000000000001080600010800060400010000000000010a0000010000000000000a000002', 'hex');

/** One or more messages of every type in OpenFlow 1.3. */
export const samples13: OfMessage[] = [
  { version: 4, type: 'hello', xid: 1, elements: [versionBitmap([1, 4])] },
  { version: 4, type: 'hello', xid: 2, elements: [] },
  { version: 4, type: 'error', xid: 3, errorType: 1, code: 6, data: Buffer.from('04140008000000ff', 'hex') },
  { version: 4, type: 'error', xid: 4, errorType: 0xffff, code: 7, experimenter: 0x2320, data: Buffer.alloc(0) },
  { version: 4, type: 'echo_request', xid: 5, data: Buffer.from('ping') },
  { version: 4, type: 'echo_reply', xid: 5, data: Buffer.alloc(0) },
  { version: 4, type: 'experimenter', xid: 6, experimenter: 0x2320, expType: 21, data: Buffer.from([1, 2, 3, 4]) },
  { version: 4, type: 'features_request', xid: 7 },
  { version: 4, type: 'features_reply', xid: 7, datapathId: 0x0000000000000001n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 },
  { version: 4, type: 'get_config_request', xid: 8 },
  { version: 4, type: 'get_config_reply', xid: 8, flags: 0, missSendLen: 128 },
  { version: 4, type: 'set_config', xid: 9, flags: 1, missSendLen: 0xffff },
  { version: 4, type: 'packet_in', xid: 10, bufferId: OFP_NO_BUFFER, totalLen: frame.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: frame },
  { version: 4, type: 'packet_in', xid: 11, bufferId: 256, totalLen: 1500, reason: 1, tableId: 3, cookie: 0xdeadbeefn, match: richMatch, data: frame },
  { version: 4, type: 'flow_removed', xid: 12, cookie: 0x10n, priority: 100, reason: 0, tableId: 0, durationSec: 5, durationNsec: 1000, idleTimeout: 10, hardTimeout: 0, packetCount: 3n, byteCount: 294n, match: arpMatch },
  { version: 4, type: 'port_status', xid: 13, reason: 2, port: port13 },
  { version: 4, type: 'packet_out', xid: 14, bufferId: OFP_NO_BUFFER, inPort: 0xfffffffd, actions: [{ type: 'output', port: 0xfffffffb, maxLen: 0 }], data: frame },
  {
    version: 4, type: 'flow_mod', xid: 15, cookie: 0x1234n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 30,
    hardTimeout: 60, priority: 1000, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 1,
    match: richMatch,
    instructions: [
      { type: 'meter', meterId: 5 },
      {
        type: 'apply_actions', actions: [
          { type: 'push_vlan', ethertype: 0x8100 },
          { type: 'set_field', field: { field: 'vlan_vid', value: OFPVID_PRESENT | 42 } },
          { type: 'set_field', field: { field: 'ipv4_dst', value: IP4('10.1.2.3') } },
          { type: 'set_field', field: { field: 'eth_src', value: MAC('02:00:00:00:00:01') } },
          { type: 'set_queue', queueId: 2 },
          { type: 'output', port: 2, maxLen: 0 },
          { type: 'output', port: 0xfffffffd, maxLen: 0xffff },
        ],
      },
      { type: 'write_metadata', metadata: 0xabn, mask: 0xffn },
      { type: 'goto_table', tableId: 1 },
    ],
  },
  {
    version: 4, type: 'flow_mod', xid: 16, cookie: 0n, cookieMask: 0n, tableId: 1, command: 1, idleTimeout: 0,
    hardTimeout: 0, priority: 10, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0,
    match: mplsMatch,
    instructions: [
      {
        type: 'write_actions', actions: [
          { type: 'copy_ttl_out' }, { type: 'copy_ttl_in' }, { type: 'set_mpls_ttl', ttl: 64 }, { type: 'dec_mpls_ttl' },
          { type: 'pop_vlan' }, { type: 'push_mpls', ethertype: 0x8847 }, { type: 'pop_mpls', ethertype: 0x0800 },
          { type: 'group', groupId: 7 }, { type: 'set_nw_ttl', ttl: 9 }, { type: 'dec_nw_ttl' },
          { type: 'push_pbb', ethertype: 0x88e7 }, { type: 'pop_pbb' },
          { type: 'experimenter', experimenter: 0x2320, data: Buffer.from('000a000000000000', 'hex') },
        ],
      },
      { type: 'clear_actions' },
      { type: 'experimenter', experimenter: 0x00abcdef, data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) },
    ],
  },
  {
    version: 4, type: 'flow_mod', xid: 17, cookie: 0n, cookieMask: 0n, tableId: 0xff, command: 3, idleTimeout: 0,
    hardTimeout: 0, priority: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0,
    match: [], instructions: [],
  },
  {
    version: 4, type: 'flow_mod', xid: 18, cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0,
    hardTimeout: 0, priority: 5, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0,
    match: ipv6Match, instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
  },
  {
    version: 4, type: 'flow_mod', xid: 19, cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0,
    hardTimeout: 0, priority: 6, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0,
    match: miscMatch, instructions: [{ type: 'apply_actions', actions: [] }],
  },
  {
    version: 4, type: 'group_mod', xid: 20, command: 0, groupType: 1, groupId: 7,
    buckets: [
      { weight: 50, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1, maxLen: 0 }] },
      { weight: 50, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'set_field', field: { field: 'tcp_dst', value: 8080 } }, { type: 'output', port: 2, maxLen: 0 }] },
    ],
  },
  { version: 4, type: 'group_mod', xid: 21, command: 2, groupType: 0, groupId: 0xfffffffc, buckets: [] },
  { version: 4, type: 'port_mod', xid: 22, portNo: 3, hwAddr: '52:54:00:ab:cd:ef', config: 1, mask: 1, advertise: 0 },
  { version: 4, type: 'table_mod', xid: 23, tableId: 0xff, config: 0 },
  { version: 4, type: 'multipart_request', xid: 24, flags: 0, body: { mpType: 'desc' } },
  { version: 4, type: 'multipart_reply', xid: 24, flags: 0, body: { mpType: 'desc', mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '3.1.0', serialNum: 'None', dpDesc: 's1' } },
  { version: 4, type: 'multipart_request', xid: 25, flags: 0, body: { mpType: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [{ field: 'eth_type', value: 0x0800 }] } },
  {
    version: 4, type: 'multipart_reply', xid: 25, flags: 0, body: {
      mpType: 'flow', stats: [
        { tableId: 0, durationSec: 10, durationNsec: 5, priority: 100, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 1n, packetCount: 10n, byteCount: 980n, match: richMatch, instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }] },
        { tableId: 1, durationSec: 1, durationNsec: 0, priority: 0, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n, match: [], instructions: [] },
      ],
    },
  },
  { version: 4, type: 'multipart_request', xid: 26, flags: 0, body: { mpType: 'aggregate', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } },
  { version: 4, type: 'multipart_reply', xid: 26, flags: 0, body: { mpType: 'aggregate', packetCount: 100n, byteCount: 9800n, flowCount: 3 } },
  { version: 4, type: 'multipart_request', xid: 27, flags: 0, body: { mpType: 'table' } },
  { version: 4, type: 'multipart_reply', xid: 27, flags: 0, body: { mpType: 'table', stats: [{ tableId: 0, activeCount: 4, lookupCount: 100n, matchedCount: 90n }, { tableId: 1, activeCount: 0, lookupCount: 0n, matchedCount: 0n }] } },
  { version: 4, type: 'multipart_request', xid: 28, flags: 0, body: { mpType: 'port_stats', portNo: 0xffffffff } },
  {
    version: 4, type: 'multipart_reply', xid: 28, flags: 0, body: {
      mpType: 'port_stats', stats: [{
        portNo: 1, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 5n, txDropped: 6n, rxErrors: 7n, txErrors: 8n,
        rxFrameErr: 9n, rxOverErr: 10n, rxCrcErr: 11n, collisions: 12n, durationSec: 13, durationNsec: 14,
      }],
    },
  },
  { version: 4, type: 'multipart_request', xid: 29, flags: 0, body: { mpType: 'queue', portNo: 0xffffffff, queueId: 0xffffffff } },
  { version: 4, type: 'multipart_reply', xid: 29, flags: 0, body: { mpType: 'queue', stats: [{ portNo: 1, queueId: 2, txBytes: 1000n, txPackets: 10n, txErrors: 0n, durationSec: 3, durationNsec: 4 }] } },
  { version: 4, type: 'multipart_request', xid: 30, flags: 0, body: { mpType: 'group', groupId: 0xfffffffc } },
  { version: 4, type: 'multipart_reply', xid: 30, flags: 0, body: { mpType: 'group', stats: [{ groupId: 7, refCount: 1, packetCount: 5n, byteCount: 500n, durationSec: 1, durationNsec: 2, bucketStats: [{ packetCount: 2n, byteCount: 200n }, { packetCount: 3n, byteCount: 300n }] }] } },
  { version: 4, type: 'multipart_request', xid: 31, flags: 0, body: { mpType: 'group_desc' } },
  { version: 4, type: 'multipart_reply', xid: 31, flags: 0, body: { mpType: 'group_desc', groups: [{ groupType: 0, groupId: 7, buckets: [{ weight: 0, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1, maxLen: 0 }] }] }] } },
  { version: 4, type: 'multipart_request', xid: 32, flags: 0, body: { mpType: 'meter', meterId: 0xffffffff } },
  { version: 4, type: 'multipart_reply', xid: 32, flags: 0, body: { mpType: 'meter', stats: [{ meterId: 1, flowCount: 2, packetInCount: 100n, byteInCount: 10000n, durationSec: 5, durationNsec: 6, bandStats: [{ packetBandCount: 7n, byteBandCount: 700n }] }] } },
  { version: 4, type: 'multipart_request', xid: 33, flags: 0, body: { mpType: 'meter_config', meterId: 0xffffffff } },
  { version: 4, type: 'multipart_reply', xid: 33, flags: 0, body: { mpType: 'meter_config', configs: [{ flags: 0x9, meterId: 1, bands: [{ type: 'drop', rate: 1000, burstSize: 100 }] }, { flags: 0x6, meterId: 2, bands: [{ type: 'dscp_remark', rate: 500, burstSize: 10, precLevel: 1 }] }] } },
  { version: 4, type: 'multipart_request', xid: 34, flags: 0, body: { mpType: 'meter_features' } },
  { version: 4, type: 'multipart_reply', xid: 34, flags: 0, body: { mpType: 'meter_features', maxMeter: 200000, bandTypes: 2, capabilities: 0xf, maxBands: 1, maxColor: 0 } },
  { version: 4, type: 'multipart_request', xid: 35, flags: 0, body: { mpType: 'port_desc' } },
  { version: 4, type: 'multipart_reply', xid: 35, flags: 0, body: { mpType: 'port_desc', ports: [port13, { ...port13, portNo: 0xfffffffe, name: 's1', hwAddr: '52:54:00:00:00:01' }] } },
  { version: 4, type: 'multipart_request', xid: 36, flags: 0, body: { mpType: 'group_features' } },
  { version: 4, type: 'multipart_reply', xid: 36, flags: 0, body: { mpType: 'group_features', data: Buffer.alloc(40, 1) } },
  { version: 4, type: 'multipart_request', xid: 37, flags: 0, body: { mpType: 'table_features', data: Buffer.alloc(0) } },
  { version: 4, type: 'multipart_request', xid: 38, flags: 0, body: { mpType: 'experimenter', experimenter: 0x2320, expType: 1, data: Buffer.from([9]) } },
  { version: 4, type: 'multipart_reply', xid: 38, flags: 1, body: { mpType: 'experimenter', experimenter: 0x2320, expType: 1, data: Buffer.alloc(0) } },
  { version: 4, type: 'barrier_request', xid: 39 },
  { version: 4, type: 'barrier_reply', xid: 39 },
  { version: 4, type: 'queue_get_config_request', xid: 40, port: 1 },
  { version: 4, type: 'queue_get_config_reply', xid: 40, port: 1, queues: [{ queueId: 1, port: 1, properties: [{ property: 1, rate: 100 }, { property: 2, rate: 500 }] }, { queueId: 2, port: 1, properties: [] }] },
  { version: 4, type: 'role_request', xid: 41, role: 2, generationId: 0x1122334455667788n },
  { version: 4, type: 'role_reply', xid: 41, role: 2, generationId: 0x1122334455667788n },
  { version: 4, type: 'get_async_request', xid: 42 },
  { version: 4, type: 'get_async_reply', xid: 42, packetInMask: [3, 0], portStatusMask: [7, 7], flowRemovedMask: [15, 0] },
  { version: 4, type: 'set_async', xid: 43, packetInMask: [1, 0], portStatusMask: [7, 7], flowRemovedMask: [0, 0] },
  { version: 4, type: 'meter_mod', xid: 44, command: 0, flags: 0x5, meterId: 1, bands: [{ type: 'drop', rate: 10000, burstSize: 1000 }] },
  { version: 4, type: 'meter_mod', xid: 45, command: 1, flags: 0xa, meterId: 2, bands: [{ type: 'dscp_remark', rate: 100, burstSize: 0, precLevel: 2 }, { type: 'experimenter', rate: 5, burstSize: 6, experimenter: 0x2320, data: Buffer.alloc(0) }] },
  { version: 4, type: 'meter_mod', xid: 46, command: 2, flags: 0, meterId: 0xffffffff, bands: [] },
];

/** One or more messages of every type in OpenFlow 1.0. */
export const samples10: OfMessage[] = [
  { version: 1, type: 'hello', xid: 1, elements: [] },
  { version: 1, type: 'error', xid: 2, errorType: 3, code: 2, data: Buffer.from('010e0048', 'hex') },
  { version: 1, type: 'echo_request', xid: 3, data: Buffer.alloc(0) },
  { version: 1, type: 'echo_reply', xid: 3, data: Buffer.from([1, 2]) },
  { version: 1, type: 'experimenter', xid: 4, experimenter: 0x2320, data: Buffer.from('0000000a', 'hex') },
  { version: 1, type: 'features_request', xid: 5 },
  { version: 1, type: 'features_reply', xid: 5, datapathId: 0x2n, nBuffers: 256, nTables: 254, capabilities: 0xc7, actions: 0xfff, ports: [port10, { ...port10, portNo: 0xfffe, name: 's1' }] },
  { version: 1, type: 'get_config_request', xid: 6 },
  { version: 1, type: 'get_config_reply', xid: 6, flags: 0, missSendLen: 128 },
  { version: 1, type: 'set_config', xid: 7, flags: 0, missSendLen: 0xffff },
  { version: 1, type: 'packet_in', xid: 8, bufferId: OFP_NO_BUFFER, totalLen: frame.length, inPort: 1, reason: 0, data: frame },
  { version: 1, type: 'flow_removed', xid: 9, match: match10, cookie: 5n, priority: 10, reason: 1, durationSec: 1, durationNsec: 2, idleTimeout: 3, packetCount: 4n, byteCount: 5n },
  { version: 1, type: 'port_status', xid: 10, reason: 0, port: port10 },
  { version: 1, type: 'packet_out', xid: 11, bufferId: OFP_NO_BUFFER, inPort: 0xffff, actions: [{ type: 'output', port: 0xfffb, maxLen: 0 }], data: frame },
  {
    version: 1, type: 'flow_mod', xid: 12, match: match10, cookie: 0x99n, command: 0, idleTimeout: 5, hardTimeout: 10,
    priority: 0x8000, bufferId: OFP_NO_BUFFER, outPort: 0xffff, flags: 1,
    actions: [
      { type: 'set_vlan_vid', vlanVid: 10 }, { type: 'set_vlan_pcp', vlanPcp: 3 }, { type: 'strip_vlan' },
      { type: 'set_dl_src', mac: '00:00:00:00:00:aa' }, { type: 'set_dl_dst', mac: '00:00:00:00:00:bb' },
      { type: 'set_nw_src', ip: '1.2.3.4' }, { type: 'set_nw_dst', ip: '5.6.7.8' }, { type: 'set_nw_tos', tos: 0x20 },
      { type: 'set_tp_src', port: 1111 }, { type: 'set_tp_dst', port: 2222 }, { type: 'enqueue', port: 2, queueId: 1 },
      { type: 'output', port: 3, maxLen: 0 },
      { type: 'experimenter', experimenter: 0x2320, data: Buffer.from('000a000000000000', 'hex') },
    ],
  },
  { version: 1, type: 'flow_mod', xid: 13, match: MATCH10_ALL, cookie: 0n, command: 3, idleTimeout: 0, hardTimeout: 0, priority: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffff, flags: 0, actions: [] },
  { version: 1, type: 'port_mod', xid: 14, portNo: 2, hwAddr: '02:00:00:00:00:02', config: 1, mask: 1, advertise: 0 },
  { version: 1, type: 'multipart_request', xid: 15, flags: 0, body: { mpType: 'desc' } },
  { version: 1, type: 'multipart_reply', xid: 15, flags: 0, body: { mpType: 'desc', mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '3.1.0', serialNum: 'None', dpDesc: 'None' } },
  { version: 1, type: 'multipart_request', xid: 16, flags: 0, body: { mpType: 'flow', match: MATCH10_ALL, tableId: 0xff, outPort: 0xffff } },
  { version: 1, type: 'multipart_reply', xid: 16, flags: 0, body: { mpType: 'flow', stats: [{ tableId: 0, match: match10, durationSec: 1, durationNsec: 2, priority: 3, idleTimeout: 4, hardTimeout: 5, cookie: 6n, packetCount: 7n, byteCount: 8n, actions: [{ type: 'output', port: 1, maxLen: 0 }] }] } },
  { version: 1, type: 'multipart_request', xid: 17, flags: 0, body: { mpType: 'aggregate', match: match10, tableId: 0, outPort: 0xffff } },
  { version: 1, type: 'multipart_reply', xid: 17, flags: 0, body: { mpType: 'aggregate', packetCount: 1n, byteCount: 2n, flowCount: 3 } },
  { version: 1, type: 'multipart_request', xid: 18, flags: 0, body: { mpType: 'table' } },
  { version: 1, type: 'multipart_reply', xid: 18, flags: 0, body: { mpType: 'table', stats: [{ tableId: 0, name: 'classifier', wildcards: 0x3fffff, maxEntries: 1000000, activeCount: 2, lookupCount: 10n, matchedCount: 5n }] } },
  { version: 1, type: 'multipart_request', xid: 19, flags: 0, body: { mpType: 'port_stats', portNo: 0xffff } },
  {
    version: 1, type: 'multipart_reply', xid: 19, flags: 0, body: {
      mpType: 'port_stats', stats: [{
        portNo: 1, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 5n, txDropped: 6n, rxErrors: 7n, txErrors: 8n,
        rxFrameErr: 9n, rxOverErr: 10n, rxCrcErr: 11n, collisions: 12n,
      }],
    },
  },
  { version: 1, type: 'multipart_request', xid: 20, flags: 0, body: { mpType: 'queue', portNo: 0xfffc, queueId: 0xffffffff } },
  { version: 1, type: 'multipart_reply', xid: 20, flags: 0, body: { mpType: 'queue', stats: [{ portNo: 1, queueId: 1, txBytes: 1n, txPackets: 2n, txErrors: 3n }] } },
  { version: 1, type: 'multipart_request', xid: 21, flags: 0, body: { mpType: 'experimenter', experimenter: 0x2320, data: Buffer.alloc(8) } },
  { version: 1, type: 'barrier_request', xid: 22 },
  { version: 1, type: 'barrier_reply', xid: 22 },
  { version: 1, type: 'queue_get_config_request', xid: 23, port: 1 },
  { version: 1, type: 'queue_get_config_reply', xid: 23, port: 1, queues: [{ queueId: 1, properties: [{ property: 1, rate: 200 }] }] },
];
