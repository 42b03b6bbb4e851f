/**
 * Cross-check against Open vSwitch's own decoder: `ovs-ofctl ofp-print <hex>` must parse each message we
 * encode without a decode error and print the fields we put in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { MATCH10_ALL, OFPVID_PRESENT, OFP_NO_BUFFER, encodeMessage, type OfMessage } from '../../src/openflow/index.js';
import { port13 } from './samples.js';

const fm13 = {
  version: 4,
  type: 'flow_mod',
  xid: 0x21,
  cookie: 0x1234n,
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 30,
  hardTimeout: 60,
  priority: 1000,
  bufferId: OFP_NO_BUFFER,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  flags: 1,
} as const;

const cases: [OfMessage, string[]][] = [
  [
    { version: 4, type: 'hello', xid: 1, elements: [{ type: 'versionbitmap', bitmaps: [0x12] }] },
    ['OFPT_HELLO (OF1.3)', 'version bitmap: 0x01, 0x04'],
  ],
  [
    {
      ...fm13,
      match: [
        { field: 'in_port', value: 1 },
        { field: 'eth_type', value: 0x0800 },
        { field: 'ip_proto', value: 6 },
        { field: 'ipv4_src', value: '10.0.0.0', mask: '255.255.255.0' },
        { field: 'tcp_dst', value: 80 },
      ],
      instructions: [
        { type: 'meter', meterId: 5 },
        {
          type: 'apply_actions',
          actions: [
            { type: 'push_vlan', ethertype: 0x8100 },
            { type: 'set_field', field: { field: 'vlan_vid', value: OFPVID_PRESENT | 42 } },
            { type: 'output', port: 2, maxLen: 0 },
          ],
        },
        { type: 'goto_table', tableId: 1 },
      ],
    },
    [
      'OFPT_FLOW_MOD (OF1.3) (xid=0x21)',
      'ADD',
      'priority=1000',
      'tcp',
      'in_port=1',
      'nw_src=10.0.0.0/24',
      'tp_dst=80',
      'cookie:0x1234',
      'idle:30',
      'hard:60',
      'send_flow_rem',
      'meter:5',
      'push_vlan:0x8100',
      'set_field:4138->vlan_vid',
      'output:2',
      'goto_table:1',
    ],
  ],
  [
    {
      ...fm13,
      xid: 0x22,
      command: 3,
      match: [
        { field: 'eth_type', value: 0x0806 },
        { field: 'arp_tpa', value: '10.0.0.2' },
      ],
      instructions: [],
    },
    ['DEL', 'arp', 'arp_tpa=10.0.0.2'],
  ],
  [
    {
      ...fm13,
      xid: 0x23,
      match: [
        { field: 'eth_type', value: 0x86dd },
        { field: 'ipv6_src', value: '2001:db8::1' },
        { field: 'eth_dst', value: 'aa:bb:cc:dd:ee:ff' },
        { field: 'vlan_vid', value: OFPVID_PRESENT | 100 },
        { field: 'metadata', value: 0xabn },
      ],
      instructions: [
        { type: 'write_actions', actions: [{ type: 'pop_vlan' }, { type: 'set_queue', queueId: 3 }, { type: 'group', groupId: 7 }] },
        { type: 'write_metadata', metadata: 1n, mask: 0xffn },
      ],
    },
    [
      'ipv6',
      'ipv6_src=2001:db8::1',
      'dl_dst=aa:bb:cc:dd:ee:ff',
      'dl_vlan=100',
      'metadata=0xab',
      'write_actions(pop_vlan,set_queue:3,group:7)',
      'write_metadata:0x1/0xff',
    ],
  ],
  [
    {
      ...fm13,
      xid: 0x24,
      match: [
        { field: 'eth_type', value: 0x8847 },
        { field: 'mpls_label', value: 1000 },
      ],
      instructions: [
        {
          type: 'apply_actions',
          actions: [
            { type: 'pop_mpls', ethertype: 0x0800 },
            { type: 'dec_nw_ttl' },
            { type: 'set_nw_ttl', ttl: 9 },
            { type: 'output', port: 0xfffffffd, maxLen: 0xffff },
          ],
        },
      ],
    },
    ['mpls', 'mpls_label=1000', 'pop_mpls:0x0800', 'dec_ttl', 'mod_nw_ttl:9', 'CONTROLLER:65535'],
  ],
  [
    {
      version: 4,
      type: 'packet_out',
      xid: 0x30,
      bufferId: OFP_NO_BUFFER,
      inPort: 0xfffffffd,
      actions: [{ type: 'output', port: 0xfffffffb, maxLen: 0 }],
      data: Buffer.alloc(0),
    },
    ['OFPT_PACKET_OUT (OF1.3)', 'in_port=CONTROLLER', 'actions=FLOOD'],
  ],
  [
    {
      version: 4,
      type: 'group_mod',
      xid: 0x31,
      command: 0,
      groupType: 1,
      groupId: 7,
      buckets: [
        { weight: 50, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1, maxLen: 0 }] },
        { weight: 30, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2, maxLen: 0 }] },
      ],
    },
    ['OFPT_GROUP_MOD (OF1.3)', 'group_id=7', 'type=select', 'bucket=weight:50,actions=output:1', 'bucket=weight:30,actions=output:2'],
  ],
  [
    {
      version: 4,
      type: 'meter_mod',
      xid: 0x32,
      command: 0,
      flags: 0x5,
      meterId: 1,
      bands: [{ type: 'drop', rate: 10000, burstSize: 1000 }],
    },
    ['OFPT_METER_MOD (OF1.3)', 'ADD meter=1 kbps burst', 'type=drop rate=10000 burst_size=1000'],
  ],
  [
    {
      version: 4,
      type: 'meter_mod',
      xid: 0x33,
      command: 0,
      flags: 0x2,
      meterId: 2,
      bands: [{ type: 'dscp_remark', rate: 500, burstSize: 0, precLevel: 1 }],
    },
    ['meter=2 pktps', 'type=dscp_remark rate=500 prec_level=1'],
  ],
  [
    { version: 4, type: 'role_request', xid: 0x34, role: 2, generationId: 7n },
    ['OFPT_ROLE_REQUEST (OF1.3)', 'role=primary generation_id=7'],
  ],
  [
    {
      version: 4,
      type: 'features_reply',
      xid: 0x35,
      dpid: 0x1n,
      nBuffers: 0,
      nTables: 254,
      auxiliaryId: 0,
      capabilities: 0x4f,
      reserved: 0,
    },
    ['OFPT_FEATURES_REPLY (OF1.3)', 'dpid:0000000000000001', 'n_tables:254', 'n_buffers:0'],
  ],
  [
    { version: 4, type: 'port_status', xid: 0x36, reason: 2, port: port13 },
    ['OFPT_PORT_STATUS (OF1.3)', 'MOD:', '3(veth-s1-3): addr:52:54:00:ab:cd:ef'],
  ],
  [
    {
      version: 4,
      type: 'multipart_request',
      xid: 0x37,
      flags: 0,
      body: {
        mpType: 'flow',
        tableId: 0xff,
        outPort: 0xffffffff,
        outGroup: 0xffffffff,
        cookie: 0n,
        cookieMask: 0n,
        match: [{ field: 'in_port', value: 2 }],
      },
    },
    ['OFPST_FLOW request (OF1.3)', 'in_port=2'],
  ],
  [{ version: 4, type: 'multipart_request', xid: 0x38, flags: 0, body: { mpType: 'port_desc' } }, ['OFPST_PORT_DESC request (OF1.3)']],
  [
    { version: 4, type: 'multipart_reply', xid: 0x39, flags: 0, body: { mpType: 'port_desc', ports: [port13] } },
    ['OFPST_PORT_DESC reply (OF1.3)', '3(veth-s1-3)'],
  ],
  [
    {
      version: 4,
      type: 'multipart_reply',
      xid: 0x3a,
      flags: 0,
      body: { mpType: 'meter_config', configs: [{ flags: 0x9, meterId: 1, bands: [{ type: 'drop', rate: 1000, burstSize: 0 }] }] },
    },
    ['OFPST_METER_CONFIG reply (OF1.3)', 'meter=1 kbps stats bands=', 'type=drop rate=1000'],
  ],
  [
    {
      version: 4,
      type: 'multipart_reply',
      xid: 0x3b,
      flags: 0,
      body: {
        mpType: 'flow',
        stats: [
          {
            tableId: 0,
            durationSec: 10,
            durationNsec: 0,
            priority: 100,
            idleTimeout: 0,
            hardTimeout: 0,
            flags: 0,
            cookie: 1n,
            packetCount: 10n,
            byteCount: 980n,
            match: [{ field: 'in_port', value: 1 }],
            instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
          },
        ],
      },
    },
    ['OFPST_FLOW reply (OF1.3)', 'cookie=0x1', 'n_packets=10', 'n_bytes=980', 'priority=100,in_port=1', 'actions=output:2'],
  ],
  [{ version: 4, type: 'barrier_request', xid: 0x3c }, ['OFPT_BARRIER_REQUEST (OF1.3)']],
  [
    { version: 4, type: 'error', xid: 0x3d, errType: 5, code: 4, data: Buffer.from('0414000800000001', 'hex') },
    ['OFPT_ERROR (OF1.3)', 'OFPFMFC_EPERM'],
  ],
  [
    {
      version: 1,
      type: 'flow_mod',
      xid: 0x40,
      match: {
        ...MATCH10_ALL,
        wildcards: MATCH10_ALL.wildcards & ~(1 | 16 | 32 | (0x3f << 8)) & ~0,
        inPort: 1,
        dlType: 0x0800,
        nwProto: 17,
        nwSrc: '10.0.0.1',
      },
      cookie: 5n,
      command: 0,
      idleTimeout: 0,
      hardTimeout: 0,
      priority: 200,
      bufferId: OFP_NO_BUFFER,
      outPort: 0xffff,
      flags: 0,
      actions: [
        { type: 'set_vlan_vid', vlanVid: 10 },
        { type: 'set_dl_dst', mac: '00:00:00:00:00:bb' },
        { type: 'set_nw_tos', tos: 0x20 },
        { type: 'set_tp_dst', port: 53 },
        { type: 'enqueue', port: 2, queueId: 1 },
        { type: 'strip_vlan' },
        { type: 'output', port: 3, maxLen: 0 },
      ],
    },
    [
      'OFPT_FLOW_MOD',
      'ADD',
      'udp',
      'in_port=1',
      'nw_src=10.0.0.1',
      'priority=200',
      'mod_vlan_vid:10',
      'mod_dl_dst:00:00:00:00:00:bb',
      'mod_nw_tos:32',
      'mod_tp_dst:53',
      'enqueue:2:1',
      'strip_vlan',
      'output:3',
    ],
  ],
  [
    { version: 1, type: 'packet_in', xid: 0x41, bufferId: OFP_NO_BUFFER, totalLen: 60, inPort: 2, reason: 0, data: Buffer.alloc(0) },
    ['OFPT_PACKET_IN', 'total_len=60 in_port=2'],
  ],
  [
    { version: 1, type: 'multipart_request', xid: 0x42, flags: 0, body: { mpType: 'port_stats', portNo: 0xffff } },
    ['OFPST_PORT request', 'port_no=ANY'],
  ],
  [
    {
      version: 1,
      type: 'features_reply',
      xid: 0x43,
      dpid: 0x2n,
      nBuffers: 256,
      nTables: 254,
      capabilities: 0xc7,
      actions: 0xfff,
      ports: [
        { portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1', config: 0, state: 0, curr: 0xc0, advertised: 0, supported: 0, peer: 0 },
      ],
    },
    ['OFPT_FEATURES_REPLY', 'dpid:0000000000000002', '1(p1): addr:02:00:00:00:00:01'],
  ],
];

function hasOfctl(): boolean {
  try {
    execFileSync('ovs-ofctl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('ovs-ofctl ofp-print parses every message we encode and shows our fields', () => {
  assert.ok(hasOfctl(), 'ovs-ofctl is not installed: run .ci/install-system.sh (openvswitch-switch)');
  const problems: string[] = [];
  for (const [msg, expected] of cases) {
    const hex = encodeMessage(msg).toString('hex');
    const out = execFileSync('ovs-ofctl', ['ofp-print', hex], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    if (/decode error|bad|invalid/i.test(out)) problems.push(`${msg.type} xid ${msg.xid}: ${out.trim()}`);
    for (const e of expected) if (!out.includes(e)) problems.push(`${msg.type} xid ${msg.xid}: missing "${e}" in: ${out.trim()}`);
  }
  assert.deepEqual(problems, []);
});
