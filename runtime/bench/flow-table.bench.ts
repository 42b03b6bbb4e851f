// Tenant flow table benchmark (issue 17, "bounded memory" and per-setup work): bytes per tracked
// tenant rule (V8 heap plus typed-array buffers, after a forced GC, target ≤ 256) at 10,000,
// 100,000, 300,000 and N inserted rules, and the most of it at any size from 10,000 on (measured
// again right after each growth of the columns or indexes, where it peaks), and CPU time (the
// process's own) per tracked flow setup (key + add, as tenant-direction.ts does it), for a
// learning-switch rule (in_port, eth_src, eth_dst) and the full OpenFlow 1.0 exact match
// ovs-testcontroller sends (fresh source MAC each); the re-add of a known rule (learning
// controllers re-add flows); and, with 300,000 rules live, the table's own part of a setup
// (`existing` + `add`, the key from the decoder's canonical bytes), a lookup that finds its rule,
// and a rule leaving at a statistics round (`reconcile`).
// Run: node --expose-gc runtime/dist/bench/flow-table.bench.js   (writes bench/results/flow-table.json;
// FLOW_TABLE_RULES=N to change the rule count, default 1,000,000; FLOW_TABLE_BEFORE=<path of another
// build's dist/src/proxy/flow-table.js> measures that table too, in the same run, for a before/after).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ours from '../src/proxy/flow-table.js';
import { matchKey } from '../src/proxy/hot-messages.js';
import type { FlowMatch, Instruction } from '../src/proxy/messages.js';

const N = Number(process.env.FLOW_TABLE_RULES ?? 1_000_000);
/** Sizes at which bytes per rule are reported. */
const SIZES = [...new Set([10_000, 100_000, 300_000, N])].filter((n) => n <= N).sort((a, b) => a - b);
/** The most bytes per rule is looked for from this many rules on (below, the tables' least sizes weigh in). */
const WORST_FROM = Math.min(10_000, N);
/** Live rules for the per-operation figures. */
const LIVE = 300_000;
const gc = (globalThis as { gc?: () => void }).gc;

/** The part of flow-table.ts the benchmark uses (the same in builds before and after its key change). */
interface TableModule {
  SliceFlowTable: new () => Table;
  ruleKey(m: FlowMatch, known?: string): unknown;
}
interface Table {
  add(rule: object, physical: number, key: unknown): unknown;
  existing(m: FlowMatch, priority: number, key: unknown): { cookie: bigint } | undefined;
  startRound(): number;
  reconcile(round: number, present: ReadonlyMap<bigint, number>): void;
  readonly entries: number;
}

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
  table: string;
  shape: string;
  rules: number;
  bytesPerRule: number;
  /** Bytes per rule at each of SIZES. */
  bytesAt: Record<number, number>;
  /** The most bytes per rule from WORST_FROM rules on, and at how many rules. */
  worst: { rules: number; bytes: number };
  addUs: number;
  reAddUs: number;
  /** existing + add of a new rule at LIVE live rules, key from the decoder's bytes. */
  tableNs: number;
  /** existing that finds its rule, at LIVE live rules. */
  lookupNs: number;
  /** A rule leaving at a statistics round (reconcile), per rule. */
  leaveNs: number;
}

/** CPU milliseconds of this process (user + system: other processes on the machine do not count). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function heap(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** What tenant-direction.ts records for the i-th learning-switch rule. */
function addRule(table: Table, cookie: bigint, i: number, match: FlowMatch, key: unknown): void {
  table.add(
    { cookie, tenantCookie: 0n, match, priority: 1, flags: 1, idleTimeout: 60, hardTimeout: 0, instructions: outputs[i & 15]! },
    1,
    key,
  );
}

const base = 0x1000000000000n;

/**
 * A fill of a table that is dropped (no longer reachable once this returns): the code it compiles
 * and the feedback it gathers are heap too (some hundreds of kB, tens of bytes per rule at 10 000
 * rules), and not the table's.
 */
function warmUp(mod: TableModule, make: (i: number) => FlowMatch): void {
  const warm = new mod.SliceFlowTable();
  for (let i = 0; i < 20_000; i++) addRule(warm, base + BigInt(i), i, make(i), mod.ruleKey(make(i)));
}

function memoryAndAdds(
  mod: TableModule,
  make: (i: number) => FlowMatch,
): Pick<Row, 'bytesPerRule' | 'bytesAt' | 'worst' | 'addUs' | 'reAddUs'> {
  warmUp(mod, make);
  let table: Table | null = new mod.SliceFlowTable();
  const before = heap();
  const bytesAt: Record<number, number> = {};
  const worst = { rules: 0, bytes: 0 };
  let next = 0;
  let buffers = Infinity;
  // The adds' CPU time, without the measurements between them.
  let addMs = 0;
  let t0 = cpuMs();
  for (let i = 0; i < N; i++) {
    const match = make(i);
    addRule(table, base + BigInt(i), i, match, mod.ruleKey(match));
    const n = i + 1;
    if (n < WORST_FROM || (n !== SIZES[next] && (n & 255) !== 0)) continue;
    // A growth allocates new columns or a new index (the old ones are garbage until the next GC):
    // array buffers jump by far more than 256 rules' keys.
    addMs += cpuMs() - t0;
    const now = process.memoryUsage().arrayBuffers;
    const grew = now > buffers * 1.02;
    buffers = now;
    if (n !== SIZES[next] && !grew) {
      t0 = cpuMs();
      continue;
    }
    const bytes = (heap() - before) / n;
    buffers = process.memoryUsage().arrayBuffers;
    if (n === SIZES[next]) bytesAt[SIZES[next++]!] = bytes;
    if (bytes > worst.bytes) Object.assign(worst, { rules: n, bytes });
    t0 = cpuMs();
  }
  addMs += cpuMs() - t0;
  const addUs = (addMs * 1000) / N;
  const bytesPerRule = bytesAt[N]!;
  // Re-adds of known rules (same match, priority and cookie): the learning controller's common case.
  const k = Math.min(N, 200_000);
  gc?.();
  const t1 = cpuMs();
  for (let i = 0; i < k; i++) {
    const match = make(i);
    const key = mod.ruleKey(match);
    const old = table.existing(match, 1, key)!;
    addRule(table, old.cookie, i, match, key);
  }
  const reAddUs = ((cpuMs() - t1) * 1000) / k;
  if (table.entries !== N) throw new Error(`expected ${N} entries, got ${table.entries}`);
  table = null;
  return { bytesPerRule, bytesAt, worst, addUs, reAddUs };
}

/** The per-operation figures at LIVE live rules; matches and their canonical bytes made first. */
function atScale(mod: TableModule, make: (i: number) => FlowMatch): Pick<Row, 'tableNs' | 'lookupNs' | 'leaveNs'> {
  const m = 100_000;
  const total = LIVE + m;
  // What a 1.3 decoder hands over with the flow-mod (its match's canonical bytes, as matchKey's
  // string): the table finds and keeps rules by it. The match objects are not kept (400 000 of them
  // are some 250 MB of heap that a full collection, which a column or index growth can start through
  // its new array buffers, would mark inside the timed windows): each call gets one match object,
  // which the table reads only for keys in matchKey's text form (none here).
  const known = Array.from({ length: total }, (_, i) => matchKey(make(i)));
  const match = make(0);
  // The lookups' rules at random, their strings made in lookup order (each flow-mod brings its own
  // string, fresh in the cache, not the one the rule was added with).
  const order = Array.from({ length: m }, (_, j) => (j * 7919) % total);
  const lookKnown = order.map((i) => matchKey(make(i)));
  const table = new mod.SliceFlowTable();
  for (let i = 0; i < LIVE; i++) addRule(table, base + BigInt(i), i, match, mod.ruleKey(match, known[i]));
  gc?.(); // (the timed windows start on a collected heap: a full collection of the setup's garbage would land in them)
  const t0 = cpuMs();
  for (let i = LIVE; i < total; i++) {
    const key = mod.ruleKey(match, known[i]);
    table.existing(match, 1, key);
    addRule(table, base + BigInt(i), i, match, key);
  }
  const tableNs = ((cpuMs() - t0) * 1e6) / m;
  gc?.();
  const t1 = cpuMs();
  let found = 0;
  for (let j = 0; j < m; j++) if (table.existing(match, 1, mod.ruleKey(match, lookKnown[j]))) found++;
  const lookupNs = ((cpuMs() - t1) * 1e6) / m;
  if (found !== m) throw new Error(`lookups found ${found} of ${m}`);
  const round = table.startRound();
  gc?.();
  const t2 = cpuMs();
  table.reconcile(round, new Map());
  const leaveNs = ((cpuMs() - t2) * 1e6) / total;
  if (table.entries !== 0) throw new Error(`expected an empty table after the round, got ${table.entries}`);
  return { tableNs, lookupNs, leaveNs };
}

async function main(): Promise<void> {
  if (!gc) console.warn('run with --expose-gc for exact heap figures (npm run bench does)');
  const tables: [string, TableModule][] = [];
  const before = process.env.FLOW_TABLE_BEFORE;
  if (before) tables.push(['before', (await import(pathToFileURL(resolve(before)).href)) as TableModule]);
  tables.push([before ? 'after' : 'this build', ours as unknown as TableModule]);
  const rows: Row[] = [];
  for (const [shape, make] of Object.entries(shapes))
    for (const [name, mod] of tables) rows.push({ table: name, shape, rules: N, ...memoryAndAdds(mod, make), ...atScale(mod, make) });
  console.log(
    `tenant flow table, up to ${N.toLocaleString('en')} rules (target ≤ 256 bytes per tracked rule at every size); per operation at ${LIVE.toLocaleString('en')} live rules`,
  );
  console.table(
    rows.map((r) => ({
      ...(before ? { table: r.table } : {}),
      'rule shape': r.shape,
      ...Object.fromEntries(SIZES.map((n) => [`B/rule ${n / 1000}k`, Math.round(r.bytesAt[n]!)])),
      [`most B/rule ≥ ${WORST_FROM / 1000}k (at)`]: `${Math.round(r.worst.bytes)} (${r.worst.rules.toLocaleString('en')})`,
      'add µs': r.addUs.toFixed(2),
      're-add µs': r.reAddUs.toFixed(2),
      'table add ns': Math.round(r.tableNs),
      'lookup ns': Math.round(r.lookupNs),
      'leave ns': Math.round(r.leaveNs),
      '≤ 256 B': r.worst.bytes <= 256 ? 'yes' : 'no',
    })),
  );
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/flow-table.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
}

await main();
