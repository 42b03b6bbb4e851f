// Bounds on the proxy's OpenFlow connections (switch side and tenant side): how long a peer may
// take over the handshake, how long an established peer may stay silent before it is sent an echo
// request, how long it has to answer, and how many switch connections the listener holds at once.
// Every connection these bounds close is counted here per peer and cause (process-wide plain
// counters like wire-counts.ts; node/metrics.ts exposes them in /metrics) and logged once per cause.
import type { WirePeer } from './wire-counts.js';

/** The part of the proxy's logger used here (channel.ts' Logger has it). */
interface LimitLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ChannelLimits {
  /** A peer that has not completed the handshake (hello; for switches also features) by then is closed. */
  readonly handshakeMs: number;
  /** An established peer silent this long is sent an echo request. */
  readonly idleMs: number;
  /** ...and is closed if nothing (the echo reply or anything else) arrives within this. */
  readonly echoTimeoutMs: number;
}

export interface ListenerLimits extends ChannelLimits {
  /** Switch connections held at once; connections beyond it are closed at once. */
  readonly maxSwitchConnections: number;
}

export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  handshakeMs: 10_000,
  idleMs: 15_000,
  echoTimeoutMs: 10_000,
  maxSwitchConnections: 1024,
};

/** handshake_timeout, echo_timeout: closed by a bound; over_cap: refused at accept (the cap was reached). */
export type LimitCause = 'handshake_timeout' | 'echo_timeout' | 'over_cap';

const counts = new Map<string, number>();
const logged = new Set<string>();

/**
 * Counts one connection closed by a bound; the first of each peer and cause is logged as a
 * warning (later ones at debug: a flood of them must not flood the log).
 */
export function countLimit(log: LimitLogger, peer: WirePeer, cause: LimitCause, context: object = {}): void {
  const key = `${peer}\0${cause}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  const line = { ...context, peer, cause };
  const msg = 'OpenFlow connection closed by a bound (first of this cause; later ones are counted in /metrics)';
  if (logged.has(key)) log.debug(line, 'OpenFlow connection closed by a bound');
  else {
    logged.add(key);
    log.warn(line, msg);
  }
}

/** Connections closed by a bound since the process started, per peer and cause. */
export function limitCounts(): Array<{ peer: WirePeer; cause: LimitCause; count: number }> {
  return [...counts].map(([k, count]) => {
    const [peer, cause] = k.split('\0') as [WirePeer, LimitCause];
    return { peer, cause, count };
  });
}

/**
 * The bounds tenant links use (the proxy is the client there). Process-wide: set from the node's
 * config by the slicing proxy when it is constructed (one node per process); tenant links read it
 * when they connect.
 */
let tenantLimits: ChannelLimits = DEFAULT_LISTENER_LIMITS;
export function setTenantLinkLimits(l: ChannelLimits): void {
  tenantLimits = l;
}
export function tenantLinkLimits(): ChannelLimits {
  return tenantLimits;
}
