// Per-virtual-link state and counters (managed core): for each virtual link of a slice, the path
// in use and the frames and bytes that entered the core from each end, read from the statistics
// rounds of the path's first core switch from that end (the core rules' cookies name the link,
// the path and the direction). Pure: the proxy passes its core state and its last rounds.
import type { CoreState } from '../dataplane/core-paths.js';
import { coreRuleCookie } from '../dataplane/cookies.js';
import type { FlowStats } from './messages.js';
import type { VirtualLinkView } from '../view/runtime-view.js';

export type { VirtualLinkView };

/** A switch's last statistics round: its flows and when they were read; undefined: none here. */
export type RoundOf = (dpid: string) => { at: number; flows: readonly FlowStats[] } | undefined;

export function virtualLinkViews(
  core: CoreState,
  slice: string,
  sliceIndex: number | undefined,
  roundOf: RoundOf,
  pathChanges: (link: string) => number,
): VirtualLinkView[] {
  return core
    .all()
    .filter((l) => l.slice === slice)
    .map((l) => {
      const path = l.active === null ? undefined : l.link.paths[l.active];
      let statsAt: number | null = null;
      const count = (dpid: string | undefined, dir: 0 | 1) => {
        if (!path || dpid === undefined || sliceIndex === undefined) return null;
        const round = roundOf(dpid);
        if (!round) return null;
        statsAt = statsAt === null ? round.at : Math.min(statsAt, round.at);
        const cookie = coreRuleCookie(sliceIndex, l.index, l.active!, dir);
        let packets = 0;
        let bytes = 0;
        for (const f of round.flows)
          if (f.cookie === cookie) {
            packets += Number(f.packetCount);
            bytes += Number(f.byteCount);
          }
        return { packets, bytes };
      };
      const aToB = count(path?.hops[0]?.dpid, 0);
      const bToA = count(path?.hops.at(-1)?.dpid, 1);
      return {
        id: l.link.id,
        a: { switch: l.link.a.switch, port: l.link.a.port },
        b: { switch: l.link.b.switch, port: l.link.b.port },
        tag: l.link.tag,
        state: path ? 'up' : 'down',
        path: path ? { index: l.active!, links: [...path.links], switches: path.hops.map((h) => h.switch) } : null,
        paths: l.link.paths.length,
        pathChanges: pathChanges(l.link.id),
        counters: { aToB, bToA, statsAt: statsAt === null ? null : new Date(statsAt).toISOString() },
      };
    });
}
