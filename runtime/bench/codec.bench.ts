// OpenFlow codec micro-benchmark: decodeMessage / encodeMessage per second for the messages on
// the proxy's hot path (packet-in, packet-out, flow-mod with 5 and 15 OXM fields, an IPv6
// flow-mod, a flow-stats multipart reply with 100 entries), OpenFlow 1.3 and 1.0.
// Prints a table and writes bench/results/codec.json.
// Run: node runtime/dist/bench/codec.bench.js [--ms 400]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import os from 'node:os';
import {
  decodeMessage,
  encodeMessage,
  MATCH10_ALL,
  OFPFW10,
  OFPVID_PRESENT,
  OFP_NO_BUFFER,
  type FlowStats10,
  type FlowStats13,
  type OfMessage,
  type OxmTlv,
} from '../src/openflow/index.js';
import { richMatch } from '../test/openflow/samples.js';

const argMs = process.argv.indexOf('--ms');
const MS = argMs > 0 ? Number(process.argv[argMs + 1]) : Number(process.env.BENCH_MS ?? 400);

// ------------------------------------------------------------------ messages

/** A 60-byte UDP/IPv4 frame like the ones the load benchmark's emulated switches send. */
function frame(i: number): Buffer {
  const f = Buffer.alloc(60);
  f.set([0x02, 0, 0, 1, 0, i & 0xff, 0x02, 0, 0, 1, 0, (i + 1) & 0xff], 0);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(46, 16);
  f[22] = 64;
  f[23] = 17;
  f.writeUInt32BE(0x0a000100 + i, 26);
  f.writeUInt32BE(0x0a000200 + i, 30);
  f.writeUInt16BE(1000, 34);
  f.writeUInt16BE(2000, 36);
  return f;
}

const match5: OxmTlv[] = [
  { field: 'in_port', value: 3 },
  { field: 'eth_type', value: 0x0800 },
  { field: 'ip_proto', value: 17 },
  { field: 'ipv4_src', value: '10.0.1.7' },
  { field: 'ipv4_dst', value: '10.0.2.0', mask: '255.255.255.0' },
];

/** 15 OXM fields, masked and not (the codec tests' rich match). */
const match15: OxmTlv[] = richMatch;

const match6: OxmTlv[] = [
  { field: 'in_port', value: 2 },
  { field: 'eth_type', value: 0x86dd },
  { field: 'ip_proto', value: 6 },
  { field: 'ipv6_src', value: '2001:db8:0:12::7' },
  { field: 'ipv6_dst', value: '2001:db8:0:34::', mask: 'ffff:ffff:ffff:ffff::' },
];

const applyOutput = (port: number, vlan?: number) => [
  {
    type: 'apply_actions' as const,
    actions: [
      ...(vlan === undefined
        ? []
        : [
            { type: 'push_vlan' as const, ethertype: 0x8100 },
            { type: 'set_field' as const, field: { field: 'vlan_vid' as const, value: OFPVID_PRESENT | vlan } },
          ]),
      { type: 'output' as const, port, maxLen: 0 },
    ],
  },
];

const flowMod13 = (match: OxmTlv[]): OfMessage => ({
  version: 4,
  type: 'flow_mod',
  xid: 77,
  cookie: 0x1234n,
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 10,
  hardTimeout: 0,
  priority: 1100,
  bufferId: OFP_NO_BUFFER,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  flags: 1,
  match,
  instructions: [...applyOutput(2, 12), { type: 'meter', meterId: 3 }],
});

const flowStats13 = (i: number): FlowStats13 => ({
  tableId: 0,
  durationSec: 100 + i,
  durationNsec: 5000,
  priority: 1000 + i,
  idleTimeout: 0,
  hardTimeout: 0,
  flags: 0,
  cookie: BigInt(i),
  packetCount: BigInt(i * 10),
  byteCount: BigInt(i * 1500),
  match: [
    { field: 'in_port', value: 1 + (i % 4) },
    { field: 'eth_type', value: 0x0800 },
    { field: 'ipv4_dst', value: `10.0.${i >> 8}.${i & 255}` },
  ],
  instructions: applyOutput(1 + ((i + 1) % 4)),
});

const match10 = {
  ...MATCH10_ALL,
  wildcards:
    OFPFW10.ALL &
    ~(OFPFW10.IN_PORT | OFPFW10.DL_SRC | OFPFW10.DL_DST | OFPFW10.DL_TYPE | OFPFW10.NW_PROTO | OFPFW10.NW_SRC_MASK | OFPFW10.NW_DST_MASK),
  inPort: 3,
  dlSrc: '02:00:00:01:00:07',
  dlDst: '02:00:00:01:00:08',
  dlType: 0x0800,
  nwProto: 17,
  nwSrc: '10.0.1.7',
  nwDst: '10.0.2.8',
};

const flowStats10 = (i: number): FlowStats10 => ({
  tableId: 0,
  match: { ...match10, nwDst: `10.0.${i >> 8}.${i & 255}` },
  durationSec: 100 + i,
  durationNsec: 5000,
  priority: 1000 + i,
  idleTimeout: 0,
  hardTimeout: 0,
  cookie: BigInt(i),
  packetCount: BigInt(i * 10),
  byteCount: BigInt(i * 1500),
  actions: [{ type: 'output', port: 1 + (i % 4), maxLen: 0 }],
});

const CASES: Array<{ name: string; msg: OfMessage }> = [
  {
    name: '1.3 packet-in (60 B frame)',
    msg: {
      version: 4,
      type: 'packet_in',
      xid: 0,
      bufferId: OFP_NO_BUFFER,
      totalLen: 60,
      reason: 0,
      tableId: 0,
      cookie: 0n,
      match: [{ field: 'in_port', value: 3 }],
      data: frame(7),
    },
  },
  {
    name: '1.3 packet-out (60 B frame)',
    msg: {
      version: 4,
      type: 'packet_out',
      xid: 9,
      bufferId: OFP_NO_BUFFER,
      inPort: 3,
      actions: [{ type: 'output', port: 2, maxLen: 0 }],
      data: frame(7),
    },
  },
  { name: '1.3 flow-mod, 5 OXM', msg: flowMod13(match5) },
  { name: '1.3 flow-mod, 15 OXM', msg: flowMod13(match15) },
  { name: '1.3 flow-mod, 5 OXM IPv6', msg: flowMod13(match6) },
  {
    name: '1.3 flow-stats reply ×100',
    msg: {
      version: 4,
      type: 'multipart_reply',
      xid: 5,
      flags: 0,
      body: { mpType: 'flow', stats: Array.from({ length: 100 }, (_, i) => flowStats13(i)) },
    },
  },
  {
    name: '1.0 packet-in (60 B frame)',
    msg: { version: 1, type: 'packet_in', xid: 0, bufferId: OFP_NO_BUFFER, totalLen: 60, inPort: 3, reason: 0, data: frame(7) },
  },
  {
    name: '1.0 packet-out (60 B frame)',
    msg: {
      version: 1,
      type: 'packet_out',
      xid: 9,
      bufferId: OFP_NO_BUFFER,
      inPort: 3,
      actions: [{ type: 'output', port: 2, maxLen: 0 }],
      data: frame(7),
    },
  },
  {
    name: '1.0 flow-mod',
    msg: {
      version: 1,
      type: 'flow_mod',
      xid: 77,
      match: match10,
      cookie: 0x1234n,
      command: 0,
      idleTimeout: 10,
      hardTimeout: 0,
      priority: 1100,
      bufferId: OFP_NO_BUFFER,
      outPort: 0xffff,
      flags: 1,
      actions: [
        { type: 'set_vlan_vid', vlanVid: 12 },
        { type: 'output', port: 2, maxLen: 0 },
      ],
    },
  },
  {
    name: '1.0 flow-stats reply ×100',
    msg: {
      version: 1,
      type: 'multipart_reply',
      xid: 5,
      flags: 0,
      body: { mpType: 'flow', stats: Array.from({ length: 100 }, (_, i) => flowStats10(i)) },
    },
  },
];

// ------------------------------------------------------------------ measurement

let sink = 0;

/** Runs `one` in batches for about MS milliseconds (after a warm-up); calls per wall and CPU second. */
function rate(one: () => number): { wall: number; cpu: number; n: number } {
  const warmEnd = performance.now() + Math.min(200, MS / 2);
  while (performance.now() < warmEnd) for (let i = 0; i < 100; i++) sink ^= one();
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  let t = t0;
  while (t - t0 < MS) {
    for (let i = 0; i < 200; i++) sink ^= one();
    n += 200;
    t = performance.now();
  }
  const u = process.cpuUsage(u0);
  return { wall: n / ((t - t0) / 1000), cpu: n / ((u.user + u.system) / 1e6), n };
}

interface Row {
  message: string;
  bytes: number;
  decodePerSec: number;
  decodePerCpuSec: number;
  encodePerSec: number;
  encodePerCpuSec: number;
  decodeMBps: number;
  encodeMBps: number;
  roundTripOk: boolean;
}

function benchOne(name: string, msg: OfMessage): Row {
  const bytes = encodeMessage(msg);
  const back = decodeMessage(bytes);
  const roundTripOk = back.ok && isDeepStrictEqual(back.msg, msg) && encodeMessage(back.msg).equals(bytes);
  const dec = rate(() => {
    const r = decodeMessage(bytes);
    return r.ok ? r.msg.xid : -1;
  });
  const enc = rate(() => encodeMessage(msg).length);
  const mb = (perSec: number) => Math.round((perSec * bytes.length) / 1e4) / 100;
  return {
    message: name,
    bytes: bytes.length,
    decodePerSec: Math.round(dec.wall),
    decodePerCpuSec: Math.round(dec.cpu),
    encodePerSec: Math.round(enc.wall),
    encodePerCpuSec: Math.round(enc.cpu),
    decodeMBps: mb(dec.wall),
    encodeMBps: mb(enc.wall),
    roundTripOk,
  };
}

function main(): void {
  const only = process.env.BENCH_ONLY;
  const rows = CASES.filter((c) => !only || c.name.includes(only)).map((c) => benchOne(c.name, c.msg));
  const fmt = (x: number): string => x.toLocaleString('en-US');
  console.log(`OpenFlow codec: messages per second on one core (${MS} ms per measurement)`);
  console.table(
    rows.map((r) => ({
      message: r.message,
      bytes: r.bytes,
      'decode/s (per CPU-s)': `${fmt(r.decodePerSec)} (${fmt(r.decodePerCpuSec)})`,
      'encode/s (per CPU-s)': `${fmt(r.encodePerSec)} (${fmt(r.encodePerCpuSec)})`,
      'decode MB/s': r.decodeMBps,
      'encode MB/s': r.encodeMBps,
      'round trip': r.roundTripOk ? 'ok' : 'MISMATCH',
    })),
  );
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/codec.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'codec',
        date: new Date().toISOString(),
        node: process.version,
        msPerMeasurement: MS,
        cpus: os.cpus().length,
        loadAverageAtEnd: os.loadavg(),
        rows,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs; wrote ${out} (${sink & 1})`,
  );
  if (rows.some((r) => !r.roundTripOk)) process.exitCode = 1;
}

main();
