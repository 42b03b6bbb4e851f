// The proxy's own CPU work per flow setup, in process (no sockets, no session): read a switch's
// buffered packet-in, write the packet-in the tenant gets, read the learning switch's flow-mod (the
// match Open vSwitch's ovs-testcontroller writes: exact on the packet's fields, a fresh source MAC
// each time), key it, record it in the slice's flow table, rewrite it into the slice and write the
// result; OpenFlow 1.0 and 1.3. Prints the least CPU µs per setup of several rounds (process.cpuUsage),
// which resolves a tenth of a microsecond where the load benchmark swings by microseconds.
// Usage: node runtime/dist/bench/per-setup.bench.js [--rounds N] [--setups N] [--versions 1,4]
// [--src <another build's runtime/dist/src>]: that build's proxy modules run the loop instead of this
// one's (compare main and a branch in alternating processes: two builds in one process disturb each
// other's optimisation, even two copies of the same build differ by a tenth). Writes
// bench/results/per-setup.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SliceContext } from '../src/proxy/rewrite.js';
import type { FlowMatch, OfMessage } from '../src/proxy/messages.js';
import type { SliceOnSwitch } from '../src/proxy/slice-views.js';
import type * as Wire from '../src/proxy/wire.js';
import type * as FrameKey from '../src/proxy/frame-key.js';
import type * as Rewrite from '../src/proxy/rewrite.js';
import type * as FlowTable from '../src/proxy/flow-table.js';
// A plain record of the flow-mod's own fields (the same in every build --src may name).
import { ruleOfFlowMod } from '../src/proxy/flow-table.js';
import type * as Cookies from '../src/dataplane/cookies.js';

/** The proxy modules the loop runs, from one build's runtime/dist/src. */
interface Build {
  name: string;
  wire: typeof Wire;
  frameKey: typeof FrameKey;
  rewrite: typeof Rewrite;
  flowTable: typeof FlowTable;
  cookies: typeof Cookies;
}
async function load(name: string, src: string): Promise<Build> {
  const at = (m: string) => import(pathToFileURL(resolve(src, m)).href);
  return {
    name,
    wire: (await at('proxy/wire.js')) as typeof Wire,
    frameKey: (await at('proxy/frame-key.js')) as typeof FrameKey,
    rewrite: (await at('proxy/rewrite.js')) as typeof Rewrite,
    flowTable: (await at('proxy/flow-table.js')) as typeof FlowTable,
    cookies: (await at('dataplane/cookies.js')) as typeof Cookies,
  };
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}
const ROUNDS = Number(arg('rounds', '7'));
const SETUPS = Number(arg('setups', '100000'));
const VERSIONS = arg('versions', '1,4').split(',').map(Number) as Array<1 | 4>;
const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(arg('src', resolve(HERE, '../src')));

/**
 * The load benchmark's slice on one switch (runtime/bench/load/paths.ts): `ip: match ip_src
 * 192.168.0.0/16 on s1` and `arp: match eth_type arp on s1` (whole-switch rules), VLAN overlay.
 */
const rule = (id: number, name: string, alt: FlowMatch): SliceOnSwitch['rules'][number] => ({
  id,
  rule: name,
  inPort: null,
  priority: 100,
  alternatives: [alt],
  read: true,
  write: true,
});
const view: SliceOnSwitch = {
  slice: 'tenant0',
  index: 0,
  dpid: '0000000000000001',
  edgePorts: new Set([1, 2, 3, 4]),
  linkPorts: new Set(),
  overlay: { type: 'vlan', tag: 100 },
  rules: [
    rule(1, 'ip', { eth_type: { value: 0x800n }, ipv4_src: { value: 0xc0a80000n, mask: 0xffff0000n } }),
    rule(2, 'arp', { eth_type: { value: 0x806n } }),
  ],
  meterId: null,
  meterRateKbps: null,
  meterBurstKb: null,
  portLimitsKbps: {},
  classes: [],
  guaranteeQueues: {},
  limits: { flowEntriesSwitch: null, flowEntriesTotal: null, controlRate: null, packetInRate: null },
  controllers: [],
  virtualPorts: [],
  virtualActive: () => null,
};

/** The fake switch's 64-byte IPv4 frame (192.168.0.40 → 192.168.1.40, protocol 255). */
function frame(src: number): Buffer {
  const f = Buffer.alloc(64);
  f[0] = 0x80;
  f[5] = 1;
  f.writeUIntBE(src, 6, 6);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f[23] = 255;
  Buffer.from([192, 168, 0, 40, 192, 168, 1, 40]).copy(f, 26);
  return f;
}

/** What ovs-testcontroller matches on (1.3 in Open vSwitch's field order: eth_dst before eth_src). */
function learnedMatch(version: 1 | 4, src: number): FlowMatch {
  const m: FlowMatch = { in_port: { value: 1n } };
  if (version === 4) {
    m.eth_dst = { value: 0x800000000001n };
    m.eth_src = { value: BigInt(src) };
  } else {
    m.eth_src = { value: BigInt(src) };
    m.eth_dst = { value: 0x800000000001n };
  }
  Object.assign(m, {
    eth_type: { value: 0x800n },
    vlan_vid: { value: 0n },
    ip_dscp: { value: 0n },
    ...(version === 4 ? { ip_ecn: { value: 0n } } : {}),
    ip_proto: { value: 255n },
    ipv4_src: { value: 0xc0a80028n },
    ipv4_dst: { value: 0xc0a80128n },
  });
  if (version === 1) {
    m.vlan_pcp = { value: 0n };
    m.tcp_src = { value: 0n };
    m.tcp_dst = { value: 0n };
  }
  return m;
}

const encode = (encodeNeutral: typeof Wire.encodeNeutral, m: OfMessage, peer: 'switch' | 'tenant'): Buffer => {
  const b = encodeNeutral(m, peer);
  if (!Buffer.isBuffer(b)) throw new Error(`cannot encode ${m.type}: ${JSON.stringify(b)}`);
  return Buffer.from(b);
};

/** OXM field numbers in the order Open vSwitch writes a match (nx-match.c): eth_src before eth_dst, IPv4 addresses before dscp/ecn/proto. */
const OVS_ORDER = [0, 4, 3, 5, 6, 11, 12, 8, 9, 10];
/** Reorders a 1.3 flow-mod's OXM TLVs (written canonically by the proxy's writer) into Open vSwitch's order, in place. */
function ovsOrder(b: Buffer): void {
  const end = 48 + b.readUInt16BE(50);
  const tlvs: Buffer[] = [];
  for (let p = 52; p + 4 <= end; ) {
    const len = 4 + b[p + 3]!;
    tlvs.push(Buffer.from(b.subarray(p, p + len)));
    p += len;
  }
  const rank = (t: Buffer) => OVS_ORDER.indexOf(t[2]! >> 1);
  tlvs.sort((x, y) => rank(x) - rank(y));
  Buffer.concat(tlvs).copy(b, 52);
}

function frames(build: Build, version: 1 | 4, n: number): { pins: Buffer[]; fms: Buffer[] } {
  const pins: Buffer[] = [],
    fms: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const src = 0x10000000 + i;
    const data = frame(src);
    const pin: OfMessage = {
      version,
      xid: 0,
      type: 'packet_in',
      bufferId: i % 256,
      totalLen: 64,
      reason: 0,
      tableId: 0,
      cookie: 0xffffffffffffffffn,
      match: { in_port: { value: 1n } },
      data,
    };
    pins.push(encode(build.wire.encodeNeutral, pin, 'switch'));
    const fm: OfMessage = {
      version,
      xid: i,
      type: 'flow_mod',
      cookie: 0n,
      cookieMask: 0n,
      tableId: 0,
      command: 0,
      idleTimeout: 60,
      hardTimeout: 0,
      priority: 0xffff,
      bufferId: i % 256,
      outPort: 0xffffffff,
      outGroup: 0xffffffff,
      flags: 1,
      match: learnedMatch(version, src),
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
    };
    const bytes = encode(build.wire.encodeNeutral, fm, 'tenant');
    if (version === 4) ovsOrder(bytes);
    fms.push(bytes);
  }
  return { pins, fms };
}

function round(build: Build, version: 1 | 4, pins: Buffer[], fms: Buffer[]): number {
  const { DecodeFailure, decodeFrame, encodeNeutral } = build.wire;
  const { flowModKey } = build.frameKey;
  const { rewriteFlowMod } = build.rewrite;
  const { SliceFlowTable } = build.flowTable;
  const { sliceCookie } = build.cookies;
  const ctx: SliceContext = { view, edgePorts: [1, 2, 3, 4], meters: version === 4 };
  const table = new SliceFlowTable();
  let seq = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < pins.length; i++) {
    const pin = decodeFrame(pins[i]!, 'switch');
    if (pin instanceof DecodeFailure) throw new Error('packet-in did not decode');
    const toTenant = encodeNeutral(pin, 'tenant');
    if (!Buffer.isBuffer(toTenant)) throw new Error('packet-in did not encode');
    const raw = fms[i]!;
    const d = decodeFrame(raw, 'tenant');
    if (d instanceof DecodeFailure || d.type !== 'flow_mod') throw new Error('flow-mod did not decode');
    const m = d;
    const key = flowModKey(m, raw);
    const existing = table.existing(m.match, m.priority, key);
    const cookie = existing?.cookie ?? sliceCookie(0, ++seq);
    const r = rewriteFlowMod(ctx, m, cookie);
    if (!r.ok) throw new Error(`rewrite refused: ${r.reason}`);
    table.add(ruleOfFlowMod(m, cookie), r.value, key);
    for (const p of r.value) {
      const out = encodeNeutral({ version: m.version, xid: m.xid, type: 'flow_mod', ...p }, 'switch');
      if (!Buffer.isBuffer(out)) throw new Error('flow-mod did not encode');
    }
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / pins.length;
}

const build = await load(SRC, SRC);
const rows: Array<{ version: string; best: number; rounds: number[] }> = [];
for (const version of VERSIONS) {
  const { pins, fms } = frames(build, version, SETUPS);
  const all: number[] = [];
  for (let r = 0; r < ROUNDS; r++) all.push(round(build, version, pins, fms));
  const best = Math.min(...all);
  const v = version === 1 ? '1.0' : '1.3';
  rows.push({ version: v, best, rounds: all });
  console.log(
    `OpenFlow ${v}: ${best.toFixed(2)} µs per setup (least of ${ROUNDS} rounds of ${SETUPS}; all: ${all.map((x) => x.toFixed(2)).join(' ')})`,
  );
}
const out = resolve(HERE, '../../../bench/results/per-setup.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, setups: SETUPS, src: SRC, rows }, null, 2));
