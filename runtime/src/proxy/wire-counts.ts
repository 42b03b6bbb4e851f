// What the proxy's one translation (wire.ts) did, counted per message type, direction, peer and
// path, and where a fast structure of the proxy could not answer and a slower way was taken
// (`countFallback`): nothing falls back silently. Process-wide plain counters (cheap enough for
// every message: an array slot per combination); node/metrics.ts exposes them in /metrics.
import type { OfMessage } from './messages.js';

/** The side of the proxy a channel talks to. */
export type WirePeer = 'switch' | 'tenant';
/** in: decoded from the peer; out: encoded for the peer. */
export type WireDirection = 'in' | 'out';
/**
 * direct: frame ⇄ neutral message without a codec message object (hot-messages.ts);
 * codec: through the codec's message object and translate.ts (every other type);
 * refused: decoded, but the proxy cannot slice it (an OpenFlow error answers it);
 * malformed: the codec rejects the frame (its error answers it);
 * unencodable: the peer's version cannot express the message (an error value to the caller).
 */
export type WirePath = 'direct' | 'codec' | 'refused' | 'malformed' | 'unencodable';

const PEERS: readonly WirePeer[] = ['switch', 'tenant'];
const DIRECTIONS: readonly WireDirection[] = ['in', 'out'];
const PATHS: readonly WirePath[] = ['direct', 'codec', 'refused', 'malformed', 'unencodable'];
const TYPES: ReadonlyArray<OfMessage['type'] | 'unknown'> = [
  'hello',
  'error',
  'echo_request',
  'echo_reply',
  'features_request',
  'features_reply',
  'get_config_request',
  'get_config_reply',
  'set_config',
  'packet_in',
  'flow_removed',
  'port_status',
  'packet_out',
  'flow_mod',
  'meter_mod',
  'multipart_request',
  'multipart_reply',
  'barrier_request',
  'barrier_reply',
  'role_request',
  'role_reply',
  'other',
  'unknown',
];
const TYPE_INDEX = new Map<string, number>(TYPES.map((t, i) => [t, i]));
const UNKNOWN = TYPES.length - 1;
const PATH_INDEX: Readonly<Record<WirePath, number>> = { direct: 0, codec: 1, refused: 2, malformed: 3, unencodable: 4 };

const counts = new Float64Array(PEERS.length * DIRECTIONS.length * PATHS.length * TYPES.length);
const PACKET_IN = TYPE_INDEX.get('packet_in')!;
const FLOW_MOD = TYPE_INDEX.get('flow_mod')!;
const PACKET_OUT = TYPE_INDEX.get('packet_out')!;
/** A type's index: the hot messages' by comparison, any other by one map lookup. */
const typeIndex = (type: string): number =>
  type === 'packet_in'
    ? PACKET_IN
    : type === 'flow_mod'
      ? FLOW_MOD
      : type === 'packet_out'
        ? PACKET_OUT
        : (TYPE_INDEX.get(type) ?? UNKNOWN);
// Counted for every message: plain comparisons (a map lookup for types other than the hot ones), no string built.
const slot = (peer: WirePeer, dir: WireDirection, path: WirePath, type: string): number =>
  (((peer === 'switch' ? 0 : 2) + (dir === 'in' ? 0 : 1)) * PATHS.length + (path === 'direct' ? 0 : PATH_INDEX[path])) * TYPES.length +
  typeIndex(type);

/** Counts one message (`type`: the neutral type name, or the codec's for a frame that did not decode). */
export function countWire(peer: WirePeer, dir: WireDirection, path: WirePath, type: string): void {
  counts[slot(peer, dir, path, type)]!++;
}

export interface WireCount {
  peer: WirePeer;
  direction: WireDirection;
  path: WirePath;
  type: string;
  count: number;
}

/** Every non-zero count since the process started. */
export function wireCounts(): WireCount[] {
  const out: WireCount[] = [];
  for (const peer of PEERS)
    for (const direction of DIRECTIONS)
      for (const path of PATHS)
        for (const type of TYPES) {
          const count = counts[slot(peer, direction, path, type)]!;
          if (count > 0) out.push({ peer, direction, path, type, count });
        }
  return out;
}

const fallbacks = new Map<string, { structure: string; reason: string; count: number }>();

/**
 * A fast structure could not answer and a slower way was taken (e.g. structure 'classifier',
 * reason 'error', when the session's packet classification falls back to a scan of the rules).
 * The caller logs it; this counts it for /metrics.
 */
export function countFallback(structure: string, reason: string): void {
  const key = `${structure}\u0000${reason}`;
  const e = fallbacks.get(key);
  if (e) e.count++;
  else fallbacks.set(key, { structure, reason, count: 1 });
}

export function fallbackCounts(): Array<{ structure: string; reason: string; count: number }> {
  return [...fallbacks.values()].map((e) => ({ ...e }));
}
