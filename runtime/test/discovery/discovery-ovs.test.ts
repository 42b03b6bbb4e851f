// Link discovery against real Open vSwitch through a real `dfvisor run` process: three declared
// switches, one link cabled to the wrong switch (declared s1:3 <-> s2:3, cabled s1:3 <-> s3:1),
// one link cabled as declared, one declared but not cabled, a host port set down, and a fourth
// bridge whose dpid the network does not declare. Seen through /v1/topology (admin; a tenant sees
// no discovery), /metrics, the `topology` event and `dfvisor topology` (table, --json, dot).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { waitFor } from '../../src/lab/proc.js';
import { startRuntime, http, type RuntimeProcess } from '../api/runtime-process.js';
import { dfvisorBin } from '../support/paths.js';
import type { TopologyCheckView } from '../../src/view/runtime-view.js';

const NETWORK = `network lab {
  switch s1 dpid 1 { port 1..4 }
  switch s2 dpid 2 { port 1..4 }
  switch s3 dpid 3 { port 1..4 }
  link s1:3 <-> s2:3
  link s2:4 <-> s3:4
  link s1:4 <-> s3:2
}
`;
const SLICE = `slice watcher {
  owner "alice"
  controller "tcp:127.0.0.1:7999"
  overlay vlan 100
  flowspace {
    edge: match ip_src 10.1.0.0/16 on s1:1
  }
}
`;

const ovs = new OvsSandbox();
let rt: RuntimeProcess;
let alice: string;
const events: string[] = [];
const stopEvents = new AbortController();

before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dfv-disc-'));
  const config = join(dataDir, 'config.json');
  writeFileSync(config, JSON.stringify({ discoveryIntervalMs: 300 }));
  rt = await startRuntime({ dataDir, args: ['--config', config] });
  const net = await http(rt, 'POST', '/v1/deploy', {
    token: rt.adminToken,
    body: { files: [{ path: 'net.slice', text: NETWORK }] },
  });
  assert.equal(net.status, 200, JSON.stringify(net.body));
  alice = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'alice' } })).body.token;
  const mine = await http(rt, 'POST', '/v1/deploy', { token: alice, body: { files: [{ path: 'w.slice', text: SLICE }] } });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  void followEvents();
  ovs.start();
  for (const [name, dpid] of [
    ['s1', 1],
    ['s2', 2],
    ['s3', 3],
    ['s9', 9],
  ] as const)
    ovs.addBridge(name, dpid, 'OpenFlow13');
  ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.1.0.1/24' });
  ovs.link('s1', 3, 's3', 1); // declared s1:3 <-> s2:3: miswired
  ovs.link('s2', 4, 's3', 4); // as declared
  ovs.link('s2', 3, 's9', 1); // s2:3's cable leads to the undeclared switch
  for (const b of ['s1', 's2', 's3', 's9']) ovs.setController(b, `tcp:127.0.0.1:${rt.ofPort}`);
  await modPort('s1', 1, 'down');
});

/** ovs-ofctl mod-port, once the bridge's management socket is there. */
async function modPort(bridge: string, port: number, state: 'up' | 'down'): Promise<void> {
  await waitFor(
    `ovs-ofctl mod-port ${bridge} ${port} ${state}`,
    () => {
      try {
        ovs.ofctl('-O', 'OpenFlow13', 'mod-port', bridge, String(port), state);
        return true;
      } catch {
        return false;
      }
    },
    10_000,
    100,
  );
}
after(async () => {
  stopEvents.abort();
  await rt?.stop();
  ovs.teardown();
});

async function followEvents(): Promise<void> {
  try {
    const res = await fetch(`${rt.url}/v1/events`, { headers: { authorization: `Bearer ${rt.adminToken}` }, signal: stopEvents.signal });
    const reader = res.body!.getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += Buffer.from(value).toString();
      const parts = buf.split('\n\n');
      buf = parts.pop()!;
      for (const p of parts) if (p.includes('event: topology')) events.push(p);
    }
  } catch {
    // aborted at the end
  }
}

const topology = async () => (await http<{ discovery: TopologyCheckView }>(rt, 'GET', '/v1/topology', { token: rt.adminToken })).body;

test('a miswired link, a missing link, a port set down and an undeclared switch are reported; the good link is seen', async () => {
  const t = await waitFor(
    'discovery to see s2:4 <-> s3:4 and s1:3 <-> s3:1 and s1:1 down',
    async () => {
      const b = await topology();
      const d = b.discovery;
      const ok =
        d?.settled &&
        d.links.find((l) => l.id === 's2:4<->s3:4')?.state === 'seen' &&
        d.links.find((l) => l.id === 's1:3<->s2:3')?.state === 'miswired' &&
        d.portsDown.some((p) => p.dpid === '0000000000000001' && p.port === 1);
      return ok ? b : undefined;
    },
    30_000,
    200,
  );
  const d = t.discovery;
  const link = (id: string) => {
    const l = d.links.find((x) => x.id === id);
    assert.ok(l, `link ${id} is listed`);
    return l;
  };
  assert.equal(link('s1:4<->s3:2').state, 'missing');
  const mis = link('s1:3<->s2:3');
  const misSeen = mis.seen ?? [];
  const seen = misSeen.map((s) =>
    [s.a, s.b]
      .map((e) => `${e.switch ?? e.dpid}:${e.port}`)
      .sort()
      .join(' <-> '),
  );
  assert.ok(seen.includes('s1:3 <-> s3:1'), `miswired s1:3 sees s3:1: ${JSON.stringify(misSeen)}`);
  assert.ok(!Number.isNaN(Date.parse(misSeen[0]!.since)));
  const down = d.portsDown.filter((p) => p.dpid === '0000000000000001');
  assert.deepEqual(
    down.map((p) => [p.switch, p.port, p.reason]),
    [['s1', 1, 'admin-down']],
  );
  assert.equal(typeof down[0].name, 'string');
  assert.ok(
    d.undeclared.some((u) => u.dpid === '0000000000000009'),
    'the undeclared bridge is listed',
  );
  assert.ok(d.probes.sent > 0 && d.probes.received > 0);
  assert.equal(d.probes.forged, 0);
  // The probes never reach a tenant's table-miss path: the switch holds the probe rule above every slice rule.
  assert.ok(ovs.dumpFlows('s1').some((f) => f.includes('priority=65531') && f.includes('dl_src=02:df:56:00:00:01')));
});

test('a tenant sees no discovery section; metrics count links by state', async () => {
  const mine = (await http(rt, 'GET', '/v1/topology', { token: alice })).body;
  assert.equal('discovery' in mine, false);
  const metrics = (await http(rt, 'GET', '/metrics', { token: rt.adminToken })).body as string;
  assert.match(metrics, /dfvisor_topology_links\{state="seen"\} 1/);
  assert.match(metrics, /dfvisor_topology_links\{state="miswired"\} 1/);
  assert.match(metrics, /dfvisor_topology_links\{state="missing"\} 1/);
  assert.match(metrics, /dfvisor_topology_ports_down\{reason="admin-down"\} 1/);
  assert.match(metrics, /dfvisor_topology_undeclared_switches 1/);
  assert.match(metrics, /dfvisor_lldp_probes_total\{result="received"\} [1-9]/);
  const tenantMetrics = (await http(rt, 'GET', '/metrics', { token: alice })).body as string;
  assert.equal(tenantMetrics.includes('dfvisor_topology'), false);
});

/** The JSON body of a `topology` event as the admin stream carried it. */
function eventBody(e: string): { problems: string[]; added: string[]; resolved: string[] } {
  const data = e.split('\n').find((l) => l.startsWith('data: '));
  return data ? JSON.parse(data.slice(6)) : { problems: [], added: [], resolved: [] };
}
const PORT_DOWN = 'port-down s1:1 (admin-down)';
const MISWIRED = 'miswired s1:3<->s2:3: sees s1:3<->s3:1';

test('a topology event names the problems on the admin stream', async () => {
  // Discovery settles before the bridges connect, so the problems arrive over several events (each
  // carries the whole list at its time): wait for the one that has them all.
  const all = await waitFor(
    'a topology event naming the miswired link, the port set down and the undeclared bridge',
    () => events.map(eventBody).find((e) => [MISWIRED, PORT_DOWN, 'undeclared 0000000000000009'].every((p) => e.problems.includes(p))),
    20_000,
    100,
  );
  assert.ok(all.problems.includes('missing s1:4<->s3:2'), JSON.stringify(all));
  assert.ok(!all.problems.some((p) => p.includes('s2:4<->s3:4')), `the cabled link is no problem: ${JSON.stringify(all)}`);
  const firstNaming = events.map(eventBody).find((e) => e.problems.includes(MISWIRED));
  assert.ok(firstNaming?.added.includes(MISWIRED), `the first event naming the miswired link adds it: ${JSON.stringify(firstNaming)}`);
});

test('a port set up again leaves the list', async () => {
  // Only a problem the stream announced can be announced resolved.
  await waitFor('an event announcing s1:1 down', () => events.some((e) => eventBody(e).problems.includes(PORT_DOWN)), 20_000, 100);
  const before = events.length;
  await modPort('s1', 1, 'up');
  await waitFor(
    's1:1 no longer down',
    async () => !(await topology()).discovery.portsDown.some((p) => p.dpid === '0000000000000001'),
    20_000,
    200,
  );
  // The same event may resolve or add other problems too (links seen again as the port comes up).
  const resolving = await waitFor(
    'an event resolving it',
    () => events.slice(before).find((e) => eventBody(e).resolved.includes(PORT_DOWN)),
    20_000,
    100,
  );
  assert.ok(!eventBody(resolving).problems.includes(PORT_DOWN), resolving);
});

test('dfvisor topology prints the table, --json and a Graphviz graph', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [dfvisorBin, 'topology', '--api', rt.url, ...args], {
      env: { ...process.env, DFVISOR_TOKEN: rt.adminToken },
      encoding: 'utf8',
    });
  const text = cli();
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /s1:3<->s2:3\s+miswired\s+s1:3 <-> s3:1 \(since \d\d:\d\d:\d\d\)/);
  assert.match(text.stdout, /s2:4<->s3:4\s+seen/);
  assert.match(text.stdout, /s1:4<->s3:2\s+missing/);
  assert.match(text.stdout, /UNDECLARED DPID[^\n]*\n0000000000000009/);
  const json = cli('--json');
  assert.equal(json.status, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).discovery.links.length, 3);
  const dot = cli('--format', 'dot');
  assert.equal(dot.status, 0, dot.stderr);
  assert.match(dot.stdout, /^graph network \{/);
  assert.match(dot.stdout, /"0000000000000001" -- "0000000000000002" \[taillabel="3", headlabel="3", style=dashed, color=orange/);
  const both = cli('--json', '--format', 'dot');
  assert.equal(both.status, 2);
});
