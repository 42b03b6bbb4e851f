// DeployService over the real embedded store: rollback when the switches refuse a revision, and the
// deploy workspace rules (scope by file, --slice, prune), and the 503 of a node on a partition's minority side. The applier here is a stand-in for the proxy
// whose answers the test controls, so that a refusal can be forced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from '@dfvisor/grammar';
import { EmbeddedStore, LocalTier } from '../../src/store/index.js';
import { noQuorum } from '../../src/store/errors.js';
import { DeployService, type ApplyResult } from '../../src/deploy/service.js';
import { StoreRevisionRepository } from '../../src/deploy/store-repository.js';
import { NETWORK, sliceText } from '../api/fixtures.js';

async function setup() {
  const opened = await EmbeddedStore.open({});
  assert.ok(opened.ok);
  const store = opened.value;
  const tier = await LocalTier.open(store, ['revisions']);
  assert.ok(tier.ok);
  const applied: Array<Plan | undefined> = [];
  let refuse = false;
  const applier = {
    async apply(plan: Plan | undefined): Promise<ApplyResult> {
      applied.push(plan);
      return refuse && plan?.slices.some((s) => s.name === 'bad')
        ? { ok: false, errors: ['0000000000000001: meter-mod refused (OFPMMFC_OUT_OF_METERS)'] }
        : { ok: true, errors: [] };
    },
  };
  const audit: string[] = [];
  const svc = new DeployService({
    repository: new StoreRevisionRepository(store, tier.value),
    applier,
    audit: (e) => audit.push(`${e.action}:${e.outcome}`),
  });
  return { svc, applied, audit, setRefuse: (v: boolean) => (refuse = v), repo: new StoreRevisionRepository(store, tier.value) };
}

const admin = { kind: 'admin' as const, owner: 'admin', tokenId: 'a' };
const f = (path: string, text: string) => ({ path, text });

test('a revision the switches refuse is rolled back to the previous one', async () => {
  const { svc, applied, audit, setRefuse, repo } = await setup();
  const ok = await svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('good', 'x', { port: 1, tag: 10 }))] });
  assert.ok(ok.ok);
  setRefuse(true);
  const bad = await svc.deploy(admin, { files: [f('b.slice', sliceText('bad', 'x', { port: 2, tag: 20 }))] });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.problem.code, 'APPLY_FAILED');
  // The active revision carries the old content again, and the switches got the old plan back.
  const active = repo.active()!;
  assert.deepEqual(
    active.plan.slices.map((s) => s.name),
    ['good'],
  );
  assert.equal(active.action, 'rollback');
  assert.deepEqual(
    applied.at(-1)?.slices.map((s) => s.name),
    ['good'],
  );
  assert.ok(audit.includes('deploy:failed'));
});

test('scope: a file replaces its own slices, --slice narrows, prune removes the rest of yours', async () => {
  const { svc, repo } = await setup();
  const two = `${sliceText('one', 'x', { port: 1, tag: 10 })}\n${sliceText('two', 'x', { port: 2, tag: 20, prefix: '10.2.0.0/16' })}`;
  assert.ok((await svc.deploy(admin, { files: [f('n.slice', NETWORK), f('t.slice', two)] })).ok);
  assert.ok((await svc.deploy(admin, { files: [f('o.slice', sliceText('other', 'y', { port: 3, tag: 30, prefix: '10.3.0.0/16' }))] })).ok);
  // Same file without 'two': 'two' goes, 'other' (another file) stays.
  const r1 = await svc.deploy(admin, { files: [f('t.slice', sliceText('one', 'x', { port: 1, tag: 10 }))] });
  assert.ok(r1.ok);
  if (r1.ok) assert.deepEqual(r1.diff.removed, ['two']);
  assert.deepEqual(
    repo.active()!.plan.slices.map((s) => s.name),
    ['one', 'other'],
  );
  // --slice: only 'three' of a file that also changes 'one'.
  const r2 = await svc.deploy(admin, {
    only: ['three'],
    files: [
      f(
        't.slice',
        `${sliceText('one', 'x', { port: 1, tag: 11 })}\n${sliceText('three', 'x', { port: 4, tag: 40, prefix: '10.4.0.0/16' })}`,
      ),
    ],
  });
  assert.ok(r2.ok, JSON.stringify(r2));
  if (r2.ok) {
    assert.deepEqual(r2.diff.added, ['three']);
    assert.deepEqual(r2.diff.changed, []);
  }
  // prune: everything not in the submission goes.
  const r3 = await svc.deploy(admin, { prune: true, files: [f('t.slice', sliceText('one', 'x', { port: 1, tag: 10 }))] });
  assert.ok(r3.ok);
  if (r3.ok) assert.deepEqual(r3.diff.removed, ['other', 'three']);
});

test('a node without a majority of the global tier refuses a deploy with 503 STORE_NO_QUORUM and writes nothing', async () => {
  const opened = await EmbeddedStore.open({});
  assert.ok(opened.ok);
  const tier = await LocalTier.open(opened.value, ['revisions']);
  assert.ok(tier.ok);
  // The embedded tier as a partition's minority side would report itself (Hazelcast's quorum()).
  let majority = true;
  const store = Object.assign(Object.create(opened.value) as typeof opened.value, {
    quorum: () => (majority ? { ok: true as const, value: undefined } : noQuorum<void>('this side has 1 member(s); a majority is 2')),
  });
  const applied: Array<Plan | undefined> = [];
  const repo = new StoreRevisionRepository(store, tier.value);
  const svc = new DeployService({
    repository: repo,
    applier: { apply: async (plan: Plan | undefined): Promise<ApplyResult> => (applied.push(plan), { ok: true, errors: [] }) },
    audit: () => undefined,
  });
  const first = await svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('good', 'x', { port: 1, tag: 10 }))] });
  assert.ok(first.ok);
  majority = false;
  const refused = await svc.deploy(admin, { files: [f('b.slice', sliceText('other', 'x', { port: 2, tag: 20 }))] });
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.equal(refused.problem.status, 503);
    assert.equal(refused.problem.code, 'STORE_NO_QUORUM');
    assert.match(refused.problem.detail, /majority is 2/);
  }
  assert.equal(repo.active()?.revision, 1);
  assert.equal(applied.length, 1);
  majority = true;
  const again = await svc.deploy(admin, { files: [f('b.slice', sliceText('other', 'x', { port: 2, tag: 20 }))] });
  assert.ok(again.ok);
  assert.equal(repo.active()?.revision, 2);
});
