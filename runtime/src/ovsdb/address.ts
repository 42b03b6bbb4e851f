/**
 * OVSDB remote addresses as Open vSwitch writes them: `unix:/path/db.sock`, `tcp:10.0.0.1:6640`,
 * `tcp:[::1]:6640`. (`ssl:` is not supported: the client speaks plain sockets only.)
 */
import type { NetConnectOpts } from 'node:net';

export type OvsdbAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export type AddressResult = { ok: true; address: OvsdbAddress } | { ok: false; message: string };

export function parseOvsdbAddress(text: string): AddressResult {
  if (text.startsWith('unix:')) {
    const path = text.slice(5);
    return path ? { ok: true, address: { kind: 'unix', path } } : { ok: false, message: `'${text}': unix: needs a socket path` };
  }
  if (text.startsWith('tcp:')) {
    const rest = text.slice(4);
    const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(rest) ?? /^([^:[\]]+):(\d+)$/.exec(rest);
    const port = m ? Number(m[2]) : NaN;
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
      return { ok: false, message: `'${text}': expected tcp:HOST:PORT (IPv6 as tcp:[ADDR]:PORT)` };
    }
    return { ok: true, address: { kind: 'tcp', host: m[1], port } };
  }
  return { ok: false, message: `'${text}': expected unix:PATH or tcp:HOST:PORT` };
}

export function connectOptions(a: OvsdbAddress): NetConnectOpts {
  return a.kind === 'unix' ? { path: a.path } : { host: a.host, port: a.port };
}

export function formatOvsdbAddress(a: OvsdbAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  return a.host.includes(':') ? `tcp:[${a.host}]:${a.port}` : `tcp:${a.host}:${a.port}`;
}
