// OpenFlow over TLS, both sides of the proxy (node:tls):
// - switches: mutual TLS on the listener (TlsAcceptor). The switch must present a certificate that
//   chains to the configured CA, as Open vSwitch's `ssl:` connections expect (`ovs-vsctl set-ssl KEY
//   CERT CACERT`). Nothing of OpenFlow is read or sent before the peer is verified; a peer that does
//   not finish the TLS handshake within the handshake bound is closed like a slow OpenFlow handshake.
// - tenant controllers: `ssl:HOST:PORT` endpoints are dialled with the proxy's client certificate,
//   and the controller's certificate is verified against the CA (chain and host name).
// Every TLS refusal is counted per peer and reason (process-wide, like channel-limits.ts;
// node/metrics.ts exposes them) and logged once per peer and reason, later ones at debug.
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { connect as tlsConnect, createSecureContext, createServer, type Server, type TLSSocket, type SecureContext } from 'node:tls';
import { countLimit } from './channel-limits.js';
import type { WirePeer } from './wire-counts.js';

/** PEM texts: this side's certificate and key, and the CA the other side's certificate must chain to. */
export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
  ca: string | Buffer;
}

interface TlsLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** A context for both ends; throws (with OpenSSL's reason) when the PEM texts are not a usable key pair and CA. */
export function secureContextOf(m: TlsMaterial, what: string): SecureContext {
  try {
    return createSecureContext({ cert: m.cert, key: m.key, ca: m.ca });
  } catch (e) {
    throw new Error(`the ${what} certificate, key and CA are not usable: ${(e as Error).message}`);
  }
}

/** handshake_failed: not TLS, or no common protocol/cipher, or no certificate; unauthorized: a certificate the CA did not sign (or expired, or naming another host). */
export type TlsRefusal = 'handshake_failed' | 'unauthorized';

const refusals = new Map<string, number>();
const logged = new Set<string>();

function countRefusal(log: TlsLogger, peer: WirePeer, reason: TlsRefusal, context: object): void {
  const key = `${peer}\0${reason}`;
  refusals.set(key, (refusals.get(key) ?? 0) + 1);
  const line = { ...context, peer, reason };
  if (logged.has(key)) log.debug(line, 'OpenFlow TLS connection refused');
  else {
    logged.add(key);
    log.warn(line, 'OpenFlow TLS connection refused (first of this reason; later ones are counted in /metrics)');
  }
}

/** TLS refusals since the process started, per peer and reason. */
export function tlsRefusalCounts(): Array<{ peer: WirePeer; reason: TlsRefusal; count: number }> {
  return [...refusals].map(([k, count]) => {
    const [peer, reason] = k.split('\0') as [WirePeer, TlsRefusal];
    return { peer, reason, count };
  });
}

/**
 * Mutual TLS for the switch listener: accepted TCP sockets are handed to a tls.Server that does not
 * listen itself (the documented `emit('connection', socket)` injection), so the connection cap is
 * checked before the TLS handshake. A switch whose certificate does not chain to the CA (or that
 * has none), a peer that does not speak TLS, and one that does not finish the TLS handshake within
 * the handshake bound are refused, counted and closed; `onSecure` gets every verified connection.
 */
export class TlsAcceptor {
  private readonly server: Server;

  constructor(m: TlsMaterial, handshakeMs: number, log: TlsLogger, onSecure: (sock: TLSSocket) => void) {
    // rejectUnauthorized: false, so that an unverified peer is seen (and counted) here rather
    // than dropped silently; it is closed below before a byte of OpenFlow goes either way.
    this.server = createServer({
      cert: m.cert,
      key: m.key,
      ca: m.ca,
      requestCert: true,
      rejectUnauthorized: false,
      handshakeTimeout: handshakeMs,
    });
    this.server.on('secureConnection', (sock: TLSSocket) => {
      if (!sock.authorized) {
        countRefusal(log, 'switch', 'unauthorized', {
          remote: remoteOf(sock),
          detail: String(sock.authorizationError ?? 'no certificate'),
        });
        sock.destroy();
        return;
      }
      onSecure(sock);
    });
    this.server.on('tlsClientError', (e: NodeJS.ErrnoException, sock: TLSSocket) => {
      const remote = remoteOf(sock);
      if (e.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') countLimit(log, 'switch', 'handshake_timeout', { remote, tls: true });
      else countRefusal(log, 'switch', 'handshake_failed', { remote, detail: e.code ?? e.message });
      sock.destroy();
    });
  }

  /** Starts the TLS handshake on an accepted connection. */
  accept(raw: Socket): void {
    raw.on('error', () => {});
    this.server.emit('connection', raw);
  }
}

/** "HOST:PORT" of a socket's remote end (the same for a TLS socket and the TCP socket under it). */
export function remoteOf(sock: Socket): string {
  return `${sock.remoteAddress}:${sock.remotePort}`;
}

/**
 * Dials an `ssl:` controller with the proxy's client certificate; the controller's certificate must
 * chain to the CA and name `host` (Node's checks). A TLS failure after the TCP connection opened
 * is counted as a tenant refusal; the returned socket emits 'error' and 'close' as usual.
 */
export function connectTls(host: string, port: number, context: SecureContext, log: TlsLogger): TLSSocket {
  const sock = tlsConnect({ host, port, secureContext: context, ...(isIP(host) ? {} : { servername: host }) });
  let tcpUp = false;
  let secure = false;
  sock.once('connect', () => {
    tcpUp = true;
  });
  sock.once('secureConnect', () => {
    secure = true;
  });
  sock.once('error', (e: NodeJS.ErrnoException) => {
    if (!tcpUp || secure) return;
    const unauthorized = /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO|HOSTNAME/.test(e.code ?? '');
    countRefusal(log, 'tenant', unauthorized ? 'unauthorized' : 'handshake_failed', {
      controller: `${host}:${port}`,
      detail: e.code ?? e.message,
    });
  });
  return sock;
}

/**
 * The client certificate, key and CA tenant links use for `ssl:` controllers. Process-wide like the
 * tenant links' bounds (one node per process): set by the slicing proxy when it is constructed.
 */
let tenantContext: SecureContext | null = null;
export function setTenantTls(context: SecureContext | null): void {
  tenantContext = context;
}
export function tenantTls(): SecureContext | null {
  return tenantContext;
}
