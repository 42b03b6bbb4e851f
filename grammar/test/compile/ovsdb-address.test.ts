// The per-switch ovsdb-server address: parsed, formatted, checked (SL201) and carried into the
// plan's network only when declared (plans of networks without it keep their bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compile, format, parse } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(`${root}grammar/plan.schema.json`, 'utf8')) as object,
);

const net = (s1: string) => `network n {
  switch s1 dpid 1 ${s1}{ port 1..2 }
  switch s2 dpid 2 { port 1..2 }
  link s1:2 <-> s2:2 capacity 100Mbps
}
slice a { controller "tcp:127.0.0.1:6633" flowspace { r: match on s1:1, s2:1 } }
`;

test('ovsdb address: in the plan for the switch that declares it, absent for the other', () => {
  const r = compile([parse(net('ovsdb "unix:/run/openvswitch/db.sock" '), 'n.slice')]);
  assert.deepEqual(r.diagnostics, []);
  const [s1, s2] = r.plan!.network.switches;
  assert.equal(s1!.ovsdb, 'unix:/run/openvswitch/db.sock');
  assert.equal('ovsdb' in s2!, false);
  assert.ok(validate(r.plan), JSON.stringify(validate.errors));
  const tcp = compile([parse(net('ovsdb "tcp:127.0.0.1:6640" '), 'n.slice')]);
  assert.equal(tcp.plan!.network.switches[0]!.ovsdb, 'tcp:127.0.0.1:6640');
});

test('ovsdb address: malformed is SL201 on the string, and no plan', () => {
  for (const bad of ['ssl:1.2.3.4:6640', 'unix:', 'tcp:host', 'tcp:1.2.3.4:70000']) {
    const r = compile([parse(net(`ovsdb "${bad}" `), 'n.slice')]);
    assert.equal(r.plan, undefined, bad);
    const d = r.diagnostics.find((x) => x.code === 'SL201');
    assert.ok(d && d.message.includes('ovsdb address'), `${bad}: ${JSON.stringify(r.diagnostics)}`);
  }
  const missing = compile([parse(net('ovsdb '), 'n.slice')]);
  assert.ok(missing.diagnostics.some((x) => x.code === 'SL001'));
});

test('ovsdb address: the formatter keeps it on the switch line, idempotent', () => {
  const text = 'network n {\n  switch   s1 dpid 1   ovsdb  "unix:/x.sock" { port 1 }\n}\n';
  const once = format(text);
  assert.equal(once, 'network n {\n  switch s1 dpid 1 ovsdb "unix:/x.sock" {\n    port 1\n  }\n}\n');
  assert.equal(format(once), once);
});
