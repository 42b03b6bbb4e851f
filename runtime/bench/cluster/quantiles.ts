// Quantiles of a sample for the cluster benchmark's tables (nearest rank, as the other benchmarks).
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

export interface Summary {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export function summary(xs: readonly number[]): Summary {
  return { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: xs.length ? Math.max(...xs) : Number.NaN, n: xs.length };
}
