// Decoding literal texts into values. Malformed texts give `undefined`
// (the checker reports SL201), never an exception.

const MAX_DPID = (1n << 64n) - 1n;

/** `12`, `0x1f`; undefined for fractions and values beyond 2^53-1. */
export function numberValue(text: string): number | undefined {
  let v: number;
  if (/^0[xX][0-9A-Fa-f]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^[0-9]+$/.test(text)) v = Number(text);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

const RATE_UNITS: Record<string, number> = {
  bps: 1,
  Kbps: 1e3,
  kbps: 1e3,
  Mbps: 1e6,
  Gbps: 1e9,
  Tbps: 1e12,
};

/** `1Gbps` → 1e9, `2.5Mbps` → 2.5e6; undefined for an unknown unit. */
export function rateValue(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (!m) return undefined;
  const unit = RATE_UNITS[m[2]!];
  if (unit === undefined) return undefined;
  const v = Number(m[1]) * unit;
  if (!Number.isFinite(v)) return undefined;
  const rounded = Math.round(v);
  return Math.abs(v - rounded) < 1e-6 ? rounded : v;
}

/** `100/s` → 100. */
export function messageRateValue(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\/s$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : undefined;
}

/** `00:00:00:00:00:00:00:01` (exactly 8 hex pairs), decimal or hex number; undefined if malformed or > 2^64-1. */
export function dpidValue(text: string): bigint | undefined {
  let v: bigint;
  if (/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}$/.test(text)) v = BigInt(`0x${text.replace(/:/g, '')}`);
  else if (/^0[xX][0-9A-Fa-f]+$/.test(text)) v = BigInt(text);
  else if (/^[0-9]+$/.test(text)) v = BigInt(text);
  else return undefined;
  return v <= MAX_DPID ? v : undefined;
}

/** The value of a string literal text (with or without its closing quote): `\"` → `"`, `\\` → `\`. */
export function stringValue(text: string): string {
  const closed = text.length >= 2 && text.endsWith('"') && !isEscapedQuote(text);
  const body = text.slice(1, closed ? -1 : undefined);
  return body.replace(/\\(["\\])/g, '$1');
}

/** True when a string token is terminated by its closing quote. */
export function isClosedString(text: string): boolean {
  return text.length >= 2 && text.endsWith('"') && !isEscapedQuote(text);
}

function isEscapedQuote(text: string): boolean {
  // count backslashes before the final quote
  let n = 0;
  for (let i = text.length - 2; i >= 1 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}
