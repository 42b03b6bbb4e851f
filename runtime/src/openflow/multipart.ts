/** Multipart (1.3) and stats (1.0) bodies. */
import type { Reader, Writer } from './bytes.js';
import { SUGGEST } from './constants.js';
import {
  actions10Length,
  instructionsLength,
  MATCH10_LEN,
  readActions10,
  readInstructions,
  readMatch10,
  writeActions10,
  writeInstructions,
  writeMatch10,
} from './actions.js';
import { match13Length, readMatch13, writeMatch13 } from './oxm.js';
import {
  bandsLength,
  bucketsLength,
  PORT13_LEN,
  readBands,
  readBuckets,
  readPort13,
  writeBands,
  writeBuckets,
  writePort13,
} from './structs.js';
import {
  type AggregateStats,
  type Desc,
  type FlowStats10,
  type FlowStats13,
  type GroupDesc,
  type GroupStats,
  type MeterConfig,
  type MeterStats,
  MP10_CODES,
  MP13_CODES,
  type MultipartReplyBody10,
  type MultipartReplyBody13,
  type MultipartRequestBody10,
  type MultipartRequestBody13,
  type PortCounters,
  type TableFeatures,
} from './multipart-types.js';

const MP13_NAMES = Object.fromEntries(Object.entries(MP13_CODES).map(([k, v]) => [v, k])) as Record<number, keyof typeof MP13_CODES>;
const MP10_NAMES = Object.fromEntries(Object.entries(MP10_CODES).map(([k, v]) => [v, k])) as Record<number, keyof typeof MP10_CODES>;

export function mp13Code(mpType: keyof typeof MP13_CODES): number {
  return MP13_CODES[mpType];
}
export function mp10Code(mpType: keyof typeof MP10_CODES): number {
  return MP10_CODES[mpType];
}

function unknownMp(r: Reader, code: number, start: number): never {
  return r.fail('bad_multipart', `unknown multipart type ${code}`, SUGGEST.badMultipart, start);
}

/** Read `count` fixed-size records or variable records that start with a u16 length. */
function records<T>(r: Reader, read: (b: Reader) => T, minLen: number, fixedLen?: number): T[] {
  const out: T[] = [];
  while (r.remaining > 0) {
    if (fixedLen !== undefined) {
      out.push(read(r.sub(fixedLen, 'multipart record')));
      continue;
    }
    const start = r.pos;
    r.need(2, 'record length');
    const len = r.buf.readUInt16BE(r.pos);
    if (len < minLen) r.fail('bad_length', `multipart record length ${len} < ${minLen}`, SUGGEST.badLen, start);
    out.push(read(r.sub(len, 'multipart record')));
  }
  return out;
}

function lengthPrefixed(w: Writer, body: () => void): void {
  const start = w.pos;
  const slot = w.lenSlot();
  body();
  w.patchLen(slot, start);
}

// ---------------------------------------------------------------- desc & counters (shared)
function readDesc(r: Reader): Desc {
  r.need(1056, 'desc');
  return { mfrDesc: r.str(256), hwDesc: r.str(256), swDesc: r.str(256), serialNum: r.str(32), dpDesc: r.str(256) };
}
function writeDesc(w: Writer, d: Desc): void {
  w.str(d.mfrDesc, 256);
  w.str(d.hwDesc, 256);
  w.str(d.swDesc, 256);
  w.str(d.serialNum, 32);
  w.str(d.dpDesc, 256);
}

function readAggregate(r: Reader): AggregateStats {
  const packetCount = r.u64();
  const byteCount = r.u64();
  const flowCount = r.u32();
  r.skip(4);
  return { packetCount, byteCount, flowCount };
}
function writeAggregate(w: Writer, a: AggregateStats): void {
  w.u64(a.packetCount);
  w.u64(a.byteCount);
  w.u32(a.flowCount);
  w.zeros(4);
}

const COUNTER_KEYS = [
  'rxPackets',
  'txPackets',
  'rxBytes',
  'txBytes',
  'rxDropped',
  'txDropped',
  'rxErrors',
  'txErrors',
  'rxFrameErr',
  'rxOverErr',
  'rxCrcErr',
  'collisions',
] as const;
function readCounters(r: Reader): PortCounters {
  const o: Record<string, bigint> = {};
  for (const k of COUNTER_KEYS) o[k] = r.u64();
  return o as unknown as PortCounters;
}
function writeCounters(w: Writer, c: PortCounters): void {
  for (const k of COUNTER_KEYS) w.u64(c[k]);
}

// ---------------------------------------------------------------- 1.3 requests
export function readMpRequest13(r: Reader, code: number): MultipartRequestBody13 {
  const start = r.pos;
  const mpType = MP13_NAMES[code];
  switch (mpType) {
    case 'desc':
    case 'table':
    case 'group_desc':
    case 'group_features':
    case 'meter_features':
    case 'port_desc':
      return { mpType };
    case 'flow':
    case 'aggregate': {
      const tableId = r.u8();
      r.skip(3);
      const outPort = r.u32();
      const outGroup = r.u32();
      r.skip(4);
      const cookie = r.u64();
      const cookieMask = r.u64();
      return { mpType, tableId, outPort, outGroup, cookie, cookieMask, match: readMatch13(r) };
    }
    case 'port_stats': {
      const portNo = r.u32();
      r.skip(4);
      return { mpType, portNo };
    }
    case 'queue': {
      const portNo = r.u32();
      return { mpType, portNo, queueId: r.u32() };
    }
    case 'group': {
      const groupId = r.u32();
      r.skip(4);
      return { mpType, groupId };
    }
    case 'meter':
    case 'meter_config': {
      const meterId = r.u32();
      r.skip(4);
      return { mpType, meterId };
    }
    case 'table_features':
      return { mpType, data: r.rest() };
    case 'experimenter': {
      const experimenter = r.u32();
      const expType = r.u32();
      return { mpType, experimenter, expType, data: r.rest() };
    }
    default:
      return unknownMp(r, code, start);
  }
}

export function writeMpRequest13(w: Writer, b: MultipartRequestBody13): void {
  switch (b.mpType) {
    case 'desc':
    case 'table':
    case 'group_desc':
    case 'group_features':
    case 'meter_features':
    case 'port_desc':
      return;
    case 'flow':
    case 'aggregate':
      w.u8(b.tableId);
      w.zeros(3);
      w.u32(b.outPort);
      w.u32(b.outGroup);
      w.zeros(4);
      w.u64(b.cookie);
      w.u64(b.cookieMask);
      writeMatch13(w, b.match);
      return;
    case 'port_stats':
      w.u32(b.portNo);
      w.zeros(4);
      return;
    case 'queue':
      w.u32(b.portNo);
      w.u32(b.queueId);
      return;
    case 'group':
      w.u32(b.groupId);
      w.zeros(4);
      return;
    case 'meter':
    case 'meter_config':
      w.u32(b.meterId);
      w.zeros(4);
      return;
    case 'table_features':
      w.bytes(b.data);
      return;
    case 'experimenter':
      w.u32(b.experimenter);
      w.u32(b.expType);
      w.bytes(b.data);
      return;
  }
}

// ---------------------------------------------------------------- 1.3 replies
function readFlowStats13(r: Reader): FlowStats13 {
  r.skip(2);
  const tableId = r.u8();
  r.skip(1);
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const flags = r.u16();
  r.skip(4);
  const cookie = r.u64();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const match = readMatch13(r);
  return {
    tableId,
    durationSec,
    durationNsec,
    priority,
    idleTimeout,
    hardTimeout,
    flags,
    cookie,
    packetCount,
    byteCount,
    match,
    instructions: readInstructions(r),
  };
}
function writeFlowStats13(w: Writer, s: FlowStats13): void {
  const start = w.pos;
  const slot = w.lenSlot();
  w.u8(s.tableId);
  w.zeros(1);
  w.u32(s.durationSec);
  w.u32(s.durationNsec);
  w.u16(s.priority);
  w.u16(s.idleTimeout);
  w.u16(s.hardTimeout);
  w.u16(s.flags);
  w.zeros(4);
  w.u64(s.cookie);
  w.u64(s.packetCount);
  w.u64(s.byteCount);
  writeMatch13(w, s.match);
  writeInstructions(w, s.instructions);
  w.patchLen(slot, start);
}

function readGroupStats(r: Reader): GroupStats {
  r.skip(4);
  const groupId = r.u32();
  const refCount = r.u32();
  r.skip(4);
  const packetCount = r.u64();
  const byteCount = r.u64();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const bucketStats: { packetCount: bigint; byteCount: bigint }[] = [];
  while (r.remaining > 0) bucketStats.push({ packetCount: r.u64(), byteCount: r.u64() });
  return { groupId, refCount, packetCount, byteCount, durationSec, durationNsec, bucketStats };
}

function readGroupDesc(r: Reader): GroupDesc {
  r.skip(2);
  const groupType = r.u8();
  r.skip(1);
  const groupId = r.u32();
  return { groupType, groupId, buckets: readBuckets(r) };
}

function readMeterStats(r: Reader): MeterStats {
  const start = r.pos;
  const meterId = r.u32();
  const len = r.u16();
  if (len < 40) r.fail('bad_length', `meter stats length ${len}`, SUGGEST.badLen, start);
  const b = r.sub(len - 6, 'meter stats');
  b.skip(6);
  const flowCount = b.u32();
  const packetInCount = b.u64();
  const byteInCount = b.u64();
  const durationSec = b.u32();
  const durationNsec = b.u32();
  const bandStats: { packetBandCount: bigint; byteBandCount: bigint }[] = [];
  while (b.remaining > 0) bandStats.push({ packetBandCount: b.u64(), byteBandCount: b.u64() });
  return { meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bandStats };
}

function readMeterConfig(r: Reader): MeterConfig {
  r.skip(2);
  const flags = r.u16();
  const meterId = r.u32();
  return { flags, meterId, bands: readBands(r) };
}

export function readMpReply13(r: Reader, code: number): MultipartReplyBody13 {
  const start = r.pos;
  const mpType = MP13_NAMES[code];
  switch (mpType) {
    case 'desc':
      return { mpType, ...readDesc(r) };
    case 'flow':
      return { mpType, stats: records(r, readFlowStats13, 56) };
    case 'aggregate':
      return { mpType, ...readAggregate(r) };
    case 'table':
      return {
        mpType,
        stats: records(
          r,
          (b) => {
            const tableId = b.u8();
            b.skip(3);
            return { tableId, activeCount: b.u32(), lookupCount: b.u64(), matchedCount: b.u64() };
          },
          24,
          24,
        ),
      };
    case 'port_stats':
      return {
        mpType,
        stats: records(
          r,
          (b) => {
            const portNo = b.u32();
            b.skip(4);
            const c = readCounters(b);
            return { portNo, ...c, durationSec: b.u32(), durationNsec: b.u32() };
          },
          112,
          112,
        ),
      };
    case 'queue':
      return {
        mpType,
        stats: records(
          r,
          (b) => ({
            portNo: b.u32(),
            queueId: b.u32(),
            txBytes: b.u64(),
            txPackets: b.u64(),
            txErrors: b.u64(),
            durationSec: b.u32(),
            durationNsec: b.u32(),
          }),
          40,
          40,
        ),
      };
    case 'group':
      return { mpType, stats: records(r, readGroupStats, 40) };
    case 'group_desc':
      return { mpType, groups: records(r, readGroupDesc, 8) };
    case 'meter': {
      const stats: MeterStats[] = [];
      while (r.remaining > 0) stats.push(readMeterStats(r));
      return { mpType, stats };
    }
    case 'meter_config':
      return { mpType, configs: records(r, readMeterConfig, 8) };
    case 'meter_features': {
      const maxMeter = r.u32();
      const bandTypes = r.u32();
      const capabilities = r.u32();
      const maxBands = r.u8();
      const maxColor = r.u8();
      r.skip(2);
      return { mpType, maxMeter, bandTypes, capabilities, maxBands, maxColor };
    }
    case 'port_desc':
      return { mpType, ports: records(r, readPort13, PORT13_LEN, PORT13_LEN) };
    case 'group_features':
      return { mpType, data: r.rest() };
    case 'table_features':
      return { mpType, features: records(r, readTableFeatures, TABLE_FEATURES_LEN) };
    case 'experimenter': {
      const experimenter = r.u32();
      const expType = r.u32();
      return { mpType, experimenter, expType, data: r.rest() };
    }
    default:
      return unknownMp(r, code, start);
  }
}

/** ofp_table_features' fixed part: length, table id, pad, name, metadata match/write, config, max entries. */
const TABLE_FEATURES_LEN = 64;

function readTableFeatures(r: Reader): TableFeatures {
  r.skip(2); // length (records() gave this reader exactly that many bytes)
  const tableId = r.u8();
  r.skip(5);
  const name = r.str(32, 'table name');
  const metadataMatch = r.u64();
  const metadataWrite = r.u64();
  const config = r.u32();
  const maxEntries = r.u32();
  return { tableId, name, metadataMatch, metadataWrite, config, maxEntries, properties: r.rest() };
}

function writeTableFeatures(w: Writer, f: TableFeatures): void {
  lengthPrefixed(w, () => {
    w.u8(f.tableId);
    w.zeros(5);
    w.str(f.name, 32);
    w.u64(f.metadataMatch);
    w.u64(f.metadataWrite);
    w.u32(f.config);
    w.u32(f.maxEntries);
    w.bytes(f.properties);
  });
}

export function writeMpReply13(w: Writer, b: MultipartReplyBody13): void {
  switch (b.mpType) {
    case 'desc':
      return writeDesc(w, b);
    case 'flow':
      for (const s of b.stats) writeFlowStats13(w, s);
      return;
    case 'aggregate':
      return writeAggregate(w, b);
    case 'table':
      for (const s of b.stats) {
        w.u8(s.tableId);
        w.zeros(3);
        w.u32(s.activeCount);
        w.u64(s.lookupCount);
        w.u64(s.matchedCount);
      }
      return;
    case 'port_stats':
      for (const s of b.stats) {
        w.u32(s.portNo);
        w.zeros(4);
        writeCounters(w, s);
        w.u32(s.durationSec);
        w.u32(s.durationNsec);
      }
      return;
    case 'queue':
      for (const s of b.stats) {
        w.u32(s.portNo);
        w.u32(s.queueId);
        w.u64(s.txBytes);
        w.u64(s.txPackets);
        w.u64(s.txErrors);
        w.u32(s.durationSec);
        w.u32(s.durationNsec);
      }
      return;
    case 'group':
      for (const s of b.stats)
        lengthPrefixed(w, () => {
          w.zeros(2);
          w.u32(s.groupId);
          w.u32(s.refCount);
          w.zeros(4);
          w.u64(s.packetCount);
          w.u64(s.byteCount);
          w.u32(s.durationSec);
          w.u32(s.durationNsec);
          for (const bs of s.bucketStats) {
            w.u64(bs.packetCount);
            w.u64(bs.byteCount);
          }
        });
      return;
    case 'group_desc':
      for (const g of b.groups)
        lengthPrefixed(w, () => {
          w.u8(g.groupType);
          w.zeros(1);
          w.u32(g.groupId);
          writeBuckets(w, g.buckets);
        });
      return;
    case 'meter':
      for (const s of b.stats) {
        const start = w.pos;
        w.u32(s.meterId);
        const slot = w.lenSlot();
        w.zeros(6);
        w.u32(s.flowCount);
        w.u64(s.packetInCount);
        w.u64(s.byteInCount);
        w.u32(s.durationSec);
        w.u32(s.durationNsec);
        for (const bs of s.bandStats) {
          w.u64(bs.packetBandCount);
          w.u64(bs.byteBandCount);
        }
        w.patchLen(slot, start);
      }
      return;
    case 'meter_config':
      for (const c of b.configs)
        lengthPrefixed(w, () => {
          w.u16(c.flags);
          w.u32(c.meterId);
          writeBands(w, c.bands);
        });
      return;
    case 'meter_features':
      w.u32(b.maxMeter);
      w.u32(b.bandTypes);
      w.u32(b.capabilities);
      w.u8(b.maxBands);
      w.u8(b.maxColor);
      w.zeros(2);
      return;
    case 'port_desc':
      for (const p of b.ports) writePort13(w, p);
      return;
    case 'group_features':
      w.bytes(b.data);
      return;
    case 'table_features':
      for (const f of b.features) writeTableFeatures(w, f);
      return;
    case 'experimenter':
      w.u32(b.experimenter);
      w.u32(b.expType);
      w.bytes(b.data);
      return;
  }
}

// ---------------------------------------------------------------- 1.0 stats
export function readMpRequest10(r: Reader, code: number): MultipartRequestBody10 {
  const start = r.pos;
  const mpType = MP10_NAMES[code];
  switch (mpType) {
    case 'desc':
    case 'table':
      return { mpType };
    case 'flow':
    case 'aggregate': {
      const match = readMatch10(r);
      const tableId = r.u8();
      r.skip(1);
      return { mpType, match, tableId, outPort: r.u16() };
    }
    case 'port_stats': {
      const portNo = r.u16();
      r.skip(6);
      return { mpType, portNo };
    }
    case 'queue': {
      const portNo = r.u16();
      r.skip(2);
      return { mpType, portNo, queueId: r.u32() };
    }
    case 'experimenter':
      return { mpType, experimenter: r.u32(), data: r.rest() };
    default:
      return unknownMp(r, code, start);
  }
}

export function writeMpRequest10(w: Writer, b: MultipartRequestBody10): void {
  switch (b.mpType) {
    case 'desc':
    case 'table':
      return;
    case 'flow':
    case 'aggregate':
      writeMatch10(w, b.match);
      w.u8(b.tableId);
      w.zeros(1);
      w.u16(b.outPort);
      return;
    case 'port_stats':
      w.u16(b.portNo);
      w.zeros(6);
      return;
    case 'queue':
      w.u16(b.portNo);
      w.zeros(2);
      w.u32(b.queueId);
      return;
    case 'experimenter':
      w.u32(b.experimenter);
      w.bytes(b.data);
      return;
  }
}

function readFlowStats10(r: Reader): FlowStats10 {
  r.skip(2);
  const tableId = r.u8();
  r.skip(1);
  const match = readMatch10(r);
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  r.skip(6);
  const cookie = r.u64();
  const packetCount = r.u64();
  const byteCount = r.u64();
  return {
    tableId,
    match,
    durationSec,
    durationNsec,
    priority,
    idleTimeout,
    hardTimeout,
    cookie,
    packetCount,
    byteCount,
    actions: readActions10(r),
  };
}

export function readMpReply10(r: Reader, code: number): MultipartReplyBody10 {
  const start = r.pos;
  const mpType = MP10_NAMES[code];
  switch (mpType) {
    case 'desc':
      return { mpType, ...readDesc(r) };
    case 'flow':
      return { mpType, stats: records(r, readFlowStats10, 88) };
    case 'aggregate':
      return { mpType, ...readAggregate(r) };
    case 'table':
      return {
        mpType,
        stats: records(
          r,
          (b) => {
            const tableId = b.u8();
            b.skip(3);
            return {
              tableId,
              name: b.str(32),
              wildcards: b.u32(),
              maxEntries: b.u32(),
              activeCount: b.u32(),
              lookupCount: b.u64(),
              matchedCount: b.u64(),
            };
          },
          64,
          64,
        ),
      };
    case 'port_stats':
      return {
        mpType,
        stats: records(
          r,
          (b) => {
            const portNo = b.u16();
            b.skip(6);
            return { portNo, ...readCounters(b) };
          },
          104,
          104,
        ),
      };
    case 'queue':
      return {
        mpType,
        stats: records(
          r,
          (b) => {
            const portNo = b.u16();
            b.skip(2);
            return { portNo, queueId: b.u32(), txBytes: b.u64(), txPackets: b.u64(), txErrors: b.u64() };
          },
          32,
          32,
        ),
      };
    case 'experimenter':
      return { mpType, experimenter: r.u32(), data: r.rest() };
    default:
      return unknownMp(r, code, start);
  }
}

export function writeMpReply10(w: Writer, b: MultipartReplyBody10): void {
  switch (b.mpType) {
    case 'desc':
      return writeDesc(w, b);
    case 'flow':
      for (const s of b.stats) {
        const start = w.pos;
        const slot = w.lenSlot();
        w.u8(s.tableId);
        w.zeros(1);
        writeMatch10(w, s.match);
        w.u32(s.durationSec);
        w.u32(s.durationNsec);
        w.u16(s.priority);
        w.u16(s.idleTimeout);
        w.u16(s.hardTimeout);
        w.zeros(6);
        w.u64(s.cookie);
        w.u64(s.packetCount);
        w.u64(s.byteCount);
        writeActions10(w, s.actions);
        w.patchLen(slot, start);
      }
      return;
    case 'aggregate':
      return writeAggregate(w, b);
    case 'table':
      for (const s of b.stats) {
        w.u8(s.tableId);
        w.zeros(3);
        w.str(s.name, 32);
        w.u32(s.wildcards);
        w.u32(s.maxEntries);
        w.u32(s.activeCount);
        w.u64(s.lookupCount);
        w.u64(s.matchedCount);
      }
      return;
    case 'port_stats':
      for (const s of b.stats) {
        w.u16(s.portNo);
        w.zeros(6);
        writeCounters(w, s);
      }
      return;
    case 'queue':
      for (const s of b.stats) {
        w.u16(s.portNo);
        w.zeros(2);
        w.u32(s.queueId);
        w.u64(s.txBytes);
        w.u64(s.txPackets);
        w.u64(s.txErrors);
      }
      return;
    case 'experimenter':
      w.u32(b.experimenter);
      w.bytes(b.data);
      return;
  }
}

// ---------------------------------------------------------------- body sizes (for exact-size encoding)
export function mpRequest13Length(b: MultipartRequestBody13): number {
  switch (b.mpType) {
    case 'desc':
    case 'table':
    case 'group_desc':
    case 'group_features':
    case 'meter_features':
    case 'port_desc':
      return 0;
    case 'flow':
    case 'aggregate':
      return 32 + match13Length(b.match);
    case 'port_stats':
    case 'queue':
    case 'group':
    case 'meter':
    case 'meter_config':
      return 8;
    case 'table_features':
      return b.data.length;
    case 'experimenter':
      return 8 + b.data.length;
  }
}

export function mpReply13Length(b: MultipartReplyBody13): number {
  let n = 0;
  switch (b.mpType) {
    case 'desc':
      return 1056;
    case 'flow':
      for (const s of b.stats) n += 48 + match13Length(s.match) + instructionsLength(s.instructions);
      return n;
    case 'aggregate':
      return 24;
    case 'table':
      return 24 * b.stats.length;
    case 'port_stats':
      return 112 * b.stats.length;
    case 'queue':
      return 40 * b.stats.length;
    case 'group':
      for (const s of b.stats) n += 40 + 16 * s.bucketStats.length;
      return n;
    case 'group_desc':
      for (const g of b.groups) n += 8 + bucketsLength(g.buckets);
      return n;
    case 'meter':
      for (const s of b.stats) n += 40 + 16 * s.bandStats.length;
      return n;
    case 'meter_config':
      for (const c of b.configs) n += 8 + bandsLength(c.bands);
      return n;
    case 'meter_features':
      return 16;
    case 'port_desc':
      return PORT13_LEN * b.ports.length;
    case 'group_features':
      return b.data.length;
    case 'table_features':
      for (const f of b.features) n += TABLE_FEATURES_LEN + f.properties.length;
      return n;
    case 'experimenter':
      return 8 + b.data.length;
  }
}

export function mpRequest10Length(b: MultipartRequestBody10): number {
  switch (b.mpType) {
    case 'desc':
    case 'table':
      return 0;
    case 'flow':
    case 'aggregate':
      return MATCH10_LEN + 4;
    case 'port_stats':
    case 'queue':
      return 8;
    case 'experimenter':
      return 4 + b.data.length;
  }
}

export function mpReply10Length(b: MultipartReplyBody10): number {
  let n = 0;
  switch (b.mpType) {
    case 'desc':
      return 1056;
    case 'flow':
      for (const s of b.stats) n += 48 + MATCH10_LEN + actions10Length(s.actions);
      return n;
    case 'aggregate':
      return 24;
    case 'table':
      return 64 * b.stats.length;
    case 'port_stats':
      return 104 * b.stats.length;
    case 'queue':
      return 32 * b.stats.length;
    case 'experimenter':
      return 4 + b.data.length;
  }
}
