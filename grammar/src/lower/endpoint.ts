// Controller endpoints: `tcp:HOST:PORT` or `ssl:HOST:PORT` (OpenFlow over TLS; HOST a name, IPv4,
// or [IPv6]). The plan keeps the endpoint as written in `url`; the scheme says how to connect.
import { parseIpv6 } from '../headerspace/addresses.js';
import type { PlanController } from '../plan/types.js';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parses an endpoint, or returns why it is malformed. */
export function parseEndpoint(url: string): { ok: true; value: PlanController } | { ok: false; reason: string } {
  const scheme = url.startsWith('tcp:') ? 'tcp' : url.startsWith('ssl:') ? 'ssl' : undefined;
  if (!scheme) return { ok: false, reason: 'expected tcp:HOST:PORT or ssl:HOST:PORT' };
  const rest = url.slice(4);
  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return { ok: false, reason: `expected ${scheme}:[IPv6]:PORT` };
    host = rest.slice(1, close);
    if (parseIpv6(host) === undefined) return { ok: false, reason: `'${host}' is not an IPv6 address` };
    portText = rest.slice(close + 2);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) return { ok: false, reason: `the port is missing (expected ${scheme}:HOST:PORT)` };
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (!HOSTNAME.test(host)) return { ok: false, reason: `'${host}' is not a host name or IPv4 address` };
    if (/^[0-9.]+$/.test(host) && !/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(host)) {
      return { ok: false, reason: `'${host}' is not an IPv4 address` };
    }
  }
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    return { ok: false, reason: `port '${portText}' is not in 1..65535` };
  }
  return { ok: true, value: { url, host, port: Number(portText) } };
}
