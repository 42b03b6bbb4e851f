// The slice's flow table through a session with fake connections: what modifies and deletes
// select (strict, cookie mask, out_port, out_group), the physical commands they become (by the
// rule's own cookie on 1.3, strict per physical rule on 1.0), 1.0 modify-as-add counted against
// flow_entries, hard timeouts expiring on the table's clock, reconciliation with the switch's
// flow statistics, and the table's own invariants (keys, shared instructions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP10, OFP13 } from '../../../src/proxy/messages.js';
import { OFPFC as FC, OFPP13 as OFPP } from '../../../src/openflow/constants.js';
import { SliceFlowTable, internInstructions, REMOVED_GRACE_MS } from '../../../src/proxy/flow-table.js';
import { matchKey } from '../../../src/proxy/hot-messages.js';
import { connectSession, flowMod } from './fake.js';
import { plan } from './plan.js';

const out = (port: number) => [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port, maxLen: 0 }] }];
const dst = (n: number) => ({ eth_type: { value: 0x800n }, ipv4_dst: { value: 0x0a000000n + BigInt(n) } });

function ready(version: typeof OFP13 | typeof OFP10 = OFP13, clock?: { t: number }) {
  const rig = connectSession(plan, { version, tenantVersion: version, ...(clock ? { now: () => clock.t } : {}) });
  rig.channel.answerBarriers();
  const x = rig.host.tenants.get('x')!;
  const y = rig.host.tenants.get('y')!;
  x.ready(version);
  y.ready(version);
  const table = () => rig.session.bindings.get('x')!.table;
  const mark = () => rig.channel.sent.length;
  const flowModsSince = (at: number) => rig.channel.sent.slice(at).filter((m) => m.type === 'flow_mod');
  return { ...rig, x, y, table, mark, flowModsSince };
}

test('1.3: deletes select by cookie mask, out_port and out_group; a delete that selects nothing sends nothing and keeps the count', () => {
  const { x, table, mark, flowModsSince, host } = ready();
  x.sendToProxy(flowMod({ xid: 1, cookie: 0x11n, match: dst(1), instructions: out(1) }));
  x.sendToProxy(flowMod({ xid: 2, cookie: 0x12n, match: dst(2), instructions: out(OFPP.CONTROLLER) }));
  x.sendToProxy(flowMod({ xid: 3, cookie: 0x21n, match: dst(3), instructions: [] }));
  const c = host.sliceCounters.get('x')!;
  const n = table().entries;
  assert.equal(c.flowEntries, n);
  let at = mark();
  x.sendToProxy(flowMod({ xid: 4, command: FC.DELETE, cookie: 0x99n, cookieMask: 0xffn }));
  x.sendToProxy(flowMod({ xid: 5, command: FC.DELETE, outPort: 2 }));
  x.sendToProxy(flowMod({ xid: 6, command: FC.DELETE, outGroup: 7 }));
  assert.equal(flowModsSince(at).length, 0, 'nothing selected, nothing sent');
  assert.equal(table().entries, n);
  at = mark();
  x.sendToProxy(flowMod({ xid: 7, command: FC.DELETE, cookie: 0x10n, cookieMask: 0xf0n }));
  const dels = flowModsSince(at);
  assert.equal(dels.length, 2, 'one delete by cookie per selected rule');
  for (const d of dels) assert.ok(d.type === 'flow_mod' && d.cookieMask === 0xffffffffffffffffn && Object.keys(d.match).length === 0);
  assert.deepEqual(
    table()
      .rules()
      .map((r) => r.tenantCookie),
    [0x21n],
  );
  assert.equal(c.flowEntries, table().entries);
});

test('non-strict selection takes every rule at least as specific, any priority; strict takes match and priority', () => {
  const { x, table } = ready();
  x.sendToProxy(flowMod({ xid: 1, priority: 5, match: dst(1) }));
  x.sendToProxy(flowMod({ xid: 2, priority: 6, match: { ...dst(1), ip_proto: { value: 6n } } }));
  x.sendToProxy(flowMod({ xid: 3, priority: 5, match: { eth_type: { value: 0x800n } } }));
  x.sendToProxy(flowMod({ xid: 4, command: FC.DELETE_STRICT, priority: 6, match: dst(1) }));
  assert.equal(table().rules().length, 3, 'strict: no rule with that match at that priority');
  x.sendToProxy(flowMod({ xid: 5, command: FC.DELETE, priority: 99, match: dst(1) }));
  assert.deepEqual(
    table()
      .rules()
      .map((r) => r.key),
    [matchKey({ eth_type: { value: 0x800n } })],
  );
});

test('1.3 modify of a missing flow does nothing; a modify changes the selected rules in place under their own cookies', () => {
  const { x, table, mark, flowModsSince } = ready();
  let at = mark();
  x.sendToProxy(flowMod({ xid: 1, command: FC.MODIFY, match: dst(1), instructions: out(1) }));
  assert.equal(flowModsSince(at).length, 0);
  assert.equal(table().entries, 0);
  x.sendToProxy(flowMod({ xid: 2, match: dst(1), instructions: [] }));
  const rule = table().rules()[0]!;
  at = mark();
  x.sendToProxy(flowMod({ xid: 3, command: FC.MODIFY, match: {}, instructions: out(1) }));
  const mods = flowModsSince(at);
  assert.ok(mods.length > 0);
  for (const m of mods) assert.ok(m.type === 'flow_mod' && m.command === FC.MODIFY_STRICT && m.cookie === rule.cookie);
  assert.deepEqual(table().rules()[0]!.instructions, out(1));
  assert.equal(table().rules().length, 1);
});

test('1.0: a modify that selects nothing is an ADD, counted and held to flow_entries', () => {
  const { y, host, session } = ready(OFP10);
  // Slice y: edge port 2 and the tagged link port, 2 physical rules per rule, flow_entries 3.
  for (let i = 0; i < 3; i++)
    y.sendToProxy(
      flowMod({ xid: 10 + i, command: FC.MODIFY_STRICT, match: { ...dst(i), ipv4_src: { value: 0x0a020001n } }, instructions: [] }),
    );
  const c = host.sliceCounters.get('y')!;
  assert.equal(session.bindings.get('y')!.table.entries, 2);
  assert.equal(c.flowEntries, 2);
  assert.equal(y.of('error').length, 2, 'the two past the limit refused');
});

test('hard timeouts expire on the table clock, exactly at their deadline, and free the limit', () => {
  const clock = { t: 1_000_000 };
  const { y, host, session } = ready(OFP13, clock);
  const t = () => session.bindings.get('y')!.table;
  const src = { ipv4_src: { value: 0x0a020001n } };
  y.sendToProxy(flowMod({ xid: 1, hardTimeout: 5, match: { ...dst(1), ...src }, instructions: [] }));
  assert.equal(t().entries, 2);
  y.sendToProxy(flowMod({ xid: 2, match: { ...dst(2), ...src }, instructions: [] }));
  assert.equal(y.of('error').length, 1, 'over the limit');
  clock.t += 4999;
  y.sendToProxy(flowMod({ xid: 3, match: { ...dst(2), ...src }, instructions: [] }));
  assert.equal(y.of('error').length, 2, 'not before its deadline');
  clock.t += 1;
  y.sendToProxy(flowMod({ xid: 4, match: { ...dst(2), ...src }, instructions: [] }));
  assert.equal(y.of('error').length, 2, 'the expired rule made room at its deadline');
  assert.equal(t().entries, 2);
  assert.equal(host.sliceCounters.get('y')!.flowEntries, 2);
  assert.equal(t().size, 2, 'the expired rule waits for its flow-removed');
  clock.t += REMOVED_GRACE_MS;
  t().sweep();
  assert.equal(t().size, 1, 'then it is forgotten');
});

test("reconcile: rules missing from the switch's flow statistics leave; rules added after the round started stay", () => {
  const tbl = new SliceFlowTable(() => 0);
  const add = (cookie: bigint, n: number) =>
    tbl.add(
      { cookie, tenantCookie: 0n, match: dst(Number(cookie)), priority: 1, flags: 0, idleTimeout: 10, hardTimeout: 0, instructions: [] },
      n,
    );
  add(1n, 2);
  add(2n, 1);
  const round = tbl.startRound();
  add(3n, 1);
  tbl.reconcile(
    round,
    new Map([
      [1n, 1],
      [9n, 1],
    ]),
  );
  assert.equal(tbl.entries, 2, 'rule 1 keeps one physical rule, rule 2 left, rule 3 is newer than the round');
  assert.equal(tbl.size, 2, 'rule 2 is forgotten at once: its flow-removed would have come before the report');
  assert.deepEqual(
    tbl.rules().map((r) => r.cookie),
    [1n, 3n],
  );
});

test('rules keep their match as a key and share equal instructions', () => {
  const tbl = new SliceFlowTable();
  const m = { ...dst(1), ip_proto: { value: 17n }, udp_dst: { value: 53n } };
  const r1 = tbl.add(
    { cookie: 1n, tenantCookie: 0n, match: m, priority: 1, flags: 0, idleTimeout: 0, hardTimeout: 0, instructions: out(3) },
    1,
  );
  const r2 = tbl.add(
    { cookie: 2n, tenantCookie: 0n, match: dst(2), priority: 1, flags: 0, idleTimeout: 0, hardTimeout: 0, instructions: out(3) },
    1,
  );
  assert.deepEqual(r1.match, m);
  assert.equal(r1.instructions, r2.instructions);
  assert.equal(internInstructions(out(3)), r1.instructions);
});

test('idle timeouts: a listed rule whose packet count stands still for its idle timeout (table clock) is expired', () => {
  const clock = { t: 50_000 };
  const tbl = new SliceFlowTable(() => clock.t);
  const add = (cookie: bigint, idleTimeout: number) =>
    tbl.add(
      { cookie, tenantCookie: 0n, match: dst(Number(cookie)), priority: 1, flags: 0, idleTimeout, hardTimeout: 0, instructions: [] },
      1,
    );
  add(1n, 10); // idle, no traffic
  add(2n, 10); // idle, traffic
  add(3n, 0); // no idle timeout
  // One statistics round listing these cookies with these packet counts.
  const round = (counts: Record<number, number>) => {
    const listed = Object.entries(counts).map(([c, p]) => [BigInt(c), BigInt(p)] as const);
    tbl.reconcile(tbl.startRound(), new Map(listed.map(([c]) => [c, 1])), new Map(listed));
  };
  round({ 1: 4, 2: 4, 3: 0 });
  assert.equal(tbl.entries, 3, 'first seen: the idle time starts');
  clock.t += 9_999;
  round({ 1: 4, 2: 9, 3: 0 });
  assert.equal(tbl.entries, 3, 'not before the idle timeout');
  clock.t += 1;
  round({ 1: 4, 2: 9, 3: 0 });
  assert.deepEqual(
    tbl.rules().map((r) => r.cookie),
    [2n, 3n],
    'rule 1 stood still for 10 s; rule 2 had traffic 1 ms ago; rule 3 has no idle timeout',
  );
  assert.equal(tbl.size, 3, 'the expired rule waits for its flow-removed');
  assert.equal(tbl.byProxyCookie(1n)?.deleted, true);
  clock.t += 10_000;
  round({ 2: 9, 3: 0 });
  assert.deepEqual(
    tbl.rules().map((r) => r.cookie),
    [3n],
    'rule 2 stood still since its last traffic',
  );
});

test('a re-add restarts the idle time (the switch starts the replaced rule afresh)', () => {
  const clock = { t: 0 };
  const tbl = new SliceFlowTable(() => clock.t);
  const add = () =>
    tbl.add({ cookie: 1n, tenantCookie: 0n, match: dst(1), priority: 1, flags: 0, idleTimeout: 5, hardTimeout: 0, instructions: [] }, 1);
  add();
  const listed = () => tbl.reconcile(tbl.startRound(), new Map([[1n, 1]]), new Map([[1n, 3n]]));
  listed();
  clock.t += 4_000;
  add(); // the switch replaces the rule: counters from zero
  listed();
  clock.t += 4_000;
  listed();
  assert.equal(tbl.entries, 1, '4 s since it was first seen again');
  clock.t += 1_000;
  listed();
  assert.equal(tbl.entries, 0);
});

test('when most rules leave at a statistics round, the rest are still found by cookie and by match (indexes settled twice)', () => {
  const tbl = new SliceFlowTable(() => 0);
  const n = 5000;
  for (let i = 0; i < n; i++)
    tbl.add(
      {
        cookie: BigInt(i + 1),
        tenantCookie: BigInt(i),
        match: dst(i),
        priority: 1 + (i % 3),
        flags: 0,
        idleTimeout: 0,
        hardTimeout: 0,
        instructions: out(1 + (i % 4)),
      },
      1,
    );
  const kept = new Map<bigint, number>();
  for (let i = 0; i < n; i += 97) kept.set(BigInt(i + 1), 1);
  // The second round finds the indexes under an eighth full since the first: they shrink then.
  tbl.reconcile(tbl.startRound(), kept);
  tbl.reconcile(tbl.startRound(), kept);
  assert.equal(tbl.size, kept.size);
  assert.equal(tbl.entries, kept.size);
  for (let i = 0; i < n; i++) {
    const cookie = BigInt(i + 1);
    const r = tbl.byProxyCookie(cookie);
    const byMatch = tbl.existing(dst(i), 1 + (i % 3));
    if (!kept.has(cookie)) {
      assert.equal(r, undefined);
      assert.equal(byMatch, undefined);
      continue;
    }
    assert.equal(r?.tenantCookie, BigInt(i));
    assert.deepEqual(r?.match, dst(i));
    assert.equal(byMatch?.cookie, cookie);
    assert.deepEqual(r?.instructions, out(1 + (i % 4)));
  }
  assert.ok(tbl.removed(1n), 'a flow-removed still finds its rule');
  assert.equal(tbl.size, kept.size - 1);
});

test('tracked rules stay within the bound: deleted rules waiting for their flow-removed go first', () => {
  const tbl = new SliceFlowTable(
    () => 1_000,
    () => 4,
  );
  const add = (c: number) =>
    tbl.add(
      { cookie: BigInt(c), tenantCookie: 0n, match: dst(c), priority: 1, flags: 0, idleTimeout: 0, hardTimeout: 0, instructions: [] },
      1,
    );
  for (const c of [1, 2, 3]) add(c);
  tbl.delete([tbl.byProxyCookie(1n)!, tbl.byProxyCookie(2n)!]);
  assert.equal(tbl.size, 3);
  add(4);
  assert.equal(tbl.size, 4);
  add(5);
  assert.equal(tbl.size, 4, 'one deleted rule was forgotten');
  assert.equal(tbl.byProxyCookie(1n), undefined, 'the earliest deleted');
  assert.equal(tbl.byProxyCookie(2n)?.deleted, true);
  assert.deepEqual(
    tbl.rules().map((r) => r.cookie),
    [3n, 4n, 5n],
  );
  assert.equal(tbl.removed(2n)?.cookie, 2n, 'the remaining deleted rule still gets its flow-removed');
});

test("a session's tables hold at most the slice's flow_entries rules, deleted ones waiting for their flow-removed included", () => {
  const { y, session } = ready(OFP13);
  // Slice y: 2 physical rules per rule, flow_entries 3: one live rule at a time.
  const t = () => session.bindings.get('y')!.table;
  const src = { ipv4_src: { value: 0x0a020001n } };
  const cookies: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    y.sendToProxy(flowMod({ xid: 10 + 2 * i, match: { ...dst(i), ...src }, instructions: [] }));
    cookies.push(t().rules()[0]!.cookie);
    y.sendToProxy(flowMod({ xid: 11 + 2 * i, command: FC.DELETE_STRICT, match: { ...dst(i), ...src }, instructions: [] }));
    assert.ok(t().size <= 3, `${t().size} tracked after rule ${i}`);
  }
  assert.equal(y.of('error').length, 0);
  assert.equal(t().size, 3);
  assert.equal(t().byProxyCookie(cookies[0]!), undefined, 'the earliest deleted rule was forgotten');
  assert.equal(t().byProxyCookie(cookies[3]!)?.deleted, true, 'the latest still waits for its flow-removed');
});
