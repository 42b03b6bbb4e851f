// Plain-text tables for people (the --json flag gives machines the raw data).

export function renderTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

export function formatBps(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return '-';
  const units: Array<[number, string]> = [
    [1e12, 'Tbps'],
    [1e9, 'Gbps'],
    [1e6, 'Mbps'],
    [1e3, 'Kbps'],
  ];
  for (const [f, u] of units) if (bps >= f) return `${+(bps / f).toFixed(2)}${u}`;
  return `${bps}bps`;
}
