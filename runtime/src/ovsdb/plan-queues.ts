/**
 * Plan application's queue step for one switch: makes the switch's OVSDB (the ovsdb-server the
 * network declares for it, `switch … ovsdb "unix:PATH"`) hold exactly the plan's guarantee and
 * class queues (reconcileQueues), and removes them when the plan no longer has any for the switch
 * or no longer declares the address (undeploy included). One connection per call, closed after.
 * Calls for one switch run one after the other. Returns notes for the apply result; nothing throws.
 */
import type { DpidHex, Plan } from '@dfvisor/grammar';
import { OvsdbClient } from './client.js';
import { reconcileQueues } from './queue-reconciler.js';
import { switchQueuesFromPlan, type SwitchQueues } from './queues.js';
import type { QueueReport } from './queue-diff.js';

/** Who owns the rows DFVisor creates (external_ids:dfvisor-owner). */
export const DFVISOR_QUEUE_OWNER = 'dfvisor';

export interface PlanQueueOptions {
  owner?: string;
  /** Per OVSDB request (and connect) timeout, ms. Default 5000. */
  timeoutMs?: number;
}

/**
 * The address each switch's queues were last written to, per process: an undeploy (no plan) or
 * a plan that drops the address still removes the rows from where they were created, even after
 * the switch reconnected (a new session).
 */
const lastAddress = new Map<string, string>();
const running = new Map<string, Promise<unknown>>();

/** The ovsdb-server address the plan declares for a switch, if any. */
export function ovsdbAddressOf(plan: Pick<Plan, 'network'> | null | undefined, dpid: DpidHex): string | undefined {
  return plan?.network.switches.find((s) => s.dpid === dpid)?.ovsdb;
}

/** Reconciles switch `dpid`'s queues with `plan` (null: none of ours should remain). */
export function applyPlanQueues(plan: Pick<Plan, 'network' | 'qos'> | null, dpid: DpidHex, opts: PlanQueueOptions = {}): Promise<string[]> {
  const owner = opts.owner ?? DFVISOR_QUEUE_OWNER;
  const key = `${owner}/${dpid}`;
  const prev = running.get(key) ?? Promise.resolve();
  const next = prev.then(() => reconcileSwitch(plan, dpid, owner, key, opts.timeoutMs));
  running.set(key, next);
  void next.then(() => {
    if (running.get(key) === next) running.delete(key);
  });
  return next;
}

async function reconcileSwitch(
  plan: Pick<Plan, 'network' | 'qos'> | null,
  dpid: DpidHex,
  owner: string,
  key: string,
  timeoutMs: number | undefined,
): Promise<string[]> {
  const notes: string[] = [];
  const address = ovsdbAddressOf(plan, dpid);
  const before = lastAddress.get(key);
  if (before !== undefined && before !== address) {
    // The address went (or changed): take ours away from where they were created.
    const r = await reconcileAt(before, { dpid, ports: [] }, owner, timeoutMs);
    notes.push(r.note);
    if (r.ok) lastAddress.delete(key);
  }
  if (address === undefined) return notes;
  const desired = plan ? switchQueuesFromPlan(plan, dpid) : { dpid, ports: [] };
  const r = await reconcileAt(address, desired, owner, timeoutMs);
  notes.push(r.note);
  if (r.ok && desired.ports.length === 0) lastAddress.delete(key);
  else lastAddress.set(key, address);
  return notes;
}

async function reconcileAt(
  address: string,
  desired: SwitchQueues,
  owner: string,
  timeoutMs: number | undefined,
): Promise<{ ok: boolean; note: string }> {
  const where = `${desired.dpid}: queues over OVSDB ${address}`;
  const c = await OvsdbClient.connect(address, { timeoutMs });
  if (!c.ok) return { ok: false, note: `${where}: not set up (${c.error.message})` };
  try {
    const r = await reconcileQueues(c.value, desired, { owner });
    if (!r.ok) return { ok: false, note: `${where}: not set up (${r.error.code}: ${r.error.message})` };
    return { ok: true, note: `${where}: ${describe(r.report, desired)}` };
  } finally {
    c.value.close();
  }
}

function describe(report: QueueReport, desired: SwitchQueues): string {
  const planned = desired.ports.reduce((n, p) => n + p.queues.length, 0);
  const parts = [
    `${planned} planned on ${desired.ports.length} port(s)`,
    `${report.created.length} row(s) created, ${report.updated.length} updated, ${report.removed.length} removed`,
  ];
  for (const c of report.conflicts) parts.push(`conflict: ${c.message}`);
  if (report.missingPorts.length) parts.push(`ports not on bridge ${report.bridge}: ${report.missingPorts.join(', ')}`);
  return parts.join('; ');
}
