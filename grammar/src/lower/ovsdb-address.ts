// A switch's ovsdb-server address (`switch s1 dpid 1 ovsdb "unix:/run/openvswitch/db.sock"`):
// `unix:PATH` or `tcp:HOST:PORT` (HOST as in controller endpoints), what ovs-vsctl --db takes.
import { parseEndpoint } from './endpoint.js';

/** Why an ovsdb address is malformed, or null when it is well-formed. */
export function ovsdbAddressProblem(address: string): string | null {
  if (address.startsWith('unix:')) {
    const path = address.slice(5);
    if (path === '') return 'the socket path is missing (expected unix:PATH)';
    if (/[\0\n]/.test(path)) return 'the socket path contains a NUL or newline';
    return null;
  }
  if (address.startsWith('tcp:')) {
    const p = parseEndpoint(address);
    return p.ok ? null : p.reason;
  }
  return 'expected unix:PATH or tcp:HOST:PORT';
}
