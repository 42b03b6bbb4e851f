// Day-2 controls through a real `dfvisor run` process, Open vSwitch and a scripted tenant
// controller: a refused tenant flow-mod moves the slice's refusal counters (API, /metrics and
// `dfvisor slice stats`);
// pausing a slice closes its controller connection and keeps its rules, ids and revision, and
// resuming reconnects it; pausing with --remove-rules deletes its tenant rules (base rules, ids
// and revision stay) and the resumed controller installs again; the deployed sources come back byte for byte (`GET /v1/sources`,
// `dfvisor pull`), a tenant's with its own slices only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { ScriptedController } from '../harness/scripted-controller.js';
import { baseFlowMod } from '../proxy/fixtures.js';
import { OFPP } from '../../src/proxy/messages.js';
import { dfvisorBin } from '../support/paths.js';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText } from './fixtures.js';

const ovs = new OvsSandbox();
let rt: RuntimeProcess;
let alice: string;
let ctl: ScriptedController;
let aliceText: string;

before(async () => {
  rt = await startRuntime();
  const net = await http(rt, 'POST', '/v1/deploy', { token: rt.adminToken, body: { files: [{ path: 'lab/net.slice', text: NETWORK }] } });
  assert.equal(net.status, 200, JSON.stringify(net.body));
  alice = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'alice' } })).body.token;
  const port = await freePort();
  ctl = new ScriptedController(port);
  await ctl.start();
  aliceText = sliceText('alicenet', 'alice', { ctl: port });
  const mine = await http(rt, 'POST', '/v1/deploy', { token: alice, body: { files: [{ path: 'lab/alice.slice', text: aliceText }] } });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  ovs.start();
  ovs.addBridge('s1', 1, 'OpenFlow13');
  ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.1.0.1/24' });
  ovs.setController('s1', `tcp:127.0.0.1:${rt.ofPort}`);
  await ctl.connection(1n, 30_000);
});
after(async () => {
  await rt?.stop();
  await ctl?.stop();
  ovs.teardown();
});

const cli = (token: string, ...args: string[]) =>
  spawnSync(process.execPath, [dfvisorBin, ...args, '--api', rt.url], { env: { ...process.env, DFVISOR_TOKEN: token }, encoding: 'utf8' });

const sliceSummary = async () =>
  (await http(rt, 'GET', '/v1/slices', { token: alice })).body.slices.find((s: { name: string }) => s.name === 'alicenet');

test("a refused tenant flow-mod moves the slice's refusal counters in the API and /metrics", async () => {
  const conn = await ctl.connection(1n);
  // in_port 2 is not in the slice's flowspace (s1:1 only): EPERM.
  const xid = ctl.send(conn, {
    type: 'flow_mod',
    ...baseFlowMod({
      match: { in_port: { value: 2n } },
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }],
    }),
  });
  const [reply] = await ctl.settle(conn, [xid]);
  assert.equal(reply?.type, 'error', 'the flow-mod outside the flowspace is refused');
  const stats = await waitFor(
    'the refusal in the pushed stats',
    async () => {
      const s = (await http(rt, 'GET', '/v1/slices/alicenet/stats', { token: alice })).body;
      return s.proxy?.refused?.length ? s : undefined;
    },
    20_000,
    200,
  );
  assert.equal(stats.proxy.flowModsRejected, 1);
  assert.equal(stats.proxy.refused.length, 1);
  assert.equal(stats.proxy.refused[0].message, 'flow_mod');
  assert.equal(stats.proxy.refused[0].count, 1);
  const metrics = (await http(rt, 'GET', '/metrics', { token: alice })).body as string;
  assert.match(
    metrics,
    new RegExp(`dfvisor_slice_refused_total\\{slice="alicenet",message="flow_mod",reason="${stats.proxy.refused[0].reason}"\\} 1`),
  );
  assert.match(metrics, /dfvisor_slice_packet_ins_dropped_total\{slice="alicenet"\} \d+/);
  // The same counters in the CLI: a table with the refusal by reason, and --json.
  const table = cli(alice, 'slice', 'stats', 'alicenet');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^slice alicenet$/m);
  assert.match(table.stdout, /^flow-mods rejected\s+1$/m);
  assert.match(table.stdout, new RegExp(`^flow_mod\\s+${stats.proxy.refused[0].reason}\\s+1$`, 'm'));
  const json = cli(alice, 'slice', 'stats', 'alicenet', '--json');
  assert.equal(json.status, 0, json.stderr);
  const j = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(j).sort(), [
    'controlRateDrops',
    'flowModsRejected',
    'packetInsDropped',
    'packetOutsRejected',
    'refused',
    'slice',
  ]);
  assert.equal(j.slice, 'alicenet');
  assert.equal(j.flowModsRejected, 1);
  assert.deepEqual(j.refused, stats.proxy.refused);
});

test('the flows endpoint shows each tenant rule with the switch rules it became', async () => {
  const conn = await ctl.connection(1n);
  const xid = ctl.send(conn, {
    type: 'flow_mod',
    ...baseFlowMod({
      cookie: 0x77n,
      match: { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_dst: { value: 0x0a010063n } },
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }],
    }),
  });
  const [reply] = await ctl.settle(conn, [xid]);
  assert.notEqual(reply?.type, 'error', JSON.stringify(reply));
  type Flows = {
    node: string;
    elsewhere: string[];
    switches: Array<{
      dpid: string;
      rules: Array<{
        tenant: { cookie: string; priority: number; match: Record<string, unknown> };
        switch: { cookie: string; expected: number; rules: Array<{ priority: number; match: Record<string, unknown> }> };
      }>;
    }>;
  };
  const flows = await waitFor(
    'the switch rule in a statistics round',
    async () => {
      const f = (await http<Flows>(rt, 'GET', '/v1/slices/alicenet/flows', { token: alice })).body;
      return f.switches[0]?.rules.some((r) => r.switch.rules.length > 0) ? f : undefined;
    },
    20_000,
    200,
  );
  assert.deepEqual(flows.elsewhere, ['0000000000000002'], 's2 is not connected: no node programs it here');
  const [sw] = flows.switches;
  assert.equal(sw!.dpid, '0000000000000001');
  const rule = sw!.rules.find((r) => r.tenant.cookie === '0x0000000000000077');
  assert.ok(rule, JSON.stringify(sw));
  assert.equal(rule.tenant.priority, 10);
  assert.equal(rule.switch.rules.length, rule.switch.expected);
  assert.equal(rule.switch.rules[0]!.priority, 26, 'tenant priority 10 moved into the tenant band');
  assert.equal(rule.switch.rules[0]!.match.ipv4_dst && (rule.switch.rules[0]!.match.ipv4_dst as { value: number }).value, 0x0a010063);
  assert.ok(
    ovs.dumpFlows('s1').some((f) => f.includes(`cookie=${rule.switch.cookie.replace(/^0x0*/, '0x')}`) && f.includes('nw_dst=10.1.0.99')),
  );
  const bob = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'bob2' } })).body.token;
  assert.equal((await http(rt, 'GET', '/v1/slices/alicenet/flows', { token: bob })).status, 404);
});

test('pause closes the controller connection and keeps rules, ids and revision; resume reconnects', async () => {
  const revision = (await sliceSummary()).revision;
  const before = ovs.dumpFlows('s1');
  const conn = await ctl.connection(1n);
  const paused = cli(alice, 'slice', 'pause', 'alicenet');
  assert.equal(paused.status, 0, paused.stderr);
  assert.match(paused.stdout, /slice alicenet paused/);
  await waitFor('the tenant connection closed', () => conn.channel.closed, 10_000, 50);
  const s = await sliceSummary();
  assert.equal(s.paused, true);
  assert.equal(s.revision, revision, 'no new revision');
  await waitFor(
    'the controller reads down',
    async () => (await sliceSummary()).controllers.every((c: { connected: boolean }) => !c.connected),
    10_000,
    100,
  );
  assert.deepEqual(
    ovs.dumpFlows('s1').map(stripCounters).filter(Boolean).sort(),
    before.map(stripCounters).filter(Boolean).sort(),
    'the rules stay',
  );
  assert.ok(
    before.some((f) => /cookie=0xffff00000001[0-9a-f]{4},/.test(f)),
    `the slice's base rules are on s1: ${before.join('\n')}`,
  );
  const audit = (await http(rt, 'GET', '/v1/audit', { token: rt.adminToken })).body.entries;
  assert.ok(
    audit.some(
      (e: { action: string; target: string; who: string }) =>
        e.action === 'slice-pause' && e.target === 'alicenet' && e.who === 'tenant:alice',
    ),
  );
  const resumed = cli(alice, 'slice', 'resume', 'alicenet', '--json');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(JSON.parse(resumed.stdout), { slice: 'alicenet', paused: false });
  const again = await ctl.connection(1n, 20_000);
  assert.notEqual(again, conn, 'a new connection');
  const after = await sliceSummary();
  assert.equal(after.paused, false);
  assert.equal(after.revision, revision);
  assert.deepEqual(
    ovs.dumpFlows('s1').map(stripCounters).filter(Boolean).sort(),
    before.map(stripCounters).filter(Boolean).sort(),
    'same rules, same cookies',
  );
});

test('pause --remove-rules deletes the tenant rules and keeps the base rules, ids and revision; resume reinstalls', async () => {
  const revision = (await sliceSummary()).revision;
  const conn = await ctl.connection(1n);
  const install = async (c: typeof conn, ip: bigint) => {
    const xid = ctl.send(c, {
      type: 'flow_mod',
      ...baseFlowMod({
        match: { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_dst: { value: ip } },
        instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }],
      }),
    });
    const [reply] = await ctl.settle(c, [xid]);
    assert.notEqual(reply?.type, 'error', JSON.stringify(reply));
  };
  await install(conn, 0x0a010064n); // 10.1.0.100
  await waitFor('the tenant rule on s1', () => tenantRules('s1').some((f) => f.includes('nw_dst=10.1.0.100')), 10_000, 100);
  const slicePrefix = tenantPrefixes('s1');
  assert.equal(slicePrefix.length, 1, `one slice's tenant rules: ${tenantRules('s1').join('\n')}`);
  const baseBefore = baseRules('s1');
  assert.ok(baseBefore.length > 0, 'the base rules are on s1');

  // A bad value is refused and pauses nothing.
  const bad = await http(rt, 'POST', '/v1/slices/alicenet/pause?rules=drop', { token: alice });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  assert.equal((await sliceSummary()).paused, false);

  const paused = cli(alice, 'slice', 'pause', 'alicenet', '--remove-rules', '--json');
  assert.equal(paused.status, 0, paused.stderr);
  assert.deepEqual(JSON.parse(paused.stdout), { slice: 'alicenet', paused: true, rules: 'remove' });
  await waitFor('the tenant connection closed', () => conn.channel.closed, 10_000, 50);
  await waitFor('no tenant rule left on s1', () => tenantRules('s1').length === 0, 10_000, 100);
  assert.deepEqual(baseRules('s1'), baseBefore, 'the base rules stay');
  const s = await sliceSummary();
  assert.equal(s.paused, true);
  assert.equal(s.revision, revision, 'no new revision');
  const flows = (await http(rt, 'GET', '/v1/slices/alicenet/flows', { token: alice })).body;
  assert.deepEqual(flows.switches[0].rules, [], 'the proxy forgot the rules too');
  const audit = (await http(rt, 'GET', '/v1/audit', { token: rt.adminToken })).body.entries;
  assert.ok(
    audit.some(
      (e: { action: string; target: string; detail?: string }) =>
        e.action === 'slice-pause' && e.target === 'alicenet' && e.detail === 'rules removed',
    ),
    JSON.stringify(audit),
  );

  const resumed = cli(alice, 'slice', 'resume', 'alicenet');
  assert.equal(resumed.status, 0, resumed.stderr);
  const again = await ctl.connection(1n, 20_000);
  assert.notEqual(again, conn, 'a new connection');
  const after = await sliceSummary();
  assert.equal(after.paused, false);
  assert.equal(after.revision, revision, 'same revision');
  // The controller installs again, as after a reconnect; its rules carry the same slice id.
  await install(again, 0x0a010065n); // 10.1.0.101
  await waitFor('the reinstalled rule on s1', () => tenantRules('s1').some((f) => f.includes('nw_dst=10.1.0.101')), 10_000, 100);
  assert.deepEqual(tenantPrefixes('s1'), slicePrefix, 'same slice id in the cookies');
  assert.deepEqual(baseRules('s1'), baseBefore, 'same base rules, same cookies');
});

test("another owner's slice cannot be paused (404), nor an unknown one", async () => {
  const bob = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'bob' } })).body.token;
  const r = await http(rt, 'POST', '/v1/slices/alicenet/pause', { token: bob });
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'UNKNOWN_SLICE');
  assert.equal((await sliceSummary()).paused, false);
  const cliRun = cli(bob, 'slice', 'pause', 'alicenet');
  assert.equal(cliRun.status, 6);
  const unknown = await http(rt, 'POST', '/v1/slices/nosuch/resume', { token: rt.adminToken });
  assert.equal(unknown.status, 404);
});

test('the deployed sources come back byte for byte: all for the admin, own slices for a tenant', async () => {
  const all = (await http(rt, 'GET', '/v1/sources', { token: rt.adminToken })).body;
  assert.deepEqual(
    all.files.sort((a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1)),
    [
      { path: 'lab/alice.slice', text: aliceText, verbatim: true },
      { path: 'lab/net.slice', text: NETWORK, verbatim: true },
    ],
  );
  const dir = mkdtempSync(join(tmpdir(), 'dfv-pull-'));
  const pulled = cli(rt.adminToken, 'pull', dir);
  assert.equal(pulled.status, 0, pulled.stderr);
  assert.equal(readFileSync(join(dir, 'lab/net.slice'), 'utf8'), NETWORK);
  assert.equal(readFileSync(join(dir, 'lab/alice.slice'), 'utf8'), aliceText);
  const mineDir = mkdtempSync(join(tmpdir(), 'dfv-pull-'));
  const mine = cli(alice, 'pull', mineDir, '--json');
  assert.equal(mine.status, 0, mine.stderr);
  assert.deepEqual(JSON.parse(mine.stdout).files, ['lab/alice.slice']);
  assert.deepEqual(readdirSync(join(mineDir, 'lab')), ['alice.slice']);
});

/** A flow line without its counters and age (they move while the test runs); '' for link discovery's probe rule (sent every round). */
function stripCounters(line: string): string {
  return line.includes('cookie=0xffff000000000002') ? '' : line.replace(/(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, ?/g, '');
}

/** The cookie of a flow line as a number (0n without one). */
function cookieOf(line: string): bigint {
  const m = /cookie=(0x[0-9a-f]+)/.exec(line);
  return m ? BigInt(m[1]!) : 0n;
}

/** Tenant rules on a bridge: a slice's prefix (slice id + 1) in the cookie's top 16 bits (docs/dataplane.md). */
function tenantRules(bridge: string): string[] {
  return ovs.dumpFlows(bridge).filter((f) => {
    const top = cookieOf(f) >> 48n;
    return top > 0n && top < 0xffffn;
  });
}

/** The distinct slice prefixes of the tenant rules on a bridge. */
function tenantPrefixes(bridge: string): string[] {
  return [...new Set(tenantRules(bridge).map((f) => (cookieOf(f) >> 48n).toString(16)))].sort();
}

/** The hypervisor's own rules of a bridge (base rules, isolation drop), without counters, sorted. */
function baseRules(bridge: string): string[] {
  return ovs
    .dumpFlows(bridge)
    .filter((f) => cookieOf(f) >> 48n === 0xffffn)
    .map(stripCounters)
    .filter(Boolean)
    .sort();
}
