// Which tenant controller endpoints a deploy may name: never one of the runtime's own listeners
// (its OpenFlow listeners, TLS and plain, and its API), and, when the admin sets `controllerAllow`,
// only addresses inside those ranges; an `ssl:` endpoint only when the node has a client
// certificate for tenant controllers. Pure: the listeners and ranges come from the node's config.
import { ipv4PrefixRange, parseIpv4, parseIpv4Prefix, parseIpv6, parseIpv6Prefix, type Plan, type PlanSlice } from '@dfvisor/grammar';
import { networkInterfaces } from 'node:os';

export interface ControllerPolicy {
  /** The runtime's own listeners (read at deploy time: a port 0 becomes the bound one). */
  listeners(): Array<{ host: string; port: number }>;
  /** Allowed address ranges (IPv4/IPv6 prefixes or addresses); undefined: any but the listeners. */
  allow?: string[];
  /** The node has TLS material for `ssl:` controllers (--tenant-tls-*); absent: false. */
  tenantTls?: boolean;
}

type Range = { v: 4; lo: number; hi: number } | { v: 6; lo: bigint; hi: bigint };

/** A range of `controllerAllow`, or undefined when it is neither an IPv4 nor an IPv6 prefix. */
export function parseAddressRange(text: string): Range | undefined {
  const p4 = parseIpv4Prefix(text);
  if (p4) {
    const [lo, hi] = ipv4PrefixRange(p4);
    return { v: 4, lo, hi };
  }
  const p6 = parseIpv6Prefix(text);
  if (!p6) return undefined;
  const size = 1n << BigInt(128 - p6.length);
  const lo = p6.value - (p6.value % size);
  return { v: 6, lo, hi: lo + size - 1n };
}

/** A host as an address literal ('localhost' is the loopback address); undefined for other names. */
function addressOf(host: string): { v: 4; a: number } | { v: 6; a: bigint } | undefined {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return { v: 4, a: parseIpv4('127.0.0.1')! };
  const a4 = parseIpv4(h);
  if (a4 !== undefined) return { v: 4, a: a4 };
  const a6 = parseIpv6(h);
  return a6 === undefined ? undefined : { v: 6, a: a6 };
}

const same = (a: string, b: string) => {
  const x = addressOf(a);
  const y = addressOf(b);
  return x && y ? x.v === y.v && x.a === y.a : a === b;
};

/** Every address this machine answers on (a wildcard listener listens on all of them). */
function localAddresses(): string[] {
  return ['127.0.0.1', '::1', ...Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address))];
}

function isListener(host: string, port: number, listeners: Array<{ host: string; port: number }>): boolean {
  return listeners.some((l) => {
    if (l.port !== port) return false;
    const wildcard = l.host === '0.0.0.0' || l.host === '::' || l.host === '';
    return wildcard ? localAddresses().some((a) => same(a, host)) || same(host, l.host) : same(host, l.host);
  });
}

function allowed(host: string, ranges: Range[]): boolean {
  const a = addressOf(host);
  if (!a) return false;
  return ranges.some((r) => (r.v === 4 && a.v === 4 ? r.lo <= a.a && a.a <= r.hi : r.v === 6 && a.v === 6 && r.lo <= a.a && a.a <= r.hi));
}

/** Why the slices `checked` selects may not be deployed as they name their controllers (empty: they may). */
export function controllerProblems(plan: Plan, policy: ControllerPolicy, checked: (s: PlanSlice) => boolean): string[] {
  const listeners = policy.listeners();
  const ranges = policy.allow?.map(parseAddressRange).filter((r): r is Range => r !== undefined);
  const out: string[] = [];
  for (const s of plan.slices) {
    if (!checked(s)) continue;
    for (const c of s.controllers) {
      if (c.url.startsWith('ssl:') && !policy.tenantTls)
        out.push(
          `slice ${s.name}: controller ${c.url} needs TLS toward tenant controllers, which this runtime is not configured for (--tenant-tls-cert, --tenant-tls-key, --tenant-tls-ca)`,
        );
      else if (isListener(c.host, c.port, listeners))
        out.push(`slice ${s.name}: controller ${c.url} is one of the runtime's own listeners (OpenFlow or API)`);
      else if (ranges && !allowed(c.host, ranges))
        out.push(
          `slice ${s.name}: controller ${c.url} is outside the allowed controller addresses (controllerAllow: ${policy.allow!.join(', ')})`,
        );
    }
  }
  return out;
}
