// A scripted tenant controller for tests: accepts the proxy's connection(s) for a slice,
// answers the handshake, records every message, and lets the test send flow-mods and wait for
// replies (errors, barrier replies) by xid.
import { createServer, type Server, type Socket } from 'node:net';
import { OfChannel, silentLogger } from '../../src/proxy/channel.js';
import type { OfMessage, Unversioned } from '../../src/proxy/messages.js';
import { OFP10, OFP13, type OfVersion } from '../../src/proxy/messages.js';
import { waitFor } from '../../src/lab/proc.js';

export interface ScriptedSwitchConn {
  channel: OfChannel;
  dpid: bigint | null;
  received: OfMessage[];
}

export class ScriptedController {
  private server: Server | null = null;
  readonly conns: ScriptedSwitchConn[] = [];
  constructor(
    readonly port: number,
    private readonly versions: OfVersion[] = [OFP13, OFP10],
  ) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server = createServer((sock: Socket) => this.accept(sock));
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  private accept(sock: Socket): void {
    const ch = new OfChannel(sock, silentLogger, this.versions);
    const conn: ScriptedSwitchConn = { channel: ch, dpid: null, received: [] };
    this.conns.push(conn);
    ch.onReady = (v) => ch.send({ version: v, xid: ch.xid(), type: 'features_request' });
    ch.onMessage = (m) => {
      conn.received.push(m);
      if (m.type === 'features_reply') conn.dpid = m.dpid;
    };
    ch.hello();
  }

  async connection(dpid: bigint, timeoutMs = 10_000): Promise<ScriptedSwitchConn> {
    return waitFor(`scripted controller sees dpid ${dpid}`, () => this.conns.find((c) => c.dpid === dpid && !c.channel.closed), timeoutMs);
  }

  /** Sends a message and returns its xid. */
  send(conn: ScriptedSwitchConn, m: Unversioned | Omit<Unversioned, 'xid'>): number {
    const xid = 'xid' in m ? m.xid : conn.channel.xid();
    const err = conn.channel.send({ ...m, xid, version: conn.channel.version! } as OfMessage);
    if (err) throw new Error(err);
    return xid;
  }

  /** Waits for the reply (error or barrier/multipart reply) to `xid`. */
  reply(conn: ScriptedSwitchConn, xid: number, timeoutMs = 5000): Promise<OfMessage> {
    return waitFor(`reply to xid ${xid}`, () => conn.received.find((m) => m.xid === xid && m.type !== 'packet_in'), timeoutMs, 10);
  }

  /** Sends a barrier and resolves with every message that arrived for `xids` before its reply. */
  async settle(conn: ScriptedSwitchConn, xids: number[]): Promise<OfMessage[]> {
    const b = this.send(conn, { type: 'barrier_request' });
    await this.reply(conn, b);
    return conn.received.filter((m) => xids.includes(m.xid));
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.channel.close('test over');
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
