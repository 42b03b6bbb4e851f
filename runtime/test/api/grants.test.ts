// Grants over the HTTP API of a real `dfvisor run`: tenants deploy only inside their grant (each kind
// of overreach refused with the diagnostic in the RFC 9457 body), only the admin deploys grants and
// is bound by none, a grant change that deployed slices no longer fit is refused or forced (audited),
// and GET /v1/grants/mine tells a tenant what it may use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { files } from './fixtures.js';
import { dfvisor } from '../support/run-cli.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let rt: RuntimeProcess;
let admin: string;
let alice: string;
let bob: string;
let carol: string;

const NETWORK = `network lab {
  switch s1 dpid 1 { port 1 "alice-host" port 2 "bob-host" port 3 "spare" port 4 speed 1Gbps }
  switch s2 dpid 2 { port 1..4 speed 1Gbps }
  link s1:4 <-> s2:4 capacity 1Gbps
}
`;
const grantsText = (aliceBandwidth = '300Mbps') => `grant "alice@example.org" {
  ports s1:1, s2:1
  match ip_src 10.1.0.0/16
  bandwidth ${aliceBandwidth}
  slices 2
  limits { flow_entries 100 control_rate 50/s }
  controllers 127.0.0.0/8
}
grant "bob@example.org" {
  ports s1:2, s2:2
  match ip_src 10.2.0.0/16
}
`;

const slice = (
  name: string,
  owner: string,
  o: { prefix?: string; ports?: string; guarantee?: string; ctl?: string; limits?: string; tag?: number } = {},
) => `slice ${name} {
  owner "${owner}"
  controller "${o.ctl ?? 'tcp:127.0.0.1:7001'}"
  overlay vlan ${o.tag ?? 100}
  flowspace { edge: match ip_src ${o.prefix ?? '10.1.0.0/16'} on ${o.ports ?? 's1:1, s2:1'} }
  ${o.guarantee ? `qos { guarantee ${o.guarantee} on s1:4 <-> s2:4 }` : ''}
  ${o.limits ?? ''}
}
`;

const A1 = slice('a1', 'alice@example.org', { prefix: '10.1.0.0/17', guarantee: '100Mbps' });

before(async () => {
  rt = await startRuntime();
  admin = rt.adminToken;
  const token = async (owner: string) => (await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner } })).body.token as string;
  alice = await token('alice@example.org');
  bob = await token('bob@example.org');
  carol = await token('carol@example.org');
  const r = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['network.slice', NETWORK], ['grants.slice', grantsText()]) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});
after(async () => {
  await rt?.stop();
});

const deployAs = (token: string, name: string, text: string, query = '') =>
  http(rt, 'POST', `/v1/deploy${query}`, { token, body: files([`${name}.slice`, text]) });

test('a tenant deploys a slice inside its grant; absent limits take the ceilings', async () => {
  const r = await deployAs(alice, 'a1', A1);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const detail = await http(rt, 'GET', '/v1/slices/a1', { token: alice });
  assert.equal(detail.body.limits.flowEntries, 100);
  assert.equal(detail.body.limits.controlRate, 50);
});

test('each kind of overreach is refused with its diagnostic in the problem body', async () => {
  const cases: Array<[string, string, string]> = [
    ['SL602', 'wide', slice('wide', 'alice@example.org', { prefix: '10.0.0.0/8', tag: 101 })],
    ['SL602', 'spy', slice('spy', 'alice@example.org', { prefix: '10.1.0.0/16', ports: 's1:2', tag: 102 })],
    ['SL604', 'fat', slice('fat', 'alice@example.org', { guarantee: '400Mbps', tag: 103 })],
    ['SL605', 'busy', slice('busy', 'alice@example.org', { limits: 'limits { control_rate 500/s }', tag: 104 })],
    ['SL606', 'far', slice('far', 'alice@example.org', { ctl: 'tcp:192.168.1.1:6633', tag: 105 })],
  ];
  for (const [code, name, text] of cases) {
    const r = await deployAs(alice, name, text);
    assert.equal(r.status, 422, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    assert.equal(r.body.code, 'LANGUAGE_ERRORS');
    const d = r.body.diagnostics.find((x: { code: string; file: string }) => x.code === code && x.file === `${name}.slice`);
    assert.ok(d, `${name}: ${code} in ${JSON.stringify(r.body.diagnostics)}`);
    if (code === 'SL602') assert.match(d.message, /claims packets like .* at s1:/);
  }
  // The third slice is one more than the grant's two (a1 is deployed): SL603.
  assert.equal((await deployAs(alice, 'a2', slice('a2', 'alice@example.org', { prefix: '10.1.128.0/17', tag: 106 }))).status, 200);
  const third = await deployAs(alice, 'a3', slice('a3', 'alice@example.org', { prefix: '10.1.128.0/18', ports: 's1:1', tag: 107 }));
  assert.equal(third.status, 422);
  assert.ok(third.body.diagnostics.some((d: { code: string }) => d.code === 'SL603'));
  assert.equal((await http(rt, 'DELETE', '/v1/slices/a2', { token: alice })).status, 200);
});

test('a tenant whose owner has no grant at all is refused (SL601)', async () => {
  const r = await deployAs(carol, 'c1', slice('c1', 'carol@example.org', { prefix: '10.3.0.0/16', ports: 's1:3', tag: 110 }));
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.deepEqual(
    r.body.diagnostics.map((d: { code: string }) => d.code),
    ['SL601'],
  );
});

test('tenants may not deploy grants; the admin is bound by none', async () => {
  const mine = grantsText().replace('slices 2', 'slices 20');
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['grants.slice', mine], ['a1.slice', A1]),
  });
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.equal(r.body.code, 'FORBIDDEN');
  // The same grants, as deployed, are fine in a tenant's submission (a tenant workspace may hold a copy).
  const same = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['grants.slice', grantsText()], ['a1.slice', A1]),
  });
  assert.equal(same.status, 200, JSON.stringify(same.body));
  // The admin deploys a slice for carol (no grant) on a port nobody was granted.
  const byAdmin = await deployAs(admin, 'ops', slice('ops', 'carol@example.org', { prefix: '10.9.0.0/16', ports: 's1:3', tag: 120 }));
  assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
});

test('a grant change that deployed slices no longer fit is refused, or forced and audited', async () => {
  const smaller = grantsText('50Mbps');
  const refused = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['grants.slice', smaller]) });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'GRANTS_CONFLICT');
  assert.deepEqual(refused.body.slices, ['a1']);
  assert.ok(refused.body.diagnostics.some((d: { code: string }) => d.code === 'SL604'));
  assert.ok((await http(rt, 'GET', '/v1/slices/a1', { token: admin })).status === 200, 'nothing changed');

  const forced = await http(rt, 'POST', '/v1/deploy?force=true', { token: admin, body: files(['grants.slice', smaller]) });
  assert.equal(forced.status, 200, JSON.stringify(forced.body));
  assert.deepEqual(forced.body.diff.removed, ['a1']);
  assert.equal((await http(rt, 'GET', '/v1/slices/a1', { token: admin })).status, 404);
  assert.equal((await http(rt, 'GET', '/v1/slices/ops', { token: admin })).status, 200, 'a slice of an owner without a grant stays');
  const audit = await http(rt, 'GET', '/v1/audit', { token: admin });
  assert.ok(
    audit.body.entries.some((e: { action: string; target: string }) => e.action === 'undeploy-forced' && e.target === 'a1'),
    JSON.stringify(audit.body.entries.slice(-5)),
  );
  // The smaller grant is in force for the tenant now.
  const again = await deployAs(alice, 'a1', A1);
  assert.equal(again.status, 422);
  assert.ok(again.body.diagnostics.some((d: { code: string }) => d.code === 'SL604'));
});

test('GET /v1/grants/mine: the grant in force and the part of the network the tenant may use', async () => {
  const r = await http(rt, 'GET', '/v1/grants/mine', { token: bob });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.owner, 'bob@example.org');
  assert.deepEqual(
    r.body.grant.ports.map((p: { name: string; ports: unknown }) => [p.name, p.ports]),
    [
      ['s1', [[2, 2]]],
      ['s2', [[2, 2]]],
    ],
  );
  assert.deepEqual(r.body.grant.match, [{ eth_type: 0x800, ipv4_src: '10.2.0.0/16' }]);
  assert.deepEqual(
    r.body.network.switches.map((s: { name: string }) => s.name),
    ['s1', 's2'],
  );
  // Other tenants' port names are not shown; bob's own is.
  assert.match(r.body.source, /port 2 "bob-host"/);
  assert.doesNotMatch(r.body.source, /alice-host/);
  assert.match(r.body.source, /grant "bob@example.org"/);
  assert.doesNotMatch(r.body.source, /alice@example.org/);
  const none = await http(rt, 'GET', '/v1/grants/mine', { token: carol });
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 'NO_GRANT');
  assert.equal((await http(rt, 'GET', '/v1/grants/mine', { token: admin })).status, 404);
});

test('dfvisor grant show: the table, --json and --source; exit 6 without a grant', async () => {
  const env = (token: string) => ({ DFVISOR_API: rt.url, DFVISOR_TOKEN: token });
  const t = await dfvisor(['grant', 'show'], { env: env(bob) });
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^owner\s+bob@example\.org$/m);
  assert.match(t.stdout, /^ports\s+s1:2, s2:2 \(and the links between them\)$/m);
  assert.match(t.stdout, /^match\s+eth_type=2048 ipv4_src=10\.2\.0\.0\/16$/m);
  const j = await dfvisor(['grant', 'show', '--json'], { env: env(bob) });
  assert.equal(JSON.parse(j.stdout).owner, 'bob@example.org');
  const src = await dfvisor(['grant', 'show', '--source'], { env: env(bob) });
  assert.match(src.stdout, /^network lab \{/);
  assert.match(src.stdout, /grant "bob@example.org"/);
  const none = await dfvisor(['grant', 'show'], { env: env(carol) });
  assert.equal(none.code, 6, none.stderr);
  assert.match(none.stderr, /no grant in force for "carol@example.org"/);
});

test('delegation: a tenant whose grant says delegate deploys grants under its own, no larger', async () => {
  const withDelegate = grantsText('50Mbps').replace('  match ip_src 10.2.0.0/16\n', '  match ip_src 10.2.0.0/16\n  delegate\n');
  const admin1 = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['grants.slice', withDelegate]) });
  assert.equal(admin1.status, 200, JSON.stringify(admin1.body));
  const dave = (await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner: 'dave@example.org' } })).body.token as string;
  const daveGrant = (prefix: string) => `grant "dave@example.org" under "bob@example.org" {\n  ports s1:2\n  match ip_src ${prefix}\n}\n`;
  const ok = await http(rt, 'POST', '/v1/deploy', { token: bob, body: files(['dave.slice', daveGrant('10.2.1.0/24')]) });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const mine = await http(rt, 'GET', '/v1/grants/mine', { token: dave });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.equal(mine.body.parent, 'bob@example.org');
  assert.match(mine.body.source, /grant "bob@example.org"[\s\S]*grant "dave@example.org" under "bob@example.org"/);
  const inside = slice('d1', 'dave@example.org', { prefix: '10.2.1.0/24', ports: 's1:2', tag: 130 });
  assert.equal((await deployAs(dave, 'd1', inside)).status, 200);
  // Larger than bob's own: SL607, nothing changes.
  const wide = await http(rt, 'POST', '/v1/deploy', { token: bob, body: files(['dave.slice', daveGrant('10.3.0.0/16')]) });
  assert.equal(wide.status, 422, JSON.stringify(wide.body));
  assert.ok(wide.body.diagnostics.some((d: { code: string }) => d.code === 'SL607'));
  // Narrowing dave's grant under his deployed slice: refused with the slice in the way (no force for tenants).
  const narrow = await http(rt, 'POST', '/v1/deploy?force=true', { token: bob, body: files(['dave.slice', daveGrant('10.2.2.0/24')]) });
  assert.equal(narrow.status, 409, JSON.stringify(narrow.body));
  assert.deepEqual(narrow.body.slices, ['d1']);
  // alice may not write grants under bob, nor (without delegate) under herself.
  const foreign = await http(rt, 'POST', '/v1/deploy', { token: alice, body: files(['x.slice', daveGrant('10.2.1.0/25')]) });
  assert.equal(foreign.status, 403, JSON.stringify(foreign.body));
  const own = `grant "erin@example.org" under "alice@example.org" {\n  ports s1:1\n}\n`;
  const noDelegate = await http(rt, 'POST', '/v1/deploy', { token: alice, body: files(['erin.slice', own]) });
  assert.equal(noDelegate.status, 422, JSON.stringify(noDelegate.body));
  assert.ok(
    noDelegate.body.diagnostics.some((d: { code: string; message: string }) => d.code === 'SL607' && /may not delegate/.test(d.message)),
  );
});

test('the admin removes the last grant with removeGrants=true; tenants are then bound by none', async () => {
  const empty = files(['grants.slice', '']);
  const byTenant = await http(rt, 'POST', '/v1/deploy?removeGrants=true', { token: alice, body: empty });
  assert.equal(byTenant.status, 403, JSON.stringify(byTenant.body));
  const both = await http(rt, 'POST', '/v1/deploy?removeGrants=true', { token: admin, body: files(['grants.slice', grantsText()]) });
  assert.equal(both.status, 400, JSON.stringify(both.body));
  assert.equal(both.body.code, 'BAD_REQUEST');
  // Without the flag, a submission with no grant block keeps the grants: carol (no grant) is still refused.
  const kept = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['network.slice', NETWORK]) });
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  const c1 = slice('c1', 'carol@example.org', { prefix: '10.3.0.0/16', ports: 's1:3', tag: 140 });
  assert.equal((await deployAs(carol, 'c1', c1)).status, 422);
  // From the CLI: `dfvisor deploy --remove-grants` with one empty grants.slice.
  const dir = mkdtempSync(join(tmpdir(), 'dfv-nogrants-'));
  writeFileSync(join(dir, 'grants.slice'), '');
  const removed = await dfvisor(['deploy', '--remove-grants', dir], { env: { DFVISOR_API: rt.url, DFVISOR_TOKEN: admin } });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal((await http(rt, 'GET', '/v1/grants/mine', { token: alice })).status, 404);
  const after = await deployAs(carol, 'c1', c1);
  assert.equal(after.status, 200, JSON.stringify(after.body));
  // Deployed slices stay (dave's, deployed under the delegated grant above).
  assert.equal((await http(rt, 'GET', '/v1/slices/d1', { token: admin })).status, 200);
});
