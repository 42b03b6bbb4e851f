/**
 * The queue reconciler's decision, as a pure function: from what one bridge's OVSDB holds (its
 * ports, and every QoS and Queue row) and the queues it should have, the one transaction that
 * makes the rows this owner created match exactly, and a report of it. Rows are ours when their
 * external_ids carry `dfvisor-owner=<owner>` and `dfvisor-dpid=<dpid>`; nothing else is written,
 * and a Port whose qos points to a QoS that is not ours is left alone and reported as a conflict.
 * Every Port.qos write is guarded by a `wait` on the value read, so a concurrent change makes the
 * transaction fail instead of overwriting it.
 */
import { ovsSet, sameStringMap, toStringMap, uuidAtom } from './datum.js';
import type { PortQueues, QueueSpec, SwitchQueues } from './queues.js';
import type { Atom, Operation } from './types.js';

export const EXT_OWNER = 'dfvisor-owner';
export const EXT_DPID = 'dfvisor-dpid';
export const EXT_PORT = 'dfvisor-port';
export const EXT_QUEUE_ID = 'dfvisor-queue-id';
export const EXT_SLICE = 'dfvisor-slice';
export const EXT_CLASS = 'dfvisor-class';

export interface ObservedPort {
  uuid: string;
  name: string;
  /** OpenFlow port numbers of the port's interfaces (none before vswitchd assigns them). */
  ofports: number[];
  /** The QoS row Port.qos points to. */
  qos: string | undefined;
}

export interface ObservedQos {
  uuid: string;
  type: string;
  otherConfig: Record<string, string>;
  /** queue id → Queue uuid */
  queues: Map<number, string>;
  externalIds: Record<string, string>;
}

export interface ObservedQueue {
  uuid: string;
  otherConfig: Record<string, string>;
  externalIds: Record<string, string>;
}

export interface ObservedSwitch {
  bridge: { uuid: string; name: string };
  /** The bridge's ports. */
  bridgePorts: ObservedPort[];
  /** Every Port row of the database (to find references to a QoS before deleting it). */
  allPorts: ObservedPort[];
  qos: ObservedQos[];
  queues: ObservedQueue[];
}

export interface QueueChange {
  table: 'QoS' | 'Queue';
  /** OpenFlow port number the row serves. */
  port: number;
  queueId?: number;
  slice?: string;
  class?: string | null;
  /** The row's uuid (absent for rows this transaction creates). */
  uuid?: string;
}

export interface QueueConflict {
  port: number;
  portName: string;
  /** The QoS (not ours) the port already uses. */
  qos: string;
  message: string;
}

export interface QueueReport {
  bridge: string;
  created: QueueChange[];
  updated: QueueChange[];
  removed: QueueChange[];
  conflicts: QueueConflict[];
  /** Ports with planned queues that the bridge does not have (nothing was done for them). */
  missingPorts: number[];
}

export interface QueueDiff {
  /** Empty when the database already matches. */
  ops: Operation[];
  report: QueueReport;
}

const MAX_QUEUE_ID = 0xffffffff;

/** Checks the desired queues; a message per problem (none: valid). */
export function validateSwitchQueues(d: SwitchQueues): string[] {
  const problems: string[] = [];
  const rate = (v: number | null) => v === null || (Number.isFinite(v) && v >= 0);
  const seenPorts = new Set<number>();
  for (const p of d.ports) {
    if (!Number.isInteger(p.port) || p.port < 0) problems.push(`port ${p.port}: not an OpenFlow port number`);
    if (seenPorts.has(p.port)) problems.push(`port ${p.port}: listed twice`);
    seenPorts.add(p.port);
    if (!rate(p.capacityBps)) problems.push(`port ${p.port}: capacity ${p.capacityBps} is not a rate`);
    const seenIds = new Set<number>();
    for (const q of p.queues) {
      if (!Number.isInteger(q.queueId) || q.queueId < 0 || q.queueId > MAX_QUEUE_ID)
        problems.push(`port ${p.port}: queue id ${q.queueId} out of range`);
      if (seenIds.has(q.queueId)) problems.push(`port ${p.port}: queue id ${q.queueId} listed twice`);
      seenIds.add(q.queueId);
      if (!rate(q.minBps) || !rate(q.maxBps)) problems.push(`port ${p.port} queue ${q.queueId}: rates must be bit/s >= 0`);
    }
  }
  return problems;
}

const bps = (v: number) => String(Math.round(v));

/** Queue other_config: min-rate = guarantee; max-rate = the queue's max, at most the port capacity. */
export function queueOtherConfig(p: PortQueues, q: QueueSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (q.minBps !== null) out['min-rate'] = bps(q.minBps);
  const max = q.maxBps === null ? p.capacityBps : p.capacityBps === null ? q.maxBps : Math.min(q.maxBps, p.capacityBps);
  if (max !== null) out['max-rate'] = bps(max);
  return out;
}

export function diffQueues(owner: string, desired: SwitchQueues, seen: ObservedSwitch): QueueDiff {
  const { dpid } = desired;
  const ours = (ext: Record<string, string>) => ext[EXT_OWNER] === owner && ext[EXT_DPID] === dpid;
  const ownedQos = new Map(seen.qos.filter((q) => ours(q.externalIds)).map((q) => [q.uuid, q]));
  const ownedQueues = new Map(seen.queues.filter((q) => ours(q.externalIds)).map((q) => [q.uuid, q]));
  const referenced = new Set(seen.allPorts.map((p) => p.qos).filter((u): u is string => u !== undefined));
  const portByOfport = new Map<number, ObservedPort>();
  for (const p of seen.bridgePorts) for (const n of p.ofports) portByOfport.set(n, p);

  const report: QueueReport = { bridge: seen.bridge.name, created: [], updated: [], removed: [], conflicts: [], missingPorts: [] };
  const waits: Operation[] = [],
    queueOps: Operation[] = [],
    qosOps: Operation[] = [],
    portOps: Operation[] = [],
    deletes: Operation[] = [];
  const keepQos = new Set<string>(),
    keepQueues = new Set<string>();
  const where = (u: string) => [['_uuid', '==', uuidAtom(u)]] as [['_uuid', '==', Atom]];
  const guardPortQos = (p: ObservedPort) =>
    waits.push({
      op: 'wait',
      table: 'Port',
      where: where(p.uuid),
      columns: ['qos'],
      until: '==',
      timeout: 0,
      rows: [{ qos: ovsSet(p.qos ? [uuidAtom(p.qos)] : []) }],
    });

  for (const p of desired.ports) {
    const port = portByOfport.get(p.port);
    if (!port) {
      report.missingPorts.push(p.port);
      continue;
    }
    if (port.qos && !ownedQos.has(port.qos)) {
      report.conflicts.push({
        port: p.port,
        portName: port.name,
        qos: port.qos,
        message: `port ${port.name} (${p.port}) already uses QoS ${port.qos}, which DFVisor did not create: its queues were not set up`,
      });
      continue;
    }
    // Our QoS for this port: the one the port uses, else a leftover of ours tagged with this port.
    const existing = port.qos
      ? ownedQos.get(port.qos)
      : [...ownedQos.values()].find((q) => q.externalIds[EXT_PORT] === String(p.port) && !keepQos.has(q.uuid) && !referenced.has(q.uuid));
    const queueMap: Array<[Atom, Atom]> = [];
    let queuesChanged = false;
    for (const q of p.queues) {
      const otherConfig = queueOtherConfig(p, q);
      const externalIds: Record<string, string> = {
        [EXT_OWNER]: owner,
        [EXT_DPID]: dpid,
        [EXT_PORT]: String(p.port),
        [EXT_QUEUE_ID]: String(q.queueId),
        [EXT_SLICE]: q.slice,
        ...(q.class !== null ? { [EXT_CLASS]: q.class } : {}),
      };
      const change: QueueChange = { table: 'Queue', port: p.port, queueId: q.queueId, slice: q.slice, class: q.class };
      const curUuid = existing?.queues.get(q.queueId);
      const cur = curUuid !== undefined && !keepQueues.has(curUuid) ? ownedQueues.get(curUuid) : undefined;
      if (cur) {
        keepQueues.add(cur.uuid);
        queueMap.push([q.queueId, uuidAtom(cur.uuid)]);
        if (!sameStringMap(cur.otherConfig, otherConfig) || !sameStringMap(cur.externalIds, externalIds)) {
          queueOps.push({
            op: 'update',
            table: 'Queue',
            where: where(cur.uuid),
            row: { other_config: toStringMap(otherConfig), external_ids: toStringMap(externalIds) },
          });
          report.updated.push({ ...change, uuid: cur.uuid });
        }
      } else {
        const name = `dfv_queue_${p.port}_${q.queueId}`;
        queueOps.push({
          op: 'insert',
          table: 'Queue',
          'uuid-name': name,
          row: { other_config: toStringMap(otherConfig), external_ids: toStringMap(externalIds) },
        });
        queueMap.push([q.queueId, ['named-uuid', name]]);
        report.created.push(change);
        queuesChanged = true;
      }
    }
    const qosRow = {
      type: 'linux-htb',
      other_config: toStringMap(p.capacityBps !== null ? { 'max-rate': bps(p.capacityBps) } : {}),
      queues: ['map', queueMap] as ['map', Array<[Atom, Atom]>],
      external_ids: toStringMap({ [EXT_OWNER]: owner, [EXT_DPID]: dpid, [EXT_PORT]: String(p.port) }),
    };
    if (existing) {
      keepQos.add(existing.uuid);
      const sameQueues =
        !queuesChanged &&
        existing.queues.size === queueMap.length &&
        queueMap.every(([id, u]) => existing.queues.get(id as number) === (u as [string, string])[1]);
      const same =
        existing.type === qosRow.type &&
        sameQueues &&
        sameStringMap(existing.otherConfig, p.capacityBps !== null ? { 'max-rate': bps(p.capacityBps) } : {}) &&
        sameStringMap(existing.externalIds, { [EXT_OWNER]: owner, [EXT_DPID]: dpid, [EXT_PORT]: String(p.port) });
      if (!same) {
        qosOps.push({ op: 'update', table: 'QoS', where: where(existing.uuid), row: qosRow });
        report.updated.push({ table: 'QoS', port: p.port, uuid: existing.uuid });
      }
      if (port.qos !== existing.uuid) {
        guardPortQos(port);
        portOps.push({ op: 'update', table: 'Port', where: where(port.uuid), row: { qos: uuidAtom(existing.uuid) } });
      }
    } else {
      const name = `dfv_qos_${p.port}`;
      qosOps.push({ op: 'insert', table: 'QoS', 'uuid-name': name, row: qosRow });
      guardPortQos(port);
      portOps.push({ op: 'update', table: 'Port', where: where(port.uuid), row: { qos: ['named-uuid', name] } });
      report.created.push({ table: 'QoS', port: p.port });
    }
  }

  for (const q of ownedQos.values()) {
    if (keepQos.has(q.uuid)) continue;
    for (const port of seen.allPorts) {
      // Clears the reference only if it still is ours (mutate-delete of that uuid, no overwrite).
      if (port.qos === q.uuid)
        portOps.push({ op: 'mutate', table: 'Port', where: where(port.uuid), mutations: [['qos', 'delete', ovsSet([uuidAtom(q.uuid)])]] });
    }
    deletes.push({ op: 'delete', table: 'QoS', where: where(q.uuid) });
    report.removed.push({ table: 'QoS', port: Number(q.externalIds[EXT_PORT]), uuid: q.uuid });
  }
  for (const q of ownedQueues.values()) {
    if (keepQueues.has(q.uuid)) continue;
    deletes.push({ op: 'delete', table: 'Queue', where: where(q.uuid) });
    report.removed.push({
      table: 'Queue',
      port: Number(q.externalIds[EXT_PORT]),
      queueId: Number(q.externalIds[EXT_QUEUE_ID]),
      slice: q.externalIds[EXT_SLICE],
      class: q.externalIds[EXT_CLASS] ?? null,
      uuid: q.uuid,
    });
  }

  const changes = [...queueOps, ...qosOps, ...portOps, ...deletes];
  return { ops: changes.length ? [...waits, ...changes] : [], report };
}
