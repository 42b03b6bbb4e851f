// Rate text for messages: 1500000000 → "1.5Gbps".
export function formatRate(bps: number): string {
  const units: Array<[number, string]> = [[1e12, 'Tbps'], [1e9, 'Gbps'], [1e6, 'Mbps'], [1e3, 'Kbps']];
  for (const [f, u] of units) {
    if (bps >= f) return `${+(bps / f).toFixed(3)}${u}`;
  }
  return `${bps}bps`;
}
