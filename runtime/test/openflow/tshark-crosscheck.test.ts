/**
 * Cross-check against Wireshark's OpenFlow dissector: every sample message is encoded by our codec,
 * all are decoded by one tshark run, and the fields tshark reports are compared, in order, with what
 * we encoded (header, match OXMs, instructions, actions, buckets, meter bands, multipart bodies…).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  encodeMessage,
  OXM_FIELDS,
  oxmValueText,
  typeCode,
  type Action13,
  type Instruction,
  type OfMessage,
  type OxmTlv,
  type Port13,
  type MeterBand,
  type Bucket,
} from '../../src/openflow/index.js';
import { Writer } from '../../src/openflow/bytes.js';
import { writeOxm } from '../../src/openflow/oxm.js';
import { missingInOrder, tsharkDecode, type Pairs } from './tshark.js';
import { samples10, samples13 } from './samples.js';

const P = 'openflow_v4.';
const hex = (n: number | bigint, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;
const colonHex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

function oxmBytes(t: OxmTlv): { value: Buffer; mask?: Buffer } {
  const w = new Writer();
  writeOxm(w, t);
  const all = Buffer.from(w.done());
  const len = all[3]!;
  const masked = (all[2]! & 1) === 1;
  const half = masked ? len / 2 : len;
  return { value: all.subarray(4, 4 + half), mask: masked ? all.subarray(4 + half, 4 + len) : undefined };
}

function oxmPairs(t: OxmTlv): Pairs {
  if (t.field === 'raw')
    return [
      [`${P}oxm.class`, hex(t.oxmClass, 4)],
      [`${P}oxm.field`, String(t.oxmField)],
    ];
  const n = OXM_FIELDS.findIndex((f) => f.name === t.field);
  const out: Pairs = [[`${P}oxm.field`, String(n)]];
  const { value, mask } = oxmBytes(t);
  const v = t.value;
  switch (t.field) {
    case 'in_port':
    case 'in_phy_port':
    case 'mpls_label':
      out.push([`${P}oxm.value_uint32`, String(v)]);
      break;
    case 'tcp_src':
    case 'tcp_dst':
    case 'udp_src':
    case 'udp_dst':
    case 'sctp_src':
    case 'sctp_dst':
      out.push([`${P}oxm.value_uint16`, String(v)]);
      break;
    case 'eth_type':
      out.push([`${P}oxm.value_ethertype`, hex(v as number, 4)]);
      break;
    case 'ip_proto':
      out.push([`${P}oxm.value_ipproto`, String(v)]);
      break;
    case 'vlan_vid':
      out.push(
        [`${P}oxm.value_vlan_present`, String(((v as number) >> 12) & 1)],
        [`${P}oxm.value_vlan_vid`, String((v as number) & 0xfff)],
      );
      break;
    case 'eth_src':
    case 'eth_dst':
    case 'arp_sha':
    case 'arp_tha':
    case 'ipv6_nd_sll':
    case 'ipv6_nd_tll':
      out.push([`${P}oxm.value_etheraddr`, oxmValueText(t.field, v)]);
      if (t.mask !== undefined) out.push([`${P}oxm.ether_mask`, oxmValueText(t.field, t.mask)]);
      break;
    case 'ipv4_src':
    case 'ipv4_dst':
    case 'arp_spa':
    case 'arp_tpa':
      out.push([`${P}oxm.value_ipv4addr`, oxmValueText(t.field, v)]);
      if (t.mask !== undefined) out.push([`${P}oxm.ipv4_mask`, oxmValueText(t.field, t.mask)]);
      break;
    case 'ipv6_src':
    case 'ipv6_dst':
      out.push([`${P}oxm.value_ipv6addr`, oxmValueText(t.field, v)]);
      if (t.mask !== undefined) out.push([`${P}oxm.ipv6_mask`, oxmValueText(t.field, t.mask)]);
      break;
    default:
      out.push([`${P}oxm.value`, colonHex(value)]);
      if (mask) out.push([`${P}oxm.mask`, colonHex(mask)]);
  }
  return out;
}

const matchPairs = (m: readonly OxmTlv[]): Pairs => [[`${P}match.type`, '1'], ...m.flatMap(oxmPairs)];

const ACTION_CODES: Record<Action13['type'], number> = {
  output: 0,
  copy_ttl_out: 11,
  copy_ttl_in: 12,
  set_mpls_ttl: 15,
  dec_mpls_ttl: 16,
  push_vlan: 17,
  pop_vlan: 18,
  push_mpls: 19,
  pop_mpls: 20,
  set_queue: 21,
  group: 22,
  set_nw_ttl: 23,
  dec_nw_ttl: 24,
  set_field: 25,
  push_pbb: 26,
  pop_pbb: 27,
  experimenter: 0xffff,
};
function actionPairs(a: Action13): Pairs {
  const out: Pairs = [[`${P}action.type`, String(ACTION_CODES[a.type])]];
  switch (a.type) {
    case 'output':
      out.push([`${P}action.output.port`, String(a.port)], [`${P}action.output.max_len`, String(a.maxLen)]);
      break;
    case 'push_vlan':
    case 'push_mpls':
    case 'pop_mpls':
    case 'push_pbb':
      out.push([`${P}action.${a.type}.ethertype`, hex(a.ethertype, 4)]);
      break;
    case 'set_mpls_ttl':
    case 'set_nw_ttl':
      out.push([`${P}action.${a.type}.ttl`, String(a.ttl)]);
      break;
    case 'set_queue':
      out.push([`${P}action.set_queue.queue_id`, String(a.queueId)]);
      break;
    case 'group':
      out.push([`${P}action.group.group_id`, String(a.groupId)]);
      break;
    case 'set_field':
      out.push(...oxmPairs(a.field));
      break;
    default:
      break;
  }
  return out;
}

const INSTR_CODES: Record<Instruction['type'], number> = {
  goto_table: 1,
  write_metadata: 2,
  write_actions: 3,
  apply_actions: 4,
  clear_actions: 5,
  meter: 6,
  experimenter: 0xffff,
};
function instructionPairs(i: Instruction): Pairs {
  const out: Pairs = [[`${P}instruction.type`, String(INSTR_CODES[i.type])]];
  switch (i.type) {
    case 'goto_table':
      out.push([`${P}instruction.goto_table.table_id`, String(i.tableId)]);
      break;
    case 'write_metadata':
      out.push([`${P}instruction.write_metadata.value`, hex(i.metadata, 16)], [`${P}instruction.write_metadata.mask`, hex(i.mask, 16)]);
      break;
    case 'meter':
      out.push([`${P}instruction.meter.meter_id`, String(i.meterId)]);
      break;
    case 'write_actions':
    case 'apply_actions':
      out.push(...i.actions.flatMap(actionPairs));
      break;
    default:
      break;
  }
  return out;
}

function bandPairs(b: MeterBand): Pairs {
  const out: Pairs = [
    [`${P}meter_band.type`, String(b.type === 'drop' ? 1 : b.type === 'dscp_remark' ? 2 : 65535)],
    [`${P}meter_band.rate`, String(b.rate)],
    [`${P}meter_band.burst_size`, String(b.burstSize)],
  ];
  if (b.type === 'dscp_remark') out.push([`${P}meter_band.dscp_remark.prec_level`, String(b.precLevel)]);
  if (b.type === 'experimenter') out.push([`${P}meter_band.experimenter.experimenter`, String(b.experimenter)]);
  return out;
}

const bucketPairs = (b: Bucket): Pairs => [
  [`${P}bucket.weight`, String(b.weight)],
  [`${P}bucket.watch_port`, String(b.watchPort)],
  [`${P}bucket.watch_group`, String(b.watchGroup)],
  ...b.actions.flatMap(actionPairs),
];

const portPairs = (p: Port13): Pairs => [
  [`${P}port.port_no`, String(p.portNo)],
  [`${P}port.hw_addr`, p.hwAddr],
  [`${P}port.name`, p.name],
  [`${P}port.config`, hex(p.config, 8)],
  [`${P}port.current`, hex(p.curr, 8)],
  [`${P}port.curr_speed`, String(p.currSpeed)],
  [`${P}port.max_speed`, String(p.maxSpeed)],
];

function bodyPairs(m: OfMessage): Pairs {
  if (m.version !== 4) return [];
  switch (m.type) {
    case 'hello':
      return m.elements.flatMap((e) =>
        e.type === 'versionbitmap'
          ? ([
              [`${P}hello_element.type`, '1'],
              ...e.bitmaps.map((b): [string, string] => [
                `${P}hello_element.version.bitmap`,
                colonHex(Buffer.from(hex(b, 8).slice(2), 'hex')),
              ]),
            ] as Pairs)
          : [],
      );
    case 'error':
      return [
        [`${P}error.type`, String(m.errType)],
        [`${P}error.code`, String(m.code)],
      ];
    case 'echo_request':
    case 'echo_reply':
      return m.data.length ? [[`${P}echo.data`, colonHex(m.data)]] : [];
    case 'experimenter':
      return [
        [`${P}experimenter.experimenter`, hex(m.experimenter, 8)],
        [`${P}experimenter.exp_type`, String(m.expType)],
      ];
    case 'features_reply':
      return [
        [`${P}switch_features.datapath_id`, hex(m.dpid, 16)],
        [`${P}switch_features.n_buffers`, String(m.nBuffers)],
        [`${P}switch_features.n_tables`, String(m.nTables)],
        [`${P}switch_features.capabilities`, hex(m.capabilities, 8)],
      ];
    case 'packet_in':
      return [
        [`${P}packet_in.buffer_id`, String(m.bufferId)],
        [`${P}packet_in.total_len`, String(m.totalLen)],
        [`${P}packet_in.reason`, String(m.reason)],
        [`${P}packet_in.table_id`, String(m.tableId)],
        [`${P}packet_in.cookie`, hex(m.cookie, 16)],
        ...matchPairs(m.match),
      ];
    case 'flow_removed':
      return [
        [`${P}flow_removed.cookie`, hex(m.cookie, 16)],
        [`${P}flow_removed.priority`, String(m.priority)],
        [`${P}flow_removed.reason`, String(m.reason)],
        [`${P}flow_removed.duration_sec`, String(m.durationSec)],
        [`${P}flow_removed.idle_timeout`, String(m.idleTimeout)],
        [`${P}flow_removed.packet_count`, String(m.packetCount)],
        [`${P}flow_removed.byte_count`, String(m.byteCount)],
        ...matchPairs(m.match),
      ];
    case 'port_status':
      return [[`${P}port_status.reason`, String(m.reason)], ...portPairs(m.port)];
    case 'packet_out':
      return [
        [`${P}packet_out.buffer_id`, String(m.bufferId)],
        [`${P}packet_out.in_port`, String(m.inPort)],
        ...m.actions.flatMap(actionPairs),
      ];
    case 'flow_mod':
      return [
        [`${P}flowmod.cookie`, hex(m.cookie, 16)],
        [`${P}flowmod.table_id`, String(m.tableId)],
        [`${P}flowmod.command`, String(m.command)],
        [`${P}flowmod.idle_timeout`, String(m.idleTimeout)],
        [`${P}flowmod.hard_timeout`, String(m.hardTimeout)],
        [`${P}flowmod.priority`, String(m.priority)],
        [`${P}flowmod.buffer_id`, String(m.bufferId)],
        [`${P}flowmod.out_port`, String(m.outPort)],
        [`${P}flowmod.out_group`, String(m.outGroup)],
        [`${P}flowmod.flags`, hex(m.flags, 4)],
        ...matchPairs(m.match),
        ...m.instructions.flatMap(instructionPairs),
      ];
    case 'group_mod':
      return [
        [`${P}groupmod.command`, String(m.command)],
        [`${P}groupmod.type`, String(m.groupType)],
        [`${P}groupmod.group_id`, String(m.groupId)],
        ...m.buckets.flatMap(bucketPairs),
      ];
    case 'meter_mod':
      return [
        [`${P}metermod.command`, String(m.command)],
        [`${P}metermod.flags`, hex(m.flags, 8)],
        [`${P}metermod.meter_id`, String(m.meterId)],
        ...m.bands.flatMap(bandPairs),
      ];
    case 'multipart_request': {
      const b = m.body;
      const head: Pairs = [
        [
          `${P}multipart_request.type`,
          String(
            {
              desc: 0,
              flow: 1,
              aggregate: 2,
              table: 3,
              port_stats: 4,
              queue: 5,
              group: 6,
              group_desc: 7,
              group_features: 8,
              meter: 9,
              meter_config: 10,
              meter_features: 11,
              table_features: 12,
              port_desc: 13,
              experimenter: 65535,
            }[b.mpType],
          ),
        ],
      ];
      switch (b.mpType) {
        case 'flow':
        case 'aggregate': {
          const k = b.mpType === 'flow' ? 'flow_stats_request' : 'aggregate_stats_request';
          return [
            ...head,
            [`${P}${k}.table_id`, String(b.tableId)],
            [`${P}${k}.out_port`, String(b.outPort)],
            [`${P}${k}.out_group`, String(b.outGroup)],
            ...matchPairs(b.match),
          ];
        }
        case 'port_stats':
          return [...head, [`${P}port_stats_request.port_no`, String(b.portNo)]];
        case 'group':
          return [...head, [`${P}group_stats_request.group_id`, String(b.groupId)]];
        case 'meter':
          return [...head, [`${P}meter_stats_request.meter_id`, String(b.meterId)]];
        case 'meter_config':
          return [...head, [`${P}meter_config_request.meter_id`, String(b.meterId)]];
        default:
          return head;
      }
    }
    case 'multipart_reply': {
      const b = m.body;
      switch (b.mpType) {
        case 'table_features':
          return b.features.flatMap(
            (f): Pairs => [
              [`${P}table_features.table_id`, String(f.tableId)],
              [`${P}table_features.name`, f.name],
              [`${P}table_features.max_entries`, String(f.maxEntries)],
            ],
          );
        case 'table':
          return b.stats.flatMap(
            (s): Pairs => [
              [`${P}table_stats.table_id`, String(s.tableId)],
              [`${P}table_stats.active_count`, String(s.activeCount)],
              [`${P}table_stats.lookup_count`, String(s.lookupCount)],
              [`${P}table_stats.match_count`, String(s.matchedCount)],
            ],
          );
        case 'group_desc':
          return b.groups.flatMap(
            (g): Pairs => [
              [`${P}group_desc.type`, String(g.groupType)],
              [`${P}group_desc.group_id`, String(g.groupId)],
              ...g.buckets.flatMap(bucketPairs),
            ],
          );
        case 'meter_config':
          return b.configs.flatMap(
            (c): Pairs => [
              [`${P}meter_config.flags`, hex(c.flags, 8)],
              [`${P}meter_config.meter_id`, String(c.meterId)],
              ...c.bands.flatMap(bandPairs),
            ],
          );
        case 'meter_features':
          return [
            [`${P}meter_features.max_meter`, String(b.maxMeter)],
            [`${P}meter_features.max_bands`, String(b.maxBands)],
          ];
        case 'port_desc':
          return b.ports.flatMap(portPairs);
        case 'flow':
          return b.stats.flatMap((s): Pairs => [...matchPairs(s.match), ...s.instructions.flatMap(instructionPairs)]);
        default:
          return [];
      }
    }
    case 'queue_get_config_reply':
      return [
        [`${P}queue_get_config_reply.port`, String(m.port)],
        ...m.queues.flatMap(
          (q): Pairs => [
            [`${P}packet_queue.queue_id`, String(q.queueId)],
            ...q.properties.flatMap(
              (p): Pairs =>
                'rate' in p
                  ? [
                      [`${P}queue_prop.property`, String(p.property)],
                      [`${P}queue_prop.${p.property === 1 ? 'min' : 'max'}_rate.rate`, String(p.rate)],
                    ]
                  : [],
            ),
          ],
        ),
      ];
    case 'get_async_reply':
    case 'set_async':
      return [
        [`${P}async_config.packet_in_mask.master`, hex(m.packetInMask[0], 8)],
        [`${P}async_config.flow_removed_mask.master`, hex(m.flowRemovedMask[0], 8)],
      ];
    default:
      return [];
  }
}

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('tshark decodes every encoded OpenFlow 1.3 message with the same fields', () => {
  assert.ok(hasTshark(), 'tshark is not installed: run .ci/install-system.sh');
  const msgs = samples13;
  const decoded = tsharkDecode(msgs.map(encodeMessage));
  assert.equal(decoded.length, msgs.length);
  const problems: string[] = [];
  let checked = 0;
  msgs.forEach((m, i) => {
    const d = decoded[i]!;
    const bytes = encodeMessage(m);
    const expected: Pairs = [
      [`${P}version`, '0x04'],
      [`${P}type`, String(m.type === 'hello' ? 0 : typeCode(4, m.type))],
      [`${P}length`, String(bytes.length)],
      [`${P}xid`, String(m.xid)],
      ...bodyPairs(m),
    ];
    checked += expected.length;
    if (d.layer !== 'openflow_v4') problems.push(`#${i} ${m.type}: layer ${d.layer}`);
    // experimenter payloads are opaque to tshark (it flags their bodies); everything else must dissect cleanly
    const opaque = JSON.stringify(m, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).includes('experimenter');
    if (d.malformed && !opaque) problems.push(`#${i} ${m.type}: tshark reports it malformed`);
    const miss = missingInOrder(d.pairs, expected);
    if (miss) problems.push(`#${i} ${m.type} xid ${m.xid}: ${miss}`);
  });
  assert.deepEqual(problems, []);
  assert.ok(checked > 600, `compared ${checked} fields`);
});

test('tshark decodes every encoded OpenFlow 1.0 message header and the fields it dissects', () => {
  assert.ok(hasTshark(), 'tshark is not installed: run .ci/install-system.sh');
  const msgs = samples10;
  const decoded = tsharkDecode(msgs.map(encodeMessage));
  const problems: string[] = [];
  msgs.forEach((m, i) => {
    const d = decoded[i]!;
    const bytes = encodeMessage(m);
    const expected: Pairs = [
      ['openflow.version', '0x01'],
      ['openflow_1_0.type', String(m.type === 'hello' ? 0 : typeCode(1, m.type))],
      ['openflow.length', String(bytes.length)],
      ['openflow.xid', String(m.xid)],
    ];
    if (m.type === 'packet_out' && m.version === 1) {
      expected.push(['openflow.buffer_id', hex(m.bufferId, 8)], ['openflow.in_port', String(m.inPort)]);
      for (const a of m.actions)
        if (a.type === 'output') expected.push(['openflow.output_port', String(a.port)], ['openflow.max_len', String(a.maxLen)]);
    }
    if (m.type === 'features_reply' && m.version === 1)
      expected.push(
        ['openflow.datapath_id', hex(m.dpid, 16)],
        ['openflow.n_buffers', String(m.nBuffers)],
        ['openflow.n_tables', String(m.nTables)],
      );
    if (m.type === 'packet_in' && m.version === 1)
      expected.push(
        ['openflow.buffer_id', hex(m.bufferId, 8)],
        ['openflow.total_len', String(m.totalLen)],
        ['openflow.in_port', String(m.inPort)],
      );
    if (d.layer !== 'openflow_v1') problems.push(`#${i} ${m.type}: layer ${d.layer}`);
    const miss = missingInOrder(d.pairs, expected);
    if (miss) problems.push(`#${i} ${m.type} xid ${m.xid}: ${miss}`);
  });
  assert.deepEqual(problems, []);
});
