// Link discovery across the cluster: the probe key every node signs with (one random key in the
// store's `meta` map, made by the first node), and the sightings each node's switches report,
// shared through `meta` entries `lldp/<dpid>/<port>` (the receiving port) so every node answers
// /v1/topology alike. A sighting is written when it is new or changed and at most once per
// interval otherwise; it is fresh while its last sighting is younger than three intervals.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { GlobalStore, Json, LocalTier } from '../store/index.js';
import type { LinkObservation } from '../proxy/index.js';
import type { LinkSightingView } from '../view/runtime-view.js';

const KEY_ENTRY = 'lldp-key';
const PREFIX = 'lldp/';

interface Stored {
  from: { dpid: string; port: number };
  to: { dpid: string; port: number };
  since: number;
  lastSeen: number;
}

/** The cluster's probe key: the stored one, else a new one stored for every node (compare-and-set). */
export async function discoveryKey(store: GlobalStore): Promise<Buffer> {
  const read = async () => {
    const r = await store.get('meta', KEY_ENTRY);
    const hex = r.ok ? (r.value?.value as { key?: string } | undefined)?.key : undefined;
    return hex ? Buffer.from(hex, 'hex') : null;
  };
  const known = await read();
  if (known) return known;
  const key = randomBytes(32);
  const w = await store.put('meta', KEY_ENTRY, { key: key.toString('hex') }, { expectVersion: 0 });
  if (w.ok) return key;
  const other = await read();
  if (!other) throw new Error(`cannot store the link discovery key: ${w.error.message}`);
  return other;
}

export class LinkSightings {
  constructor(
    private readonly store: GlobalStore,
    private readonly tier: LocalTier,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** A probe came back: written to the shared map when new, changed, or last written an interval ago. */
  seen(o: LinkObservation): void {
    const key = `${PREFIX}${o.to.dpid}/${o.to.port}`;
    const prev = this.tier.get('meta', key)?.value as unknown as Stored | undefined;
    const same = prev && prev.from.dpid === o.from.dpid && prev.from.port === o.from.port;
    if (same && o.at - prev.lastSeen < this.intervalMs) return;
    const value: Stored = { from: o.from, to: o.to, since: same ? prev.since : o.at, lastSeen: o.at };
    void this.store.put('meta', key, value as unknown as Json).then((r) => {
      if (!r.ok) this.log.warn({ error: r.error }, 'storing a link sighting failed');
    });
  }

  /** The sightings younger than three intervals, from every node. */
  fresh(now = Date.now()): LinkSightingView[] {
    const out: LinkSightingView[] = [];
    for (const [key, v] of this.tier.entries('meta')) {
      if (!key.startsWith(PREFIX)) continue;
      const s = v.value as unknown as Stored;
      if (now - s.lastSeen > 3 * this.intervalMs) continue;
      out.push({ from: s.from, to: s.to, since: new Date(s.since).toISOString(), lastSeen: new Date(s.lastSeen).toISOString() });
    }
    return out.sort((a, b) => (`${a.to.dpid}/${a.to.port}` < `${b.to.dpid}/${b.to.port}` ? -1 : 1));
  }
}
