// A cbench-style emulated OpenFlow switch for the load benchmark, with its own minimal encoder (it
// imports nothing of the proxy or the codec, so the generator cannot share the proxy's bugs).
// What it sends follows cbench's fake switch: an 82-byte OpenFlow 1.0 packet-in (64-byte frame,
// IP 192.168.0.40 → 192.168.1.40, protocol 255) on in-port 1, destination MAC 80:00:00:00:00:<id>,
// source MAC 00:<4 bytes of a per-switch counter, little-endian>:<id>, the counter cycling through
// `macs` addresses (cbench's default: 100 000, i.e. every packet-in a fresh source); buffer ids
// counting 1..99 999 when buffered (n_buffers 256), OFP_NO_BUFFER when not (n_buffers 0); before
// the load, a gratuitous ARP from the destination MAC on port 2 so the learning switch knows where
// it is (cbench's --learn-dst-macs). OpenFlow 1.3 carries the same frame in a 1.3 packet-in.
// A flow setup is counted on each flow-mod ADD or MODIFY_STRICT (as cbench counts); a packet-out
// that follows a flow-mod without a buffer id belongs to that setup, any other packet-out is an
// answer of its own (a flood). Latency: from the write of a packet-in to its answer.
import { connect, type Socket } from 'node:net';

export type OfVersion = 1 | 4;

export interface FakeSwitchOptions {
  id: number;
  version: OfVersion;
  buffered: boolean;
  /** Distinct source MACs to cycle through; 0 = never repeat (the memory run). */
  macs: number;
  /**
   * OpenFlow 1.3 only: flow entries (by cookie) that flow statistics report, their counters
   * growing by 10 packets of 1000 bytes with every request (the cluster benchmark's traffic).
   * Absent: flow statistics are empty.
   */
  flowCookies?: readonly bigint[];
  /**
   * OpenFlow 1.3 only: while this connection's controller is master (its last role request), one
   * flow-removed every `flowRemovedEveryMs` of a rule of the next of `flowCookies`' slices (the
   * cookie's rule number + 0x10000 + a count, so never a rule the flow statistics list; 10
   * packets, 1000 bytes).
   */
  flowRemovedEveryMs?: number;
}

const NO_BUFFER = 0xffffffff;
const NUM_BUFFER_IDS = 100_000;
/** The 64-byte frame of a packet-in: IPv4 192.168.0.40 → 192.168.1.40, protocol 255, 30 bytes of payload (source MAC patched per packet). */
function probeFrame(id: number): Buffer {
  const f = Buffer.alloc(64);
  f[0] = 0x80;
  f[5] = id & 0xff; // destination 80:00:00:00:00:<id>
  f[11] = id & 0xff; // source 00:xx:xx:xx:xx:<id>
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(50, 16);
  f[22] = 64;
  f[23] = 255;
  Buffer.from([192, 168, 0, 40, 192, 168, 1, 40]).copy(f, 26);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += f.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  f.writeUInt16BE(~sum & 0xffff, 24);
  for (let i = 34; i < 64; i++) f[i] = (i * 37) & 0xff;
  return f;
}

/** A gratuitous ARP reply from 80:00:00:00:00:<id> (192.168.<id>.40), padded to 60 bytes. */
/** Whether a packet-out (either version) carries an LLDP frame (ethertype 0x88cc at byte 12 of its data). */
function isLldpPacketOut(v: number, m: Buffer): boolean {
  const actionsLen = v === 1 ? m.readUInt16BE(14) : m.readUInt16BE(16);
  const data = (v === 1 ? 16 : 24) + actionsLen;
  return m.length >= data + 14 && m.readUInt16BE(data + 12) === 0x88cc;
}

function learnFrame(id: number): Buffer {
  const f = Buffer.alloc(60);
  const mac = Buffer.from([0x80, 0, 0, 0, 0, id & 0xff]);
  f.fill(0xff, 0, 6);
  mac.copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  f.writeUInt16BE(1, 14);
  f.writeUInt16BE(0x0800, 16);
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(2, 20);
  mac.copy(f, 22);
  Buffer.from([192, 168, id & 0xff, 40]).copy(f, 28);
  mac.copy(f, 32);
  Buffer.from([192, 168, id & 0xff, 40]).copy(f, 38);
  return f;
}

function header(version: OfVersion, type: number, length: number, xid: number): Buffer {
  const b = Buffer.alloc(length);
  b[0] = version;
  b[1] = type;
  b.writeUInt16BE(length, 2);
  b.writeUInt32BE(xid >>> 0, 4);
  return b;
}

/** A packet-in; returns the bytes and the offsets of the fields patched per packet. */
function packetIn(
  version: OfVersion,
  inPort: number,
  bufferId: number,
  frame: Buffer,
): { bytes: Buffer; bufferAt: number; frameAt: number } {
  if (version === 1) {
    const b = header(1, 10, 18 + frame.length, 0);
    b.writeUInt32BE(bufferId, 8);
    b.writeUInt16BE(frame.length, 12);
    b.writeUInt16BE(inPort, 14);
    b[16] = 0; // reason no match
    frame.copy(b, 18);
    return { bytes: b, bufferAt: 8, frameAt: 18 };
  }
  // 1.3: buffer_id, total_len, reason, table_id, cookie, match (one OXM: in_port, padded to 16), 2 pad bytes, frame.
  const b = header(4, 10, 42 + frame.length, 0);
  b.writeUInt32BE(bufferId, 8);
  b.writeUInt16BE(frame.length, 12);
  b[14] = 0;
  b[15] = 0;
  b.writeUInt32BE(0xffffffff, 16);
  b.writeUInt32BE(0xffffffff, 20);
  b.writeUInt16BE(1, 24);
  b.writeUInt16BE(12, 26); // match type OXM, length 4 + 8
  b.writeUInt16BE(0x8000, 28);
  b[30] = 0;
  b[31] = 4;
  b.writeUInt32BE(inPort, 32);
  frame.copy(b, 42);
  return { bytes: b, bufferAt: 8, frameAt: 42 };
}

function featuresReply(version: OfVersion, xid: number, dpid: number, nBuffers: number): Buffer {
  if (version === 4) {
    const b = header(4, 6, 32, xid);
    b.writeBigUInt64BE(BigInt(dpid), 8);
    b.writeUInt32BE(nBuffers, 16);
    b[20] = 254;
    b.writeUInt32BE(0x47, 24);
    return b;
  }
  const b = header(1, 6, 32 + 4 * 48, xid);
  b.writeBigUInt64BE(BigInt(dpid), 8);
  b.writeUInt32BE(nBuffers, 16);
  b[20] = 2;
  b.writeUInt32BE(0x87, 24);
  b.writeUInt32BE(0xfff, 28);
  for (let p = 1; p <= 4; p++) {
    const o = 32 + (p - 1) * 48;
    b.writeUInt16BE(p, o);
    b[o + 2] = 2;
    b[o + 7] = p;
    b.write(`eth${p}`, o + 8, 'latin1');
    b.writeUInt32BE(0xc0, o + 32); // curr: 1 Gb full duplex, copper
  }
  return b;
}

function portDescReply(xid: number): Buffer {
  const b = header(4, 19, 16 + 4 * 64, xid);
  b.writeUInt16BE(13, 8);
  for (let p = 1; p <= 4; p++) {
    const o = 16 + (p - 1) * 64;
    b.writeUInt32BE(p, o);
    b[o + 8] = 2;
    b[o + 13] = p;
    b.write(`eth${p}`, o + 16, 'latin1');
    b.writeUInt32BE(4, o + 36);
    b.writeUInt32BE(0x820, o + 40);
    b.writeUInt32BE(10_000_000, o + 56);
    b.writeUInt32BE(10_000_000, o + 60);
  }
  return b;
}

/** A 1.3 flow stats reply: one entry per cookie (priority 100, match all), `n` packets and 1000·n bytes each. */
function flowStatsReply(xid: number, cookies: readonly bigint[], n: number): Buffer {
  const b = header(4, 19, 16 + 56 * cookies.length, xid);
  b.writeUInt16BE(1, 8);
  cookies.forEach((cookie, i) => {
    const o = 16 + 56 * i;
    b.writeUInt16BE(56, o);
    b.writeUInt16BE(100, o + 12);
    b.writeBigUInt64BE(cookie, o + 24);
    b.writeBigUInt64BE(BigInt(n), o + 32);
    b.writeBigUInt64BE(BigInt(n) * 1000n, o + 40);
    b.writeUInt16BE(1, o + 48); // match: OXM, length 4, padded to 8
    b.writeUInt16BE(4, o + 50);
  });
  return b;
}

/** A 1.3 flow-removed (idle timeout) of a match-all rule with `cookie`: 10 packets, 1000 bytes. */
function flowRemoved(cookie: bigint): Buffer {
  const b = header(4, 11, 56, 0);
  b.writeBigUInt64BE(cookie, 8);
  b.writeUInt16BE(100, 16);
  b[18] = 0; // OFPRR_IDLE_TIMEOUT
  b.writeUInt16BE(10, 28);
  b.writeBigUInt64BE(10n, 32);
  b.writeBigUInt64BE(1000n, 40);
  b.writeUInt16BE(1, 48); // match: OXM, length 4, padded to 8
  b.writeUInt16BE(4, 50);
  return b;
}

/** A stats (1.0) / multipart (1.3) reply: the description for `desc`, the ports for `port_desc`, else an empty body. */
function statsReply(version: OfVersion, req: Buffer): Buffer {
  const xid = req.readUInt32BE(4);
  const kind = req.readUInt16BE(8);
  if (version === 4 && kind === 13) return portDescReply(xid);
  const hdr = version === 1 ? 12 : 16;
  const b = header(version, version === 1 ? 17 : 19, hdr + (kind === 0 ? 1056 : 0), xid);
  b.writeUInt16BE(kind, 8);
  if (kind === 0) {
    b.write('cbench-style fake switch', hdr, 'latin1');
    b.write('none', hdr + 1024, 'latin1');
  }
  return b;
}

export class FakeSwitch {
  readonly version: OfVersion;
  private sock: Socket;
  private inbuf: Buffer = Buffer.alloc(0);
  private xid = 1;
  private bufferId = 1;
  private mac = 0;
  private readonly probe: Buffer;
  private readonly bufferAt: number;
  private readonly macAt: number;
  /** Write times of the packet-ins not answered yet, oldest first (a ring). */
  private sentAt = new Float64Array(4096);
  private head = 0;
  private tail = 0;
  private queued = 0;
  private flushQueued = false;
  private expectPacketOut = 0;
  private learned = false;
  private flowStatsRounds = 0;
  private master = false;
  private removals = 0;
  private removedTimer: NodeJS.Timeout | null = null;
  private learnTimer: NodeJS.Timeout | null = null;
  private onLearned: () => void = () => {};
  connected = false;
  /** Counters of the current phase (reset by reset()). */
  flowSetups = 0;
  packetOuts = 0;
  floods = 0;
  latenciesMs: number[] = [];
  recordLatency = true;
  /** Called after each answer (flow setup or flood). */
  onAnswer: () => void = () => {};

  constructor(
    readonly opts: FakeSwitchOptions,
    host: string,
    port: number,
  ) {
    this.version = opts.version;
    const pi = packetIn(opts.version, 1, opts.buffered ? 1 : NO_BUFFER, probeFrame(opts.id));
    this.probe = pi.bytes;
    this.bufferAt = pi.bufferAt;
    this.macAt = pi.frameAt + 7;
    this.sock = connect({ host, port });
    this.sock.setNoDelay(true);
    this.sock.on('connect', () => {
      this.connected = true;
      const hello = this.version === 1 ? header(1, 0, 8, this.xid++) : header(4, 0, 16, this.xid++);
      if (this.version === 4) {
        hello.writeUInt16BE(1, 8);
        hello.writeUInt16BE(8, 10);
        hello.writeUInt32BE(1 << 4, 12);
      }
      this.sock.write(hello);
    });
    this.sock.on('data', (c: Buffer) => this.read(c));
    const every = opts.flowRemovedEveryMs;
    const cookies = opts.flowCookies ?? [];
    if (every && cookies.length && this.version === 4)
      this.removedTimer = setInterval(() => {
        // A rule of the same slice as flowCookies[i] but never in the flow statistics (its own rule number).
        if (this.master && !this.sock.destroyed) {
          const n = this.removals++;
          this.sock.write(flowRemoved(cookies[n % cookies.length]! + 0x10000n + BigInt(n)));
        }
      }, every);
    this.sock.on('error', () => {});
  }

  get outstanding(): number {
    return this.tail - this.head + this.queued;
  }

  /** Resolves once the controller answered the gratuitous ARP (it knows the destination MAC). */
  learn(timeoutMs: number): Promise<void> {
    return new Promise((res, rej) => {
      this.onLearned = () => {
        if (this.learnTimer) clearTimeout(this.learnTimer);
        res();
      };
      const t0 = Date.now();
      const tick = () => {
        if (this.learned) {
          res();
          return;
        }
        if (Date.now() - t0 > timeoutMs) {
          rej(new Error(`switch ${this.opts.id}: no answer to the learning ARP in ${timeoutMs} ms`));
          return;
        }
        if (this.connected) this.sock.write(packetIn(this.version, 2, NO_BUFFER, learnFrame(this.opts.id)).bytes.fill(0, 4, 8));
        this.learnTimer = setTimeout(tick, 250);
      };
      tick();
    });
  }

  reset(): void {
    this.flowSetups = 0;
    this.packetOuts = 0;
    this.floods = 0;
    this.latenciesMs = [];
  }

  /** Queues `n` packet-ins; what one turn of the event loop queues goes out in one write (cbench writes its buffer). */
  send(n: number): void {
    this.queued += n;
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    const n = this.queued;
    this.queued = 0;
    if (n === 0 || this.sock.destroyed) return;
    const size = this.probe.length;
    const out = Buffer.allocUnsafe(n * size);
    const { macs, buffered } = this.opts;
    for (let i = 0; i < n; i++) {
      const o = i * size;
      this.probe.copy(out, o);
      out.writeUInt32BE(this.xid++ >>> 0, o + 4);
      if (buffered) {
        out.writeUInt32BE(this.bufferId, o + this.bufferAt);
        this.bufferId = (this.bufferId + 1) % NUM_BUFFER_IDS;
      }
      out.writeUInt32LE(this.mac >>> 0, o + this.macAt);
      this.mac = macs > 0 ? (this.mac + 1) % macs : (this.mac + 1) >>> 0;
    }
    const now = performance.now();
    for (let i = 0; i < n; i++) {
      this.sentAt[this.tail & 4095] = now;
      this.tail++;
    }
    this.sock.write(out);
  };

  private answered(): void {
    if (this.tail > this.head) {
      const t = this.sentAt[this.head & 4095]!;
      this.head++;
      if (this.recordLatency) this.latenciesMs.push(performance.now() - t);
    }
    this.onAnswer();
  }

  private read(chunk: Buffer): void {
    const buf = this.inbuf.length ? Buffer.concat([this.inbuf, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= 8) {
      const len = buf.readUInt16BE(off + 2);
      if (len < 8) {
        this.sock.destroy();
        return;
      }
      if (buf.length - off < len) break;
      this.message(buf.subarray(off, off + len));
      off += len;
    }
    this.inbuf = off === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(off));
  }

  private message(m: Buffer): void {
    const v = this.version;
    const type = m[1]!;
    const xid = m.readUInt32BE(4);
    if (type === 14) {
      // flow-mod
      const command = v === 1 ? m.readUInt16BE(56) : m[25]!;
      if (command !== 0 && command !== 2) return;
      if (!this.learned) return; // the controller's own rules at connect (1.3 table-miss)
      const bufferId = v === 1 ? m.readUInt32BE(64) : m.readUInt32BE(32);
      if (bufferId === NO_BUFFER) this.expectPacketOut++;
      this.flowSetups++;
      this.answered();
      return;
    }
    if (type === 13) {
      // packet-out; the hypervisor's own LLDP probes (link discovery) are not the controller's answers
      if (isLldpPacketOut(v, m)) return;
      this.packetOuts++;
      if (!this.learned) {
        this.learned = true;
        this.onLearned();
        return;
      }
      if (this.expectPacketOut > 0) {
        this.expectPacketOut--;
        return;
      }
      this.floods++;
      this.answered();
      return;
    }
    switch (type) {
      case 2: {
        const r = Buffer.from(m);
        r[1] = 3;
        this.sock.write(r);
        return;
      } // echo
      case 5:
        this.sock.write(featuresReply(v, xid, this.opts.id, this.opts.buffered ? 256 : 0));
        return;
      case 7: {
        const r = header(v, 8, 12, xid);
        r.writeUInt16BE(128, 10);
        this.sock.write(r);
        return;
      }
      case 16:
        if (v === 1) this.sock.write(statsReply(v, m));
        return; // 1.0 stats request
      case 18:
        if (v === 4 && m.readUInt16BE(8) === 1 && this.opts.flowCookies)
          this.sock.write(flowStatsReply(xid, this.opts.flowCookies, 10 * ++this.flowStatsRounds));
        else this.sock.write(v === 1 ? header(1, 19, 8, xid) : statsReply(v, m));
        return; // 1.0 barrier / 1.3 multipart
      case 20:
        if (v === 4) this.sock.write(header(4, 21, 8, xid));
        return; // 1.3 barrier
      case 24:
        if (v === 4) {
          const role = m.readUInt32BE(8);
          if (role === 2 || role === 3) this.master = role === 2; // OFPCR_ROLE_MASTER / SLAVE
          const r = Buffer.from(m);
          r[1] = 25;
          this.sock.write(r);
        }
        return; // 1.3 role
      default:
        return;
    }
  }

  close(): void {
    if (this.learnTimer) clearTimeout(this.learnTimer);
    if (this.removedTimer) clearInterval(this.removedTimer);
    this.sock.destroy();
  }
}
