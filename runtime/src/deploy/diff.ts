// Which slices a new plan adds, changes or removes compared with the deployed one.
import type { Plan } from '@dfvisor/grammar';
import type { SliceDiff } from './types.js';

/** Everything the plan deploys for one slice, without plan-global ids: equal fingerprints, nothing to do. */
export function sliceFingerprint(plan: Plan, slice: string): string {
  return JSON.stringify({
    slice: plan.slices.find((s) => s.name === slice),
    flowspace: plan.flowspace.filter((e) => e.slice === slice).map(({ id: _id, ...rest }) => rest),
    meters: plan.qos.meters.filter((m) => m.slice === slice),
    queues: plan.qos.queues.filter((q) => q.slice === slice),
  });
}

export function diffPlans(before: Plan | undefined, after: Plan): SliceDiff {
  const old = new Set(before?.slices.map((s) => s.name) ?? []);
  const now = new Set(after.slices.map((s) => s.name));
  const diff: SliceDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const name of [...now].sort()) {
    if (!old.has(name)) diff.added.push(name);
    else if (sliceFingerprint(before!, name) !== sliceFingerprint(after, name)) diff.changed.push(name);
    else diff.unchanged.push(name);
  }
  for (const name of [...old].sort()) if (!now.has(name)) diff.removed.push(name);
  return diff;
}

export function networkChanged(before: Plan | undefined, after: Plan): boolean {
  return before !== undefined && JSON.stringify(before.network) !== JSON.stringify(after.network);
}
