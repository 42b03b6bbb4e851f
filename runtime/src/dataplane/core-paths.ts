// The managed core's path state (docs/dataplane.md, "Managed core"): for every virtual link of the
// plan, which of its admitted paths (PlanVirtualLink.paths, preferred first) carries it now — the
// first whose physical links are all up — and which ports are down. One instance per proxy, kept
// across plans (port state outlives a redeploy); the proxy tells it about port changes and asks
// which virtual links moved. Pure bookkeeping: no I/O. May import only the plan's types.
import type { DpidHex, Plan, PlanCorePath, PlanVirtualLink } from '@dfvisor/grammar';

/** One virtual link of one slice, as the core state tracks it. */
export interface CoreLink {
  slice: string;
  link: PlanVirtualLink;
  /** Position of the link in its slice's `virtualLinks` (cookies and group ids use it). */
  index: number;
  /** The path in use (index into link.paths), or null: no path is up (the virtual port is down). */
  active: number | null;
}

/** A change of a virtual link's path: `from`/`to` are path indexes (null: none up). */
export interface PathChange {
  key: string;
  slice: string;
  link: string;
  from: number | null;
  to: number | null;
}

const portKey = (dpid: DpidHex, port: number) => `${dpid}:${port}`;
export const coreLinkKey = (slice: string, link: string) => `${slice}/${link}`;

export class CoreState {
  private readonly down = new Set<string>();
  /** Links link discovery stopped seeing (their probes no longer come back), by id. */
  private readonly lost = new Set<string>();
  private links = new Map<string, CoreLink>();
  /** Physical link id → its two ends (port keys). */
  private ends = new Map<string, [string, string]>();
  private coreSwitches = new Set<DpidHex>();

  /** Takes a (new) plan: every virtual link's path is chosen again from the ports known down. */
  setPlan(plan: Plan | null): PathChange[] {
    const before = this.links;
    this.links = new Map();
    this.ends = new Map((plan?.network.links ?? []).map((l) => [l.id, [portKey(l.a.dpid, l.a.port), portKey(l.b.dpid, l.b.port)]]));
    this.coreSwitches = new Set(plan?.network.core ?? []);
    for (const s of plan?.slices ?? [])
      (s.virtualLinks ?? []).forEach((link, index) => {
        const key = coreLinkKey(s.name, link.id);
        this.links.set(key, { slice: s.name, link, index, active: null });
      });
    return this.recompute(before);
  }

  /** A port went up or down (port status, discovery); the virtual links whose path changed. */
  portChanged(dpid: DpidHex, port: number, up: boolean): PathChange[] {
    const k = portKey(dpid, port);
    if (up === !this.down.has(k)) return [];
    if (up) this.down.delete(k);
    else this.down.add(k);
    return this.recompute(this.links);
  }

  /** Link discovery lost a link (its probes stopped coming back) or sees it again; the virtual links whose path changed. */
  linkSeen(id: string, seen: boolean): PathChange[] {
    if (seen === !this.lost.has(id)) return [];
    if (seen) this.lost.delete(id);
    else this.lost.add(id);
    return this.recompute(this.links);
  }

  /** Whether a physical link (by id) is up: neither end is known down and discovery has not lost it. */
  linkUp(id: string): boolean {
    if (this.lost.has(id)) return false;
    const e = this.ends.get(id);
    return !e || (!this.down.has(e[0]) && !this.down.has(e[1]));
  }

  /** The physical link between two ports, by id (either direction). */
  linkBetween(from: { dpid: DpidHex; port: number }, to: { dpid: DpidHex; port: number }): string | undefined {
    const a = portKey(from.dpid, from.port);
    const b = portKey(to.dpid, to.port);
    for (const [id, e] of this.ends) if ((e[0] === a && e[1] === b) || (e[0] === b && e[1] === a)) return id;
    return undefined;
  }

  /** Whether a port is an end of a link some virtual link's path uses (its changes matter here). */
  watches(dpid: DpidHex, port: number): boolean {
    const k = portKey(dpid, port);
    for (const l of this.links.values())
      for (const p of l.link.paths)
        for (const id of p.links) {
          const e = this.ends.get(id);
          if (e && (e[0] === k || e[1] === k)) return true;
        }
    return false;
  }

  isCore(dpid: DpidHex): boolean {
    return this.coreSwitches.has(dpid);
  }

  get(slice: string, link: string): CoreLink | undefined {
    return this.links.get(coreLinkKey(slice, link));
  }

  /** The path in use by a virtual link, or null. */
  activePath(slice: string, link: string): PlanCorePath | null {
    const l = this.get(slice, link);
    return l && l.active !== null ? (l.link.paths[l.active] ?? null) : null;
  }

  all(): CoreLink[] {
    return [...this.links.values()];
  }

  private recompute(before: ReadonlyMap<string, CoreLink>): PathChange[] {
    const changes: PathChange[] = [];
    for (const [key, l] of this.links) {
      const old = before.get(key);
      // A link whose paths changed with the plan starts afresh (its old path indexes mean nothing).
      const from = old && JSON.stringify(old.link) === JSON.stringify(l.link) ? old.active : null;
      // The plan's order is the preference: the first path whose links are all up.
      const i = l.link.paths.findIndex((p) => p.links.every((id) => this.linkUp(id)));
      const to = i < 0 ? null : i;
      l.active = to;
      if (to !== from || !old) changes.push({ key, slice: l.slice, link: l.link.id, from, to });
    }
    return changes;
  }
}
