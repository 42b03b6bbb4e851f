// Test helpers over a sandbox's OVSDB, read and written with ovs-vsctl (not with the client under
// test): a table's rows as plain values, and the operator's own QoS with one queue on a port.
import type { OvsSandbox } from '../../src/lab/ovs.js';

export interface OvsRow {
  _uuid: string;
  [column: string]: unknown;
}

/** `ovs-vsctl --format=json list <table>` as rows of plain values (maps → objects, sets → arrays). */
export function listRows(ovs: OvsSandbox, table: string): OvsRow[] {
  const out = JSON.parse(ovs.vsctl('--format=json', 'list', table)) as { headings: string[]; data: unknown[][] };
  const plain = (d: unknown): unknown => {
    if (!Array.isArray(d)) return d;
    if (d[0] === 'uuid') return d[1];
    if (d[0] === 'set') return (d[1] as unknown[]).map(plain);
    if (d[0] === 'map') return Object.fromEntries((d[1] as unknown[][]).map(([k, v]) => [String(plain(k)), plain(v)]));
    return d;
  };
  return out.data.map((row) => Object.fromEntries(out.headings.map((h, i) => [h, plain(row[i])])) as OvsRow);
}

/** Someone else's configuration: a linux-htb QoS (max 5 Mbit/s) with queue 7 (min 1 kbit/s) on `port`, both marked made-by=operator. */
export function createOperatorQos(ovs: OvsSandbox, port: string): void {
  ovs.vsctl(
    'set',
    'port',
    port,
    'qos=@q',
    '--',
    '--id=@q',
    'create',
    'qos',
    'type=linux-htb',
    'other-config:max-rate=5000000',
    'queues:7=@q7',
    'external_ids:made-by=operator',
    '--',
    '--id=@q7',
    'create',
    'queue',
    'other-config:min-rate=1000',
    'external_ids:made-by=operator',
  );
}
