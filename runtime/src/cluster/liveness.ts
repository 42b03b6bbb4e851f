// Crash detection between runtime nodes, faster than a lease's lifetime: every node listens on a
// small TCP port (advertised as `liveness` in its `nodes` entry) and keeps one connection to
// every other node's. A process that dies (kill -9, crash) has its sockets closed by the kernel
// at once: the connection to it ends, a reconnect is refused, and the node is reported `down`
// (the caller then frees the dead node's switch leases so a slave takes over at once, with a
// higher generation id). A node that is cut off but still running (partition, SIGSTOP) keeps its
// connections open: nothing is reported and failover falls back to the lease's expiry. Nothing
// is read from or written to these connections but the peer's id; a connection's end is the signal.
import { EventEmitter } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { LocalTier } from '../store/index.js';

export interface LivenessEvents {
  down: [nodeId: string];
}

export interface LivenessOptions {
  nodeId: string;
  /** Host to listen on (port chosen by the system). */
  host: string;
  tier: LocalTier;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** How long a confirming reconnect may take before the peer counts as down (ms). */
  confirmMs?: number;
}

interface Peer {
  address: string;
  socket: Socket | undefined;
  closedByUs: boolean;
}

export class PeerLiveness extends EventEmitter<LivenessEvents> {
  private server: Server | undefined;
  private readonly incoming = new Set<Socket>();
  private readonly peers = new Map<string, Peer>();
  private stopTier: (() => void) | undefined;
  private stopped = false;
  address: string | undefined;

  constructor(private readonly o: LivenessOptions) {
    super();
  }

  /** Listens, then connects to the peers the `nodes` map lists (and to those that join). */
  async start(): Promise<string> {
    const server = createServer((sock) => {
      sock.on('error', () => undefined);
      sock.on('data', () => undefined);
      sock.on('close', () => this.incoming.delete(sock));
      this.incoming.add(sock);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.o.host, () => resolve());
    });
    this.server = server;
    const a = server.address();
    this.address = `${this.o.host}:${typeof a === 'object' && a ? a.port : 0}`;
    this.stopTier = this.o.tier.on((e) => {
      if (e.map === 'nodes') this.sync();
    });
    this.sync();
    return this.address;
  }

  /** Connections to exactly the peers the `nodes` map lists with a liveness address. */
  private sync(): void {
    if (this.stopped) return;
    const listed = new Map<string, string>();
    for (const [id, v] of this.o.tier.entries('nodes')) {
      const addr = (v.value as { liveness?: unknown } | null)?.liveness;
      if (id !== this.o.nodeId && typeof addr === 'string') listed.set(id, addr);
    }
    for (const [id, p] of [...this.peers])
      if (listed.get(id) !== p.address) {
        // Left (clean stop, heartbeat expired) or restarted elsewhere: not a crash we saw.
        this.peers.delete(id);
        p.closedByUs = true;
        p.socket?.destroy();
      }
    for (const [id, addr] of listed) if (!this.peers.has(id)) this.watch(id, addr);
  }

  private watch(id: string, address: string): void {
    const peer: Peer = { address, socket: undefined, closedByUs: false };
    this.peers.set(id, peer);
    this.open(id, peer, (ok) => {
      if (!ok) this.o.logger?.warn({ peer: id, address }, 'liveness: cannot reach a listed node (its lease decides)');
    });
  }

  /** Connects; `done(true)` once connected, `done(false)` when refused or not answered in time. */
  private open(id: string, peer: Peer, done: (ok: boolean) => void): void {
    const [host, port] = [
      peer.address.slice(0, peer.address.lastIndexOf(':')),
      Number(peer.address.slice(peer.address.lastIndexOf(':') + 1)),
    ];
    const sock = connect({ host, port });
    let connected = false;
    const timer = setTimeout(() => {
      if (!connected) sock.destroy();
    }, this.o.confirmMs ?? 500);
    timer.unref?.();
    sock.setNoDelay(true);
    sock.on('error', () => undefined);
    sock.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      peer.socket = sock;
      sock.write(`${this.o.nodeId}\n`);
      done(true);
    });
    sock.on('data', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      if (!connected) return done(false);
      if (peer.closedByUs || this.stopped || this.peers.get(id) !== peer) return;
      // The connection ended: confirm with one reconnect (a live node accepts at once).
      peer.socket = undefined;
      this.open(id, peer, (ok) => {
        if (ok || peer.closedByUs || this.stopped || this.peers.get(id) !== peer) return;
        this.o.logger?.warn({ peer: id }, 'liveness: node is down (its connection closed, a reconnect was refused)');
        this.emit('down', id);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTier?.();
    for (const p of this.peers.values()) {
      p.closedByUs = true;
      p.socket?.destroy();
    }
    this.peers.clear();
    for (const s of this.incoming) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
