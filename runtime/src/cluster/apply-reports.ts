// Cluster-wide apply: every switch's master reports, per switch, what became of a revision
// (`applied/<dpid>` in the global tier: applied, or refused with the switch's errors), and the
// node that took a deploy waits for the reports of every switch the plan declares (bounded).
// A switch without a lease holder (connected to no node) is not waited for: it is "unreachable"
// and gets the current revision from its master when it comes back (the master reports then).
// Reports arrive by push into the node's local tier; a store client that is reconnecting (right
// after a partition heals) can miss those events, so pending switches are also read from the
// global tier every `pollMs` and once more at the bound (a CI run saw a healed node answer every
// switch "unreachable" although each master had reported in time).
import type { Logger } from 'pino';
import type { GlobalStore, Json, LocalTier } from '../store/index.js';
import { leaseName } from './mastership.js';

/** One switch's outcome of a revision as a deploy reports it (the deploy layer's SwitchApplyOutcome). */
export type SwitchApplyOutcome = { dpid: string; status: 'applied' | 'refused' | 'unreachable'; node: string | null; errors: string[] };

/** What a master wrote for one switch and revision. */
export interface SwitchApplyReport {
  dpid: string;
  revision: number;
  status: 'applied' | 'refused';
  errors: string[];
  node: string;
  generationId: string;
  at: string;
}

export const APPLY_MAP = 'applied' as const;

/** How long the last read of the global tier at the bound may take (ms). */
const LAST_READ_MS = 1000;

export function isApplyReport(v: unknown): v is SwitchApplyReport {
  const r = v as SwitchApplyReport;
  return typeof v === 'object' && v !== null && typeof r.dpid === 'string' && typeof r.revision === 'number' && Array.isArray(r.errors);
}

/** Writes a master's report for one switch (last writer wins: a newer master or revision replaces it). */
export async function writeApplyReport(store: GlobalStore, r: SwitchApplyReport, log?: Pick<Logger, 'warn'>): Promise<void> {
  const w = await store.put(APPLY_MAP, r.dpid, r as unknown as Json);
  if (!w.ok) log?.warn({ error: w.error, dpid: r.dpid }, 'apply report not written');
}

function outcomeOf(r: SwitchApplyReport, revision: number): SwitchApplyOutcome {
  // A newer revision on the switch supersedes this one: it was applied (or replaced) in order.
  if (r.revision > revision) return { dpid: r.dpid, status: 'applied', node: r.node, errors: [] };
  return { dpid: r.dpid, status: r.status, node: r.node, errors: r.errors };
}

export interface AwaitReportsOptions {
  store: GlobalStore;
  tier: LocalTier;
  revision: number;
  /** The switches the revision's network declares. */
  dpids: string[];
  /** Upper bound of the wait (ms). */
  waitMs: number;
  /** How often pending switches are read from the global tier too (ms; default 1000). */
  pollMs?: number;
  /** Called once per switch as its outcome is known. */
  progress?: (o: SwitchApplyOutcome) => void;
}

/**
 * Waits until every switch has reported `revision` (or a newer one), or until the bound; switches
 * with no report by then, and those no node holds a lease for, are `unreachable`.
 */
export async function awaitApplyReports(o: AwaitReportsOptions): Promise<SwitchApplyOutcome[]> {
  const done = new Map<string, SwitchApplyOutcome>();
  const pending = new Set(o.dpids);
  const settle = (out: SwitchApplyOutcome) => {
    if (!pending.delete(out.dpid)) return;
    done.set(out.dpid, out);
    o.progress?.(out);
  };
  const take = (v: unknown) => {
    if (isApplyReport(v) && v.revision >= o.revision) settle(outcomeOf(v, o.revision));
  };
  const look = (dpid: string) => take(o.tier.get(APPLY_MAP, dpid)?.value);
  /** The pending switches' reports read from the global tier (a failed read changes nothing). */
  const read = () =>
    Promise.all(
      [...pending].map(async (dpid) => {
        const r = await o.store.get(APPLY_MAP, dpid);
        if (r.ok && pending.has(dpid)) take(r.value?.value);
      }),
    );
  await new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(poll);
      stop();
      resolve();
    };
    const stop = o.tier.on((e) => {
      if (e.map !== APPLY_MAP || e.type !== 'put' || !pending.has(e.key)) return;
      look(e.key);
      if (pending.size === 0) finish();
    });
    // At the bound, one last read (itself bounded: a store in trouble must not hold the answer).
    const timer = setTimeout(() => {
      const last = setTimeout(finish, LAST_READ_MS);
      void read().finally(() => {
        clearTimeout(last);
        finish();
      });
    }, o.waitMs);
    let polling = false;
    const poll = setInterval(() => {
      if (polling || finished) return;
      polling = true;
      void read().finally(() => {
        polling = false;
        if (pending.size === 0) finish();
      });
    }, o.pollMs ?? 1000);
    poll.unref?.();
    for (const d of [...pending]) look(d);
    if (pending.size === 0) return finish();
    // Switches connected to no node have no lease: nobody will report, do not wait for them.
    void Promise.all(
      [...pending].map(async (dpid) => {
        const l = await o.store.get('leases', leaseName(dpid));
        if (l.ok && l.value === undefined && pending.has(dpid))
          settle({ dpid, status: 'unreachable', node: null, errors: ['no node is connected to the switch'] });
      }),
    ).then(() => pending.size === 0 && finish());
  });
  for (const dpid of pending)
    done.set(dpid, { dpid, status: 'unreachable', node: null, errors: [`no report from the switch's master within ${o.waitMs} ms`] });
  for (const dpid of pending) o.progress?.(done.get(dpid)!);
  return o.dpids.map((d) => done.get(d)!);
}
