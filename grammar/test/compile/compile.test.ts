// Compiler tests: golden plans for the samples (UPDATE_GOLDEN=1 rewrites them), schema
// validation, determinism (twice; shuffled file order), and plan details.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compile, loadWorkspace, parse, serializePlan, type Plan, type SourceFile } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const goldenDir = fileURLToPath(new URL('../../../test/golden/', import.meta.url));
const schema = JSON.parse(readFileSync(`${root}grammar/plan.schema.json`, 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/** Loads a sample with paths relative to the repository (so plans do not depend on the checkout). */
async function sample(name: string): Promise<SourceFile[]> {
  const ws = await loadWorkspace([`${root}samples/${name}`]);
  assert.deepEqual(ws.errors, []);
  return ws.files.map((f) => parse(f.text, relative(root, f.path)));
}

function digest(plan: Plan): string {
  const sha256 = createHash('sha256').update(serializePlan(plan)).digest('hex');
  return `${JSON.stringify({ sha256, slices: plan.slices.length, flowspace: plan.flowspace.length, meters: plan.qos.meters.length, queues: plan.qos.queues.length }, null, 2)}\n`;
}

function compileOk(files: SourceFile[]): Plan {
  const r = compile(files);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`),
    [],
  );
  assert.ok(r.plan);
  return r.plan;
}

for (const name of ['lab', 'campus', 'core', 'large']) {
  test(`sample ${name}: no diagnostics, plan valid against the schema and equal to the golden plan`, async () => {
    const files = await sample(name);
    const r = compile(files);
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`),
      [],
    );
    const plan = r.plan!;
    assert.ok(validate(plan), JSON.stringify(validate.errors?.slice(0, 5)));
    // The large sample's plan is megabytes: its golden file holds a digest and a summary.
    const text = name === 'large' ? digest(plan) : serializePlan(plan);
    const golden = `${goldenDir}${name}.plan.json`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, text);
    assert.equal(text, readFileSync(golden, 'utf8'), `plan differs from ${golden} (UPDATE_GOLDEN=1 to accept)`);
  });
}

test('determinism: same bytes twice and with the file order shuffled', async () => {
  const files = await sample('campus');
  const a = serializePlan(compileOk(files));
  assert.equal(serializePlan(compileOk(files)), a);
  for (let seed = 1; seed <= 5; seed++) {
    const shuffled = [...files];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = (seed * 7919 + i * 104729) % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    assert.equal(serializePlan(compileOk(shuffled)), a);
  }
});

test('no plan when there are errors', async () => {
  const r = compile([parse('slice a { flowspace { r: match on s1 } }', 'x.slice')]);
  assert.equal(r.plan, undefined);
  assert.ok(r.diagnostics.some((d) => d.code === 'SL203'));
});

test('lab plan: flowspace entries, implied prerequisites, view, QoS', async () => {
  const plan = compileOk(await sample('lab'));
  const web = plan.flowspace.filter((e) => e.rule === 'web');
  assert.deepEqual(
    web.map((e) => [e.dpid, e.inPort]),
    [
      ['0000000000000001', 1],
      ['0000000000000003', 1],
    ],
  );
  assert.deepEqual(web[0].match, { eth_type: 0x0800, ip_proto: 6, ipv4_src: '10.1.0.0/16', tcp_dst: 80 });
  assert.deepEqual(
    plan.flowspace.map((e) => e.id),
    plan.flowspace.map((_, i) => i + 1),
  );
  const research = plan.slices.find((s) => s.name === 'research')!;
  assert.deepEqual(research.overlay, { type: 'vlan', tag: 101, auto: false });
  assert.deepEqual(
    research.view.map((v) => [v.switch, v.ports, v.linkPorts]),
    [
      ['s1', '*', [3]],
      ['s2', '*', [3, 4]],
      ['s3', '*', [3]],
    ],
  );
  assert.deepEqual(research.limits.flowEntriesPerSwitch, { '0000000000000001': 200 });
  const prod = plan.slices.find((s) => s.name === 'production')!;
  assert.deepEqual(
    prod.controllers.map((c) => [c.host, c.port]),
    [
      ['127.0.0.1', 6635],
      ['127.0.0.1', 6636],
    ],
  );
  assert.deepEqual(
    prod.view.map((v) => [v.switch, v.ports, v.linkPorts]),
    [
      ['s1', [2], []],
      ['s3', [2], []],
    ],
  );
  assert.deepEqual(
    plan.qos.links.find((l) => l.id === 's1:3<->s2:3'),
    { id: 's1:3<->s2:3', capacityBps: 1e9, reservedBps: 9e8, remainingBps: 1e8 },
  );
  assert.deepEqual(
    plan.qos.meters.filter((m) => m.slice === 'research').map((m) => m.dpid),
    ['0000000000000001', '0000000000000002', '0000000000000003'],
  );
  const gq = plan.qos.queues.filter((q) => q.slice === 'production');
  assert.deepEqual(
    gq.map((q) => [q.dpid, q.port, q.minBps]),
    [
      ['0000000000000001', 3, 7e8],
      ['0000000000000002', 3, 7e8],
    ],
  );
});

test('overlay allocation: auto tags avoid explicit ones, fall back to MPLS when VLANs run out', () => {
  const net = 'network n { switch s1 dpid 1 }\n';
  const slice = (name: string, overlay: string, port: number): string =>
    `slice ${name} { controller "tcp:127.0.0.1:6633" ${overlay} flowspace { r: match on s1:${port} } }\n`;
  const plan = compileOk([
    parse(
      net + slice('z', 'overlay vlan 2', 1) + slice('b', 'overlay auto', 2) + slice('a', '', 3) + slice('c', 'overlay vlan 4', 4),
      'x.slice',
    ),
  ]);
  assert.deepEqual(
    plan.slices.map((s) => [s.name, s.overlay.type, s.overlay.tag, s.overlay.auto]),
    [
      ['a', 'vlan', 3, true],
      ['b', 'vlan', 5, true],
      ['c', 'vlan', 4, false],
      ['z', 'vlan', 2, false],
    ],
  );
  let text = net;
  for (let i = 2; i <= 4094; i++)
    text += `slice v${i} { controller "tcp:127.0.0.1:6633" overlay vlan ${i} flowspace { r: match on s1:${i} } }\n`;
  const full = compileOk([parse(text + slice('late', 'overlay auto', 9999), 'y.slice')]);
  assert.deepEqual(full.slices.find((s) => s.name === 'late')!.overlay, { type: 'mpls', tag: 16, auto: true });
});
