// Tenant flow table benchmark (issue 17, "bounded memory" and per-setup work): heap bytes per
// tracked tenant rule (heap and array-buffer delta after a forced GC over N inserted rules, target ≤ 256) and
// CPU per tracked flow setup (key + add, as tenant-direction.ts does it), for a learning-switch
// rule (in_port, eth_src, eth_dst) and the full OpenFlow 1.0 exact match ovs-testcontroller sends
// (fresh source MAC each); the re-add of a known rule (learning controllers re-add flows); and the
// table's own part of a setup (existing + add with the key known, as the decoder gives it).
// Run: node --expose-gc runtime/dist/bench/flow-table.bench.js   (writes bench/results/flow-table.json;
// FLOW_TABLE_RULES=N to change the rule count, default 1,000,000).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SliceFlowTable, ruleKey } from '../src/proxy/flow-table.js';
import type { FlowMatch, Instruction } from '../src/proxy/messages.js';

const N = Number(process.env.FLOW_TABLE_RULES ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

/** What a learning controller installs for the i-th fresh source MAC. */
const shapes: Record<string, (i: number) => FlowMatch> = {
  'L2 (in_port, eth_src, eth_dst)': (i) => ({
    in_port: { value: BigInt(1 + (i % 16)) },
    eth_dst: { value: 0x020000000001n },
    eth_src: { value: 0x020000000000n + BigInt(i) + 2n },
  }),
  '1.0 exact match (12 fields)': (i) => ({
    in_port: { value: BigInt(1 + (i % 16)) },
    eth_dst: { value: 0x020000000001n },
    eth_src: { value: 0x020000000000n + BigInt(i) + 2n },
    eth_type: { value: 0x800n },
    vlan_vid: { value: 0n },
    vlan_pcp: { value: 0n },
    ip_dscp: { value: 0n },
    ip_proto: { value: 17n },
    ipv4_src: { value: 0x0a000001n },
    ipv4_dst: { value: 0x0a000002n },
    udp_src: { value: 1000n },
    udp_dst: { value: 2000n },
  }),
};

// A learning controller's instructions: a handful of distinct outputs.
const outputs: Instruction[][] = Array.from({ length: 16 }, (_, p) => [
  { type: 'apply_actions', actions: [{ type: 'output', port: p + 1, maxLen: 0 }] },
]);

interface Row {
  shape: string;
  rules: number;
  bytesPerRule: number;
  addUs: number;
  reAddUs: number;
  tableUs: number;
}

function heap(): number {
  gc?.();
  gc?.();
  // The table's typed-array columns and indexes live outside the V8 heap (array buffers).
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** What tenant-direction.ts records for the i-th learning-switch rule. */
function addRule(table: SliceFlowTable, cookie: bigint, i: number, match: FlowMatch, key: string): void {
  table.add(
    { cookie, tenantCookie: 0n, match, priority: 1, flags: 1, idleTimeout: 60, hardTimeout: 0, instructions: outputs[i & 15]! },
    1,
    key,
  );
}

function measure(shape: string, make: (i: number) => FlowMatch): Row {
  const base = 0x1000000000000n;
  let table: SliceFlowTable | null = new SliceFlowTable();
  const before = heap();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const match = make(i);
    addRule(table, base + BigInt(i), i, match, ruleKey(match));
  }
  const addUs = ((performance.now() - t0) * 1000) / N;
  const bytesPerRule = (heap() - before) / N;
  // Re-adds of known rules (same match, priority and cookie): the learning controller's common case.
  const k = Math.min(N, 200_000);
  const t1 = performance.now();
  for (let i = 0; i < k; i++) {
    const match = make(i);
    const key = ruleKey(match);
    const old = table.existing(match, 1, key)!;
    addRule(table, old.cookie, i, match, key);
  }
  const reAddUs = ((performance.now() - t1) * 1000) / k;
  if (table.entries !== N) throw new Error(`expected ${N} entries, got ${table.entries}`);
  table = null;
  // The table's own work per setup (the key usually comes with the decoded frame): matches and
  // keys made first, then only `existing` + `add` timed, on a fresh table.
  const m = Math.min(N, 100_000);
  const matches = Array.from({ length: m }, (_, i) => make(i));
  const keys = matches.map((x) => ruleKey(x));
  const fresh = new SliceFlowTable();
  const t2 = performance.now();
  for (let i = 0; i < m; i++) {
    fresh.existing(matches[i]!, 1, keys[i]);
    addRule(fresh, base + BigInt(i), i, matches[i]!, keys[i]!);
  }
  const tableUs = ((performance.now() - t2) * 1000) / m;
  return { shape, rules: N, bytesPerRule, addUs, reAddUs, tableUs };
}

function main(): void {
  if (!gc) console.warn('run with --expose-gc for exact heap figures (npm run bench does)');
  const rows = Object.entries(shapes).map(([name, make]) => measure(name, make));
  console.log(`tenant flow table, ${N.toLocaleString('en')} rules (target ≤ 256 bytes per tracked rule)`);
  console.table(
    rows.map((r) => ({
      'rule shape': r.shape,
      'bytes/rule': Math.round(r.bytesPerRule),
      'add µs': r.addUs.toFixed(2),
      're-add µs': r.reAddUs.toFixed(2),
      'table only µs': r.tableUs.toFixed(2),
      '≤ 256 B': r.bytesPerRule <= 256 ? 'yes' : 'no',
    })),
  );
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/flow-table.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
}

main();
