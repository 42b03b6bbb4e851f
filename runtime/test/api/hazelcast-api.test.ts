// The same deploy API on the Hazelcast global tier: two runtime nodes on one real cluster share
// revisions and tokens, a node restart loses nothing, and concurrent deploys on two nodes conflict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HazelcastCluster } from '../store/hazelcast-cluster.js';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { files } from './fixtures.js';
import { repoRoot } from '../support/paths.js';
import { waitFor } from '../../src/lab/proc.js';

let cluster: HazelcastCluster;
const nodes: RuntimeProcess[] = [];
const ADMIN = 'hz-admin-token-0123456789';
const labText = readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8');
const hzArgs = () => ['--store', 'hazelcast', '--hazelcast', cluster.addresses.join(','), '--cluster-name', cluster.clusterName];

before(async () => {
  cluster = await HazelcastCluster.start(2);
  nodes.push(await startRuntime({ adminToken: ADMIN, args: [...hzArgs(), '--node-id', 'a'] }));
  nodes.push(await startRuntime({ adminToken: ADMIN, args: [...hzArgs(), '--node-id', 'b'] }));
});
after(async () => {
  for (const n of nodes) await n.stop();
  await cluster?.stop();
});

test('a deploy on node a is visible on node b; tokens issued on b work on a', async () => {
  const [a, b] = nodes;
  const d = await http(a, 'POST', '/v1/deploy', { token: ADMIN, body: files(['lab.slice', labText]) });
  assert.equal(d.status, 200, JSON.stringify(d.body));
  await waitFor(
    'revision on b',
    async () => (await http(b, 'GET', '/v1/revisions', { token: ADMIN })).body.active === d.body.revision,
    10_000,
  );
  const slices = await http(b, 'GET', '/v1/slices', { token: ADMIN });
  assert.deepEqual(
    slices.body.slices.map((s: { name: string }) => s.name),
    ['production', 'research'],
  );
  const t = await http(b, 'POST', '/v1/tokens', { token: ADMIN, body: { owner: 'alice@example.org' } });
  assert.equal(t.status, 201);
  await waitFor('token on a', async () => (await http(a, 'GET', '/v1/slices', { token: t.body.token })).status === 200, 10_000);
  const mine = await http(a, 'GET', '/v1/slices', { token: t.body.token });
  assert.deepEqual(
    mine.body.slices.map((s: { name: string }) => s.name),
    ['research'],
  );
  const status = await http(a, 'GET', '/v1/status', { token: ADMIN });
  assert.deepEqual(status.body.nodes.map((n: { id: string }) => n.id).sort(), ['a', 'b']);
});

test('concurrent deploys on two nodes: one wins, the other gets 409, nothing half-applied', async () => {
  const [a, b] = nodes;
  const start = (await http(a, 'GET', '/v1/revisions', { token: ADMIN })).body.active;
  let conflicts = 0;
  for (let i = 0; i < 5 && conflicts === 0; i++) {
    const r = await Promise.all([
      http(a, 'POST', '/v1/deploy', { token: ADMIN, body: files(['lab.slice', labText.replace('cap 500Mbps', `cap ${300 + i}Mbps`)]) }),
      http(b, 'POST', '/v1/deploy', { token: ADMIN, body: files(['lab.slice', labText.replace('cap 500Mbps', `cap ${200 + i}Mbps`)]) }),
    ]);
    for (const x of r) assert.ok(x.status === 200 || x.status === 409, JSON.stringify(x.body));
    conflicts += r.filter((x) => x.status === 409).length;
    assert.ok(
      r.some((x) => x.status === 200),
      'one of them always wins',
    );
  }
  assert.ok(conflicts > 0, 'two nodes deploying from the same revision at once conflict');
  const end = (await http(a, 'GET', '/v1/revisions', { token: ADMIN })).body;
  const history = end.revisions.map((r: { revision: number }) => r.revision);
  assert.deepEqual(
    history,
    [...history].sort((x: number, y: number) => x - y),
    'a linear history',
  );
  assert.ok(end.active > start);
  const cap = (await http(b, 'GET', '/v1/slices/research', { token: ADMIN })).body.qos.capBps;
  assert.ok(cap >= 200e6 && cap < 310e6, String(cap));
});

test('kill -9 a node and start it again: revisions and tokens are still there', async () => {
  const before = (await http(nodes[0], 'GET', '/v1/revisions', { token: ADMIN })).body;
  await nodes[0].kill9();
  nodes[0] = await startRuntime({ adminToken: ADMIN, args: [...hzArgs(), '--node-id', 'a'] });
  const after = (await http(nodes[0], 'GET', '/v1/revisions', { token: ADMIN })).body;
  assert.deepEqual(after, before);
});
