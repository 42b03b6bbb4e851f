// How rates are written: in messages, in the editor's prose, and as the language's own literals.
// The one home of rate text, so the checker, the compiler and the editor cannot drift apart.

/**
 * The two ways a rate is shown to users; both are contracts (diagnostic messages and hover text).
 * - `'compact'`: the language's unit names, no space, up to 3 decimals: `1.5Gbps` (diagnostic messages).
 * - `'spaced'`: SI bit rates with a space: `1.5 Gbit/s`; `unbounded` for an infinite rate (editor hover, hints).
 */
export type RateStyle = 'compact' | 'spaced';

const COMPACT_UNITS: Array<[number, string]> = [
  [1e12, 'Tbps'],
  [1e9, 'Gbps'],
  [1e6, 'Mbps'],
  [1e3, 'Kbps'],
];
const SPACED_UNITS: Array<[number, string]> = [
  [1e12, 'Tbit/s'],
  [1e9, 'Gbit/s'],
  [1e6, 'Mbit/s'],
  [1e3, 'Kbit/s'],
  [1, 'bit/s'],
];

/** `1500000000` → `1.5Gbps` (`'compact'`) or `1.5 Gbit/s` (`'spaced'`). */
export function formatRate(bps: number, style: RateStyle): string {
  return style === 'compact' ? compactRate(bps) : spacedRate(bps);
}

function compactRate(bps: number): string {
  for (const [f, u] of COMPACT_UNITS) {
    if (bps >= f) return `${+(bps / f).toFixed(3)}${u}`;
  }
  return `${bps}bps`;
}

function spacedRate(bps: number): string {
  if (!Number.isFinite(bps)) return 'unbounded';
  const abs = Math.abs(bps);
  for (const [f, unit] of SPACED_UNITS) {
    if (abs >= f || f === 1) {
      const v = Math.round((bps / f) * 1000) / 1000;
      return `${v} ${unit}`;
    }
  }
  return `${bps} bit/s`;
}

/** `1000000000` → `1 000 000 000 bit/s`. */
export function formatBits(bps: number): string {
  const [int, frac] = String(bps).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${grouped}${frac ? `.${frac}` : ''} bit/s`;
}

/** A rate written as a literal the parser reads back exactly (for quick fixes): `1500000000` → `1.5Gbps`. */
export function rateLiteral(bps: number): string {
  for (const [f, u] of COMPACT_UNITS) {
    if (bps >= f && Number.isInteger((Math.round((bps / f) * 1000) / 1000) * 1000)) {
      const v = Math.floor((bps / f) * 1000) / 1000;
      if (v >= 1) return `${v}${u}`;
    }
  }
  return `${Math.floor(bps)}bps`;
}

/** Parses a rate literal (`1Gbps`, `2.5Mbps`) to bit/s; undefined when malformed. */
export function parseRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(bps|[kK]bps|Mbps|Gbps|Tbps)$/.exec(text.trim());
  if (!m) return undefined;
  const f: Record<string, number> = { bps: 1, kbps: 1e3, Kbps: 1e3, Mbps: 1e6, Gbps: 1e9, Tbps: 1e12 };
  return Math.round(Number(m[1]) * f[m[2]!]!);
}
