/** Test helper: decode raw OpenFlow messages with Debian's tshark (one call for many messages). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Pairs = [string, string][];

function flatten(o: unknown, key: string, out: Pairs): void {
  if (Array.isArray(o)) for (const v of o) flatten(v, key, out);
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) flatten(v, k, out);
  else out.push([key, String(o)]);
}

/** Each message's OpenFlow layer as ordered (field, value) pairs, plus the protocol layer name. */
export function tsharkDecode(messages: Buffer[]): { layer: string; pairs: Pairs; malformed: boolean }[] {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-tshark-'));
  try {
    const hex = messages.map((m) => `0000 ${[...m].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\n`).join('');
    writeFileSync(join(dir, 'in.txt'), hex);
    execFileSync('text2pcap', ['-q', '-l', '147', join(dir, 'in.txt'), join(dir, 'o.pcap')], { stdio: 'ignore' });
    const json = execFileSync(
      'tshark',
      ['-r', join(dir, 'o.pcap'), '-o', 'uat:user_dlts:"User 0 (DLT=147)","openflow","0","","0",""', '-T', 'json', '--no-duplicate-keys'],
      { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOME: dir } },
    ).toString();
    const packets = JSON.parse(json) as { _source: { layers: Record<string, unknown> } }[];
    return packets.map((p) => {
      const layers = p._source.layers;
      const layer = Object.keys(layers).find((k) => k.startsWith('openflow_v')) ?? '';
      const pairs: Pairs = [];
      flatten(layers[layer], layer, pairs);
      return { layer, pairs, malformed: '_ws.malformed' in layers || JSON.stringify(layers).includes('_ws.malformed') };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assert that `expected` appears in `actual` in order (other fields may come in between). */
export function missingInOrder(actual: Pairs, expected: Pairs): string | undefined {
  let i = 0;
  for (const [k, v] of expected) {
    while (i < actual.length && !(actual[i]![0] === k && actual[i]![1] === v)) i++;
    if (i >= actual.length) {
      const candidates = actual.filter(([ak]) => ak === k).map(([, av]) => av);
      return `${k}=${v} not found in order (values of ${k} seen: ${candidates.slice(0, 8).join(', ') || 'none'})`;
    }
    i++;
  }
  return undefined;
}
