// What the DFVisor view shows of a slice's control traffic that the proxy held back or refused
// (GET /v1/slices/{name}/stats, `proxy`): a one-line summary for the slice's "control" node and
// its tooltip, and one leaf per counter and per refusal (message type and reason). Plain data,
// no vscode import, so it is unit-tested in node (test/slice-control-counters.test.ts).
import type { SliceStats } from '../api/types.js';

export type SliceProxyCounters = NonNullable<SliceStats['proxy']>;

/** A leaf of the slices tree (slicesTree.ts renders it). */
export interface CounterLeaf {
  kind: 'leaf';
  label: string;
  description: string;
  icon: string;
  tooltip?: string;
}

/** Refused messages in all (the sum over message types and reasons). */
export function refusedTotal(c: SliceProxyCounters): number {
  return c.refused.reduce((n, r) => n + r.count, 0);
}

/** The control node's description: refusals, rate-limit drops and dropped packet-ins. */
export function controlSummary(c: SliceProxyCounters): string {
  return `${refusedTotal(c)} refused · ${c.controlRateDrops} rate drops · ${c.packetInsDropped} packet-ins dropped`;
}

/** Whether anything was held back or refused (the node is marked as a warning then). */
export function anyHeldBack(c: SliceProxyCounters): boolean {
  return refusedTotal(c) + c.controlRateDrops + c.packetInsDropped + c.flowModsRejected + c.packetOutsRejected > 0;
}

/** The control node's tooltip (Markdown lines): every counter and the refusals by reason, most first. */
export function controlTooltip(c: SliceProxyCounters): string {
  const lines = [
    `packet-ins dropped: ${c.packetInsDropped}`,
    `control rate drops: ${c.controlRateDrops}`,
    `flow-mods rejected: ${c.flowModsRejected}`,
    `packet-outs rejected: ${c.packetOutsRejected}`,
  ];
  const refused = byCount(c.refused);
  if (refused.length) lines.push('', '**refused by reason**', ...refused.map((r) => `${r.message} · ${r.reason}: ${r.count}`));
  return lines.join('  \n');
}

/** The control node's children: the counters, then one leaf per refused message type and reason. */
export function controlLeaves(c: SliceProxyCounters): CounterLeaf[] {
  const counter = (label: string, n: number, icon: string): CounterLeaf => ({ kind: 'leaf', label, description: String(n), icon });
  return [
    counter('packet-ins dropped', c.packetInsDropped, 'arrow-down'),
    counter('control rate drops', c.controlRateDrops, 'dashboard'),
    counter('flow-mods rejected', c.flowModsRejected, 'circle-slash'),
    counter('packet-outs rejected', c.packetOutsRejected, 'circle-slash'),
    ...byCount(c.refused).map(
      (r): CounterLeaf => ({
        kind: 'leaf',
        label: `refused ${r.message}`,
        description: `${r.reason} · ${r.count}`,
        icon: 'error',
        tooltip: `${r.count} ${r.message} message${r.count === 1 ? '' : 's'} refused with ${r.reason}`,
      }),
    ),
  ];
}

function byCount(refused: SliceProxyCounters['refused']): SliceProxyCounters['refused'] {
  return [...refused].sort((a, b) => b.count - a.count || a.message.localeCompare(b.message) || a.reason.localeCompare(b.reason));
}
