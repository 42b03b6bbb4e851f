// The connection from one switch's session to one slice's controller: connects to the first
// endpoint, fails over to the next, reconnects with backoff, and speaks as a virtual switch.
// A controller that does not finish the hello in time, or stops answering echoes, is dropped and
// the next endpoint tried (channel-limits.ts). `ssl:` endpoints are dialled over TLS with the
// node's client certificate, the controller's certificate verified against its CA (openflow-tls.ts).
// Backpressure: a controller that does not read what it is sent (its channel congested) is not
// read from either until it catches up; the session pauses the link's input while the switch it
// feeds is congested (pauseInput/resumeInput; a reconnect starts paused if the switch still is).
import { connect } from 'node:net';
import { connectTls, tenantTls } from './openflow-tls.js';
import { OfChannel, PAUSE_DOWNSTREAM, PAUSE_SELF, type Logger } from './channel.js';
import { tenantLinkLimits } from './channel-limits.js';
import type { OfMessage, OfVersion, Unversioned } from './messages.js';

export interface Endpoint {
  host: string;
  port: number;
  /** The endpoint as written (`tcp:` or `ssl:HOST:PORT`); `ssl:` means TLS. */
  url?: string;
}

/** Logs through `log`, which carries the slice (the session gives it a child logger with it). */
export class TenantLink {
  channel: OfChannel | null = null;
  private endpointIndex = 0;
  private failuresInCycle = 0;
  private backoffMs = 100;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  connectedTo: Endpoint | null = null;
  connects = 0;
  /** The switch this link feeds is congested: the controller is not read from. */
  private downstreamPaused = false;

  constructor(
    readonly slice: string,
    private endpoints: Endpoint[],
    private readonly log: Logger,
    private readonly onMessage: (link: TenantLink, m: OfMessage, raw: Buffer) => void,
    private readonly onReady: (link: TenantLink, v: OfVersion) => void,
  ) {}

  get connected(): boolean {
    return this.channel !== null && this.channel.version !== null && !this.channel.closed;
  }
  get version(): OfVersion | null {
    return this.channel?.version ?? null;
  }
  /** The controller reads too slowly (its channel is congested: queue over HIGH_WATER_BYTES until drained). */
  get slow(): boolean {
    return this.channel?.slow ?? false;
  }

  /** Connects (again after stop(): a paused slice resumes); nothing when already started and not stopped. */
  start(): void {
    if (this.started && !this.stopped) return;
    this.started = true;
    this.stopped = false;
    this.attempt();
  }
  private started = false;

  /** Stops reading the controller's messages (the switch they go to is congested). */
  pauseInput(): void {
    this.downstreamPaused = true;
    this.channel?.pauseInput(PAUSE_DOWNSTREAM);
  }

  resumeInput(): void {
    this.downstreamPaused = false;
    this.channel?.resumeInput(PAUSE_DOWNSTREAM);
  }

  /** Whether the controller is not being read from now (for tests and status). */
  get inputPaused(): boolean {
    return this.channel?.inputPaused ?? false;
  }

  setEndpoints(endpoints: Endpoint[]): void {
    this.endpoints = endpoints;
  }

  private attempt(): void {
    if (this.stopped || this.endpoints.length === 0) return;
    const ep = this.endpoints[this.endpointIndex % this.endpoints.length];
    const tls = ep.url?.startsWith('ssl:') ?? false;
    const context = tenantTls();
    if (tls && !context) {
      // A deploy refuses ssl: controllers without TLS configured; a rollback may still name one.
      this.log.warn({ controller: ep.url }, 'ssl: controller but no tenant TLS configured (--tenant-tls-cert/-key/-ca): not connecting');
      this.scheduleNext();
      return;
    }
    const sock = tls ? connectTls(ep.host, ep.port, context!, this.log) : connect({ host: ep.host, port: ep.port });
    const ch = new OfChannel(sock, this.log, undefined, 'tenant', tenantLinkLimits());
    this.channel = ch;
    if (this.downstreamPaused) ch.pauseInput(PAUSE_DOWNSTREAM);
    ch.onCongestion = (congested) => (congested ? ch.pauseInput(PAUSE_SELF) : ch.resumeInput(PAUSE_SELF));
    let opened = false;
    sock.once(tls ? 'secureConnect' : 'connect', () => {
      opened = true;
      this.connectedTo = ep;
      ch.hello();
    });
    ch.onReady = (v) => {
      ch.established();
      this.connects++;
      this.failuresInCycle = 0;
      this.backoffMs = 100;
      this.log.info({ controller: `${ep.host}:${ep.port}`, version: v }, 'tenant controller connected');
      this.onReady(this, v);
    };
    ch.onMessage = (m, raw) => this.onMessage(this, m, raw);
    ch.onClose = (why) => {
      // A connection closed by stop() may report after a resume started a new one: it is no longer current.
      const current = this.channel === ch;
      if (current) this.channel = null;
      if (current || this.channel === null) this.connectedTo = null;
      if (this.stopped || !current) return;
      if (opened) this.log.warn({ controller: `${ep.host}:${ep.port}`, why }, 'tenant controller disconnected');
      this.scheduleNext();
    };
  }

  private scheduleNext(): void {
    if (this.stopped || this.timer) return;
    // Try the next endpoint at once; back off only after a whole round failed.
    this.endpointIndex = (this.endpointIndex + 1) % Math.max(1, this.endpoints.length);
    this.failuresInCycle++;
    let delay = 0;
    if (this.failuresInCycle >= this.endpoints.length) {
      delay = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, 2000);
      this.failuresInCycle = 0;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.attempt();
    }, delay);
  }

  send(m: Unversioned): string | null {
    const ch = this.channel;
    if (!ch || ch.version === null) return 'not connected';
    // The message is the link's from here on: its version is filled in place (no copy per message).
    (m as OfMessage).version = ch.version;
    return ch.send(m as OfMessage);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.channel?.close('stopped');
    this.channel = null;
  }
}
