// What the DFVisor view shows of a slice's virtual links across the managed core (GET
// /v1/slices/{name}/virtual-links): one leaf per link with the core switches of the path in use (or
// "down"), the frames each way, and a tooltip with the ends, the tag, the path's links and its
// changes. Plain data, no vscode import, so it is unit-tested in node (test/virtual-links.test.ts).
import type { VirtualLink } from '../api/types.js';
import { formatCount } from '../deploy/summary.js';
import type { CounterLeaf } from './slice-control-counters.js';

/** One virtual link: its path in use (core switches crossed) or down, and the frames each way. */
export function virtualLinkLeaf(l: VirtualLink): CounterLeaf {
  const via = l.path
    ? `via ${l.path.switches.join(', ') || 'no core switch'}${l.path.index > 0 ? ` (backup path ${l.path.index})` : ''}`
    : 'down: no path';
  const count = (c: { packets: number } | null) => (c ? formatCount(c.packets) : '–');
  return {
    kind: 'leaf',
    label: `virtual link ${l.id}`,
    description: `${via} · ${count(l.counters.aToB)} / ${count(l.counters.bToA)} pkts`,
    icon: l.state === 'up' ? 'git-compare' : 'error',
    tooltip: [
      `${l.a.switch}:${l.a.port} ↔ ${l.b.switch}:${l.b.port}, tag ${l.tag}`,
      l.path ? `path ${l.path.index + 1} of ${l.paths}: ${l.path.links.join(' · ')}` : `none of ${l.paths} admitted paths is up`,
      `path changes: ${l.pathChanges}`,
      l.counters.statsAt ? `counters at ${l.counters.statsAt}` : 'no counters on this node',
    ].join('\n'),
  };
}
