/**
 * reconcileQueues: makes one switch's OVSDB (Open_vSwitch database) hold exactly the desired
 * linux-htb QoS and Queue rows for the ports DFVisor manages there, and nothing else of ours. One
 * read transaction (selects), the pure decision in queue-diff.ts, then at most one write
 * transaction; if a guarded Port.qos changed in between (the `wait` fails) it reads and decides
 * again, a few times. Idempotent: a second call with the same input writes nothing.
 */
import type { OvsdbClient } from './client.js';
import { optionalInteger, stringMap, mapEntries, setElements, uuidOf, uuidSet } from './datum.js';
import { diffQueues, validateSwitchQueues, type ObservedPort, type ObservedSwitch, type QueueReport } from './queue-diff.js';
import type { SwitchQueues } from './queues.js';
import type { Operation, OvsdbError, OvsdbErrorCode, Row } from './types.js';

export const OPEN_VSWITCH_DB = 'Open_vSwitch';

export interface ReconcileQueuesOptions {
  /** Who owns the rows: written to and matched on external_ids:dfvisor-owner (e.g. the deployment's id). */
  owner: string;
  /** The switch's bridge name, when it is known; else the bridge is found by its datapath_id. */
  bridge?: string;
  /** Write attempts when a concurrent change trips a guard. Default 3. */
  attempts?: number;
}

export interface QueueReconcileError {
  code: OvsdbErrorCode | 'bad_input' | 'no_bridge' | 'busy';
  message: string;
}

export type QueueReconcileResult =
  | { ok: true; report: QueueReport; changed: boolean; transactions: number }
  | { ok: false; error: QueueReconcileError };

export async function reconcileQueues(
  client: OvsdbClient,
  desired: SwitchQueues,
  opts: ReconcileQueuesOptions,
): Promise<QueueReconcileResult> {
  const problems = validateSwitchQueues(desired);
  if (!opts.owner) problems.unshift('an owner id is required');
  if (!/^[0-9a-f]{16}$/.test(desired.dpid)) problems.unshift(`dpid '${desired.dpid}' is not 16 lower-case hex digits`);
  if (problems.length) return { ok: false, error: { code: 'bad_input', message: problems.join('; ') } };
  const attempts = Math.max(1, opts.attempts ?? 3);
  let transactions = 0;
  for (let attempt = 1; ; attempt++) {
    const seen = await readSwitch(client, desired.dpid, opts.bridge);
    transactions++;
    if (!seen.ok) return seen;
    const { ops, report } = diffQueues(opts.owner, desired, seen.value);
    if (ops.length === 0) return { ok: true, report, changed: false, transactions };
    const w = await client.transact(OPEN_VSWITCH_DB, [
      ...ops,
      { op: 'comment', comment: `dfvisor: queues of ${report.bridge} (owner ${opts.owner})` },
    ]);
    transactions++;
    if (w.ok) return { ok: true, report, changed: true, transactions };
    const guardTripped = w.error.code === 'transact' && w.error.opIndex !== undefined && ops[w.error.opIndex]?.op === 'wait';
    if (!guardTripped) return { ok: false, error: w.error };
    if (attempt >= attempts)
      return {
        ok: false,
        error: { code: 'busy', message: `the ports' QoS kept changing while reconciling (${attempts} attempts): ${w.error.message}` },
      };
  }
}

type Read = { ok: true; value: ObservedSwitch } | { ok: false; error: QueueReconcileError | OvsdbError };

/** Reads the bridge (by name or datapath_id), all Port and Interface rows, and all QoS and Queue rows. */
async function readSwitch(client: OvsdbClient, dpid: string, bridgeName: string | undefined): Promise<Read> {
  const ops: Operation[] = [
    {
      op: 'select',
      table: 'Bridge',
      where: [bridgeName !== undefined ? ['name', '==', bridgeName] : ['datapath_id', '==', dpid]],
      columns: ['_uuid', 'name', 'ports'],
    },
    { op: 'select', table: 'Port', where: [], columns: ['_uuid', 'name', 'interfaces', 'qos'] },
    { op: 'select', table: 'Interface', where: [], columns: ['_uuid', 'ofport'] },
    { op: 'select', table: 'QoS', where: [], columns: ['_uuid', 'type', 'other_config', 'queues', 'external_ids'] },
    { op: 'select', table: 'Queue', where: [], columns: ['_uuid', 'other_config', 'external_ids'] },
  ];
  const r = await client.transact(OPEN_VSWITCH_DB, ops);
  if (!r.ok) return r;
  const [bridges, ports, ifaces, qos, queues] = r.value.map((x) => x.rows ?? []) as Row[][];
  if (bridges.length !== 1) {
    const which = bridgeName !== undefined ? `named ${bridgeName}` : `with datapath_id ${dpid}`;
    return {
      ok: false,
      error: {
        code: 'no_bridge',
        message: bridges.length ? `${bridges.length} bridges ${which}` : `no bridge ${which} in the switch's OVSDB`,
      },
    };
  }
  const ofportOf = new Map(ifaces.map((i) => [uuidOf(i._uuid) ?? '', optionalInteger(i.ofport)]));
  const allPorts: ObservedPort[] = ports.map((p) => ({
    uuid: uuidOf(p._uuid) ?? '',
    name: String(p.name),
    ofports: uuidSet(p.interfaces)
      .map((i) => ofportOf.get(i))
      .filter((n): n is number => n !== undefined && n > 0),
    qos: uuidSet(p.qos)[0],
  }));
  const bridgePortIds = new Set(uuidSet(bridges[0].ports));
  return {
    ok: true,
    value: {
      bridge: { uuid: uuidOf(bridges[0]._uuid) ?? '', name: String(bridges[0].name) },
      bridgePorts: allPorts.filter((p) => bridgePortIds.has(p.uuid)),
      allPorts,
      qos: qos.map((q) => ({
        uuid: uuidOf(q._uuid) ?? '',
        type: String(setElements(q.type)[0] ?? ''),
        otherConfig: stringMap(q.other_config),
        queues: new Map([...mapEntries(q.queues)].map(([k, v]) => [Number(k), uuidOf(v) ?? ''])),
        externalIds: stringMap(q.external_ids),
      })),
      queues: queues.map((q) => ({
        uuid: uuidOf(q._uuid) ?? '',
        otherConfig: stringMap(q.other_config),
        externalIds: stringMap(q.external_ids),
      })),
    },
  };
}
