/** Shared sub-structures: ports, group buckets, meter bands, packet queues. */
import { Reader, type Writer } from './bytes.js';
import { SUGGEST } from './constants.js';
import { actions13Length, readActions13, writeActions13 } from './actions.js';
import type { Bucket, MeterBand, PacketQueue, Port10, Port13, QueueProperty } from './types.js';

export const PORT13_LEN = 64;
export const PORT10_LEN = 48;

/** The port fields after the name, the same six u32s in 1.0 and 1.3. */
type PortProps = Pick<Port10, 'config' | 'state' | 'curr' | 'advertised' | 'supported' | 'peer'>;

function readPortProps(r: Reader): PortProps {
  return { config: r.u32(), state: r.u32(), curr: r.u32(), advertised: r.u32(), supported: r.u32(), peer: r.u32() };
}

function writePortProps(w: Writer, p: PortProps): void {
  w.u32(p.config);
  w.u32(p.state);
  w.u32(p.curr);
  w.u32(p.advertised);
  w.u32(p.supported);
  w.u32(p.peer);
}

export function readPort13(r: Reader): Port13 {
  r.need(PORT13_LEN, 'port');
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = r.mac('hw_addr');
  r.skip(2);
  const name = r.str(16);
  const props = readPortProps(r);
  return { portNo, hwAddr, name, ...props, currSpeed: r.u32(), maxSpeed: r.u32() };
}

export function writePort13(w: Writer, p: Port13): void {
  w.u32(p.portNo);
  w.zeros(4);
  w.mac(p.hwAddr);
  w.zeros(2);
  w.str(p.name, 16);
  writePortProps(w, p);
  w.u32(p.currSpeed);
  w.u32(p.maxSpeed);
}

export function readPort10(r: Reader): Port10 {
  r.need(PORT10_LEN, 'port');
  const portNo = r.u16();
  const hwAddr = r.mac('hw_addr');
  const name = r.str(16);
  return { portNo, hwAddr, name, ...readPortProps(r) };
}

export function writePort10(w: Writer, p: Port10): void {
  w.u16(p.portNo);
  w.mac(p.hwAddr);
  w.str(p.name, 16);
  writePortProps(w, p);
}

export function readBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    const len = r.u16('bucket length');
    if (len < 16 || len % 8 !== 0) r.fail('bad_length', `bucket length ${len}`, SUGGEST.badGroupBucket13, start);
    const b = new Reader(r.buf, r.pos, start + len, SUGGEST.badGroupBucket13);
    r.sub(len - 2, 'bucket', SUGGEST.badGroupBucket13);
    const weight = b.u16();
    const watchPort = b.u32();
    const watchGroup = b.u32();
    b.skip(4);
    out.push({ weight, watchPort, watchGroup, actions: readActions13(b) });
  }
  return out;
}

export function bucketsLength(buckets: readonly Bucket[]): number {
  let n = 0;
  for (const b of buckets) n += 16 + actions13Length(b.actions);
  return n;
}

export function writeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    const start = w.pos;
    const slot = w.lenSlot();
    w.u16(b.weight);
    w.u32(b.watchPort);
    w.u32(b.watchGroup);
    w.zeros(4);
    writeActions13(w, b.actions);
    w.patchLen(slot, start);
  }
}

export function readBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    r.need(4, 'meter band header');
    const type = r.u16();
    const len = r.u16();
    if (len < 16 || len % 8 !== 0) r.fail('bad_length', `meter band length ${len}`, SUGGEST.badMeterBand13, start);
    const b = r.sub(len - 4, 'meter band', SUGGEST.badMeterBand13);
    const rate = b.u32();
    const burstSize = b.u32();
    if (type === 1) {
      if (len !== 16) r.fail('bad_length', `drop band length ${len}`, SUGGEST.badMeterBand13, start);
      out.push({ type: 'drop', rate, burstSize });
    } else if (type === 2) {
      if (len !== 16) r.fail('bad_length', `dscp_remark band length ${len}`, SUGGEST.badMeterBand13, start);
      out.push({ type: 'dscp_remark', rate, burstSize, precLevel: b.u8() });
    } else if (type === 0xffff) {
      out.push({ type: 'experimenter', rate, burstSize, experimenter: b.u32(), data: b.rest() });
    } else {
      r.fail('bad_band_type', `unknown meter band type ${type}`, SUGGEST.badMeterBand13, start);
    }
  }
  return out;
}

export function bandsLength(bands: readonly MeterBand[]): number {
  let n = 0;
  for (const b of bands) n += b.type === 'experimenter' ? (16 + b.data.length + 7) & ~7 : 16;
  return n;
}

export function writeBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const band of bands) {
    const start = w.pos;
    w.u16(band.type === 'drop' ? 1 : band.type === 'dscp_remark' ? 2 : 0xffff);
    const slot = w.lenSlot();
    w.u32(band.rate);
    w.u32(band.burstSize);
    if (band.type === 'drop') w.zeros(4);
    else if (band.type === 'dscp_remark') {
      w.u8(band.precLevel);
      w.zeros(3);
    } else {
      w.u32(band.experimenter);
      w.bytes(band.data);
      w.align(start, 8);
    }
    w.patchLen(slot, start);
  }
}

function readQueueProps(r: Reader): QueueProperty[] {
  const out: QueueProperty[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    r.need(8, 'queue property header');
    const property = r.u16();
    const len = r.u16();
    if (len < 8) r.fail('bad_length', `queue property length ${len}`, SUGGEST.badLen, start);
    const b = r.sub(len - 4, 'queue property');
    b.skip(4);
    if ((property === 1 || property === 2) && len === 16) {
      const rate = b.u16();
      out.push({ property, rate });
    } else {
      out.push({ property, data: b.rest() });
    }
  }
  return out;
}

function writeQueueProps(w: Writer, props: readonly QueueProperty[]): void {
  for (const p of props) {
    const start = w.pos;
    w.u16(p.property);
    const slot = w.lenSlot();
    w.zeros(4);
    if ('rate' in p) {
      w.u16(p.rate);
      w.zeros(6);
    } else w.bytes(p.data);
    w.patchLen(slot, start);
  }
}

export function readQueues(r: Reader, version: 1 | 4): PacketQueue[] {
  const out: PacketQueue[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    const queueId = r.u32('queue id');
    if (version === 4) {
      const port = r.u32();
      const len = r.u16();
      if (len < 16) r.fail('bad_length', `packet queue length ${len}`, SUGGEST.badLen, start);
      const b = new Reader(r.buf, r.pos, start + len);
      r.sub(len - 10, 'packet queue');
      b.skip(6);
      out.push({ queueId, port, properties: readQueueProps(b) });
    } else {
      const len = r.u16();
      if (len < 8) r.fail('bad_length', `packet queue length ${len}`, SUGGEST.badLen, start);
      const b = new Reader(r.buf, r.pos, start + len);
      r.sub(len - 6, 'packet queue');
      b.skip(2);
      out.push({ queueId, properties: readQueueProps(b) });
    }
  }
  return out;
}

export function queuesLength(queues: readonly PacketQueue[], version: 1 | 4): number {
  let n = 0;
  for (const q of queues) {
    n += version === 4 ? 16 : 8;
    for (const p of q.properties) n += 'rate' in p ? 16 : 8 + p.data.length;
  }
  return n;
}

export function writeQueues(w: Writer, queues: readonly PacketQueue[], version: 1 | 4): void {
  for (const q of queues) {
    const start = w.pos;
    w.u32(q.queueId);
    if (version === 4) w.u32(q.port ?? 0);
    const slot = w.lenSlot();
    w.zeros(version === 4 ? 6 : 2);
    writeQueueProps(w, q.properties);
    w.patchLen(slot, start);
  }
}
