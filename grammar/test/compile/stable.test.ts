// Stable allocation across deploys: compile(files, { previous }) keeps every remaining
// slice's overlay tag, meter id and queue ids, so adding or removing one tenant's slice
// never renumbers another's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocateIds, compile, loadWorkspace, parse, serializePlan, type Plan, type SourceFile } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

async function campus(): Promise<SourceFile[]> {
  const ws = await loadWorkspace([`${root}samples/campus`]);
  assert.deepEqual(ws.errors, []);
  return ws.files.map((f) => parse(f.text, relative(root, f.path)));
}

/** Compiled as the admin deploys (not bound by samples/campus's grants: the added slices have no owner). */
function compileOk(files: SourceFile[], previous?: Plan): Plan {
  const r = compile(files, { grants: { kind: 'admin' }, ...(previous ? { previous } : {}) });
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`),
    [],
  );
  return r.plan!;
}

/** Everything the plan says about one slice except link admission: its PlanSlice, meters and queues. */
function sliceParts(plan: Plan, name: string): string {
  return JSON.stringify({
    slice: plan.slices.find((s) => s.name === name),
    meters: plan.qos.meters.filter((m) => m.slice === name),
    queues: plan.qos.queues.filter((q) => q.slice === name),
  });
}

// Sorts first by name and asks for everything that is allocated: an auto tag, a meter, a
// guarantee queue and a class queue.
const AAA = `slice aaa {
  controller "tcp:127.0.0.1:6700"
  overlay auto
  flowspace { lab5: match ip_src 10.99.0.0/16 on labs:5 }
  qos {
    guarantee 1Gbps on labs:1 <-> core1:4
    cap 300Mbps
    class video { match udp_dst 5004 min 10Mbps }
  }
}
`;

test('adding a slice with previous = the old plan leaves every other slice byte-identical', async () => {
  const files = await campus();
  const before = compileOk(files);
  const withAaa = [...files, parse(AAA, 'samples/campus/tenants/aaa.slice')];
  const after = compileOk(withAaa, before);
  for (const s of before.slices) assert.equal(sliceParts(after, s.name), sliceParts(before, s.name), `slice ${s.name} was renumbered`);
  // The new slice gets ids nobody else holds.
  const aaa = after.slices.find((s) => s.name === 'aaa')!;
  assert.equal(aaa.overlay.auto, true);
  assert.ok(!before.slices.some((s) => s.overlay.type === aaa.overlay.type && s.overlay.tag === aaa.overlay.tag));
  const oldMeters = new Set(before.qos.meters.map((m) => m.meterId));
  const oldQueues = new Set(before.qos.queues.map((q) => q.queueId));
  for (const m of after.qos.meters.filter((x) => x.slice === 'aaa')) assert.ok(!oldMeters.has(m.meterId));
  for (const q of after.qos.queues.filter((x) => x.slice === 'aaa')) assert.ok(!oldQueues.has(q.queueId));
  // Without the previous plan, 'aaa' (first by name) takes the lowest ids and the others move:
  // the reason the option exists.
  const fresh = compileOk(withAaa);
  assert.ok(before.slices.some((s) => sliceParts(fresh, s.name) !== sliceParts(before, s.name)));
  // Deterministic: same files and same previous plan, same bytes (also with the file order shuffled).
  assert.equal(serializePlan(compileOk(withAaa, before)), serializePlan(after));
  assert.equal(serializePlan(compileOk([...withAaa].reverse(), before)), serializePlan(after));
});

test('removing a slice keeps the others; a later add does not take back their ids', async () => {
  const files = await campus();
  const before = compileOk(files);
  // guests (auto tag, meter) and research (auto tag, guarantee and class queues) both allocate.
  for (const gone of ['guests', 'research', 'staff']) {
    const without = files.filter((f) => !f.path.endsWith(`/${gone}.slice`));
    const after = compileOk(without, before);
    for (const s of after.slices)
      assert.equal(sliceParts(after, s.name), sliceParts(before, s.name), `removing ${gone} renumbered ${s.name}`);
    // The removed slice comes back: it gets its ids again (they are still free).
    assert.equal(serializePlan(compileOk(files, after)), serializePlan(compileOk(files, before)));
  }
});

test('a kept id that now collides goes to its new explicit owner; the old holder gets a fresh one', async () => {
  const files = await campus();
  const before = compileOk(files);
  const guests = before.slices.find((s) => s.name === 'guests')!;
  const research = before.slices.find((s) => s.name === 'research')!;
  assert.equal(guests.overlay.auto, true);
  // A new slice takes guests' auto tag explicitly.
  const thief = `slice thief { controller "tcp:127.0.0.1:6701" overlay ${guests.overlay.type} ${guests.overlay.tag} flowspace { r: match ip_src 10.98.0.0/16 on labs:6 } }\n`;
  const after = compileOk([...files, parse(thief, 'samples/campus/tenants/thief.slice')], before);
  const g = after.slices.find((s) => s.name === 'guests')!;
  assert.notDeepEqual(g.overlay, guests.overlay);
  assert.equal(g.overlay.auto, true);
  const tags = after.slices.map((s) => `${s.overlay.type} ${s.overlay.tag}`);
  assert.equal(new Set(tags).size, tags.length, 'tags stay unique');
  // Everyone else is untouched.
  assert.equal(sliceParts(after, 'research'), sliceParts(before, 'research'));
  assert.deepEqual(after.slices.find((s) => s.name === 'research')!.overlay, research.overlay);
});

test('a previous plan that is malformed or from elsewhere is ignored where it does not fit', async () => {
  const files = await campus();
  const plain = serializePlan(compileOk(files));
  const junk = {
    slices: [
      { name: 'guests', overlay: { type: 'vlan', tag: 99999 } },
      { name: 'research', overlay: 'x', qos: { classes: [{ name: 'experiment', queueId: -3 }] } },
      7,
    ],
    qos: { meters: [{ slice: 'guests', meterId: 1.5 }], queues: 'nope' },
  } as unknown as Plan;
  assert.equal(serializePlan(compileOk(files, junk)), plain);
  assert.equal(serializePlan(compileOk(files, {} as Plan)), plain);
  // Two slices claiming one id: the first by name keeps it.
  const a = compileOk(files);
  const clash = JSON.parse(JSON.stringify(a)) as Plan;
  for (const s of clash.slices) if (s.name === 'research' || s.name === 'guests') s.overlay = { type: 'vlan', tag: 42, auto: true };
  const c = compileOk(files, clash);
  assert.equal(c.slices.find((s) => s.name === 'guests')!.overlay.tag, 42);
  assert.notEqual(c.slices.find((s) => s.name === 'research')!.overlay.tag, 42);
});

test('allocateIds: previous ids kept when free, the rest lowest-free in order', () => {
  const pool = { first: 1, last: 100 };
  assert.deepEqual(
    [
      ...allocateIds(
        [
          { key: 'a', previous: undefined },
          { key: 'b', previous: undefined },
        ],
        pool,
      ),
    ],
    [
      ['a', 1],
      ['b', 2],
    ],
  );
  assert.deepEqual(
    [
      ...allocateIds(
        [
          { key: 'new', previous: undefined },
          { key: 'b', previous: 1 },
          { key: 'c', previous: 3 },
        ],
        pool,
      ),
    ],
    [
      ['b', 1],
      ['c', 3],
      ['new', 2],
    ],
  );
  // Collision and out-of-pool: the first keeps it, the others are fresh.
  assert.deepEqual(
    [
      ...allocateIds(
        [
          { key: 'x', previous: 2 },
          { key: 'y', previous: 2 },
          { key: 'z', previous: 0 },
        ],
        pool,
      ),
    ],
    [
      ['x', 2],
      ['y', 1],
      ['z', 3],
    ],
  );
});
