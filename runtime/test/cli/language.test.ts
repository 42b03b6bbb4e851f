// The language commands of the real `dfvisor` binary: check, compile, fmt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dfvisor, repoRoot } from '../support/run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'dfv-cli-'));

const NET = `network n {
  switch s1 dpid 1 { port 1..4 speed 1Gbps }
  switch s2 dpid 2 { port 1..4 speed 1Gbps }
  link s1:4 <-> s2:4 capacity 1Gbps
}
`;

test('check on the lab sample: no errors, exit 0', async () => {
  const r = await dfvisor(['check', 'samples/lab']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.split('\n').filter((l) => / error SL/.test(l)).length, 0);
  assert.match(r.stderr, /0 errors/);
});

test('check prints path:line:col: error CODE message and exits 1', async () => {
  const d = tmp();
  writeFileSync(join(d, 'net.slice'), NET);
  writeFileSync(
    join(d, 'bad.slice'),
    `slice a {\n  controller "tcp:127.0.0.1:7001"\n  flowspace {\n    r: match ip_src 10.0.0.0/8 on s9:1\n  }\n}\n`,
  );
  const r = await dfvisor(['check', d]);
  assert.equal(r.code, 1, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('SL101'));
  assert.ok(line, r.stdout);
  assert.match(line!, new RegExp(`^${join(d, 'bad.slice').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:\\d+: error SL101 .*s9`));
});

test('check --format json gives 0-based LSP ranges and related information', async () => {
  const d = tmp();
  writeFileSync(join(d, 'net.slice'), NET);
  writeFileSync(
    join(d, 'a.slice'),
    `slice a {\n  controller "tcp:127.0.0.1:7001"\n  overlay vlan 10\n  flowspace { r: match ip_src 10.0.0.0/8 on s1:1 }\n}\n`,
  );
  writeFileSync(
    join(d, 'b.slice'),
    `slice b {\n  controller "tcp:127.0.0.1:7002"\n  overlay vlan 10\n  flowspace { r: match tcp_dst 80 on s1 }\n}\n`,
  );
  const r = await dfvisor(['check', '--format', 'json', d]);
  assert.equal(r.code, 1, r.stderr);
  const diags = JSON.parse(r.stdout) as Array<{
    file: string;
    code: string;
    severity: string;
    range: { start: { line: number; character: number } };
    related: Array<{ file: string }>;
  }>;
  const overlap = diags.filter((x) => x.code === 'SL301');
  assert.ok(overlap.length >= 1, r.stdout);
  assert.ok(overlap.some((x) => x.related.length > 0));
  const tag = diags.find((x) => x.code === 'SL302');
  assert.ok(tag, 'SL302 for the shared vlan 10');
  assert.equal(tag!.range.start.line, 2);
  assert.equal(typeof tag!.range.start.character, 'number');
  // A conflict between two files is reported in both.
  const files = new Set(overlap.map((x) => x.file));
  assert.ok(files.has(join(d, 'a.slice')) && files.has(join(d, 'b.slice')), JSON.stringify([...files]));
});

test('bad usage exits 2 with a message and no stack trace', async () => {
  for (const args of [['check'], ['check', '--format', 'xml', 'samples/lab'], ['nosuch'], ['check', '--nope', 'x']]) {
    const r = await dfvisor(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a missing file is a clear error, exit 1', async () => {
  const r = await dfvisor(['check', '/nonexistent/dir/x.slice']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nonexistent/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('--help everywhere', async () => {
  for (const c of ['check', 'compile', 'fmt', 'run', 'deploy', 'status', 'slices', 'stats', 'revisions', 'rollback', 'undeploy']) {
    const r = await dfvisor([c, '--help']);
    assert.equal(r.code, 0, `${c}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: dfvisor ${c}`));
  }
  const top = await dfvisor(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /check/);
});

test('compile writes a deterministic plan, refuses a broken workspace', async () => {
  const a = await dfvisor(['compile', 'samples/lab']);
  assert.equal(a.code, 0, a.stderr);
  const plan = JSON.parse(a.stdout);
  assert.equal(plan.format, 'dfvisor-plan');
  assert.deepEqual(plan.slices.map((s: { name: string }) => s.name).sort(), ['production', 'research']);
  const d = tmp();
  const out = join(d, 'plan.json');
  const b = await dfvisor(['compile', 'samples/lab', '-o', out]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(readFileSync(out, 'utf8'), a.stdout, 'same input, same bytes');
  writeFileSync(join(d, 'x.slice'), 'slice { oops');
  const c = await dfvisor(['compile', join(d, 'x.slice')]);
  assert.equal(c.code, 1);
  assert.equal(c.stdout, '');
  assert.match(c.stderr, /SL001/);
});

test('fmt --check reports unformatted files, fmt fixes them, then --check passes', async () => {
  const d = tmp();
  mkdirSync(join(d, 'sub'));
  const f = join(d, 'sub', 'n.slice');
  writeFileSync(f, 'network n {   switch s1 dpid 1 {port 1..2}\n// keep me\n  link s1:1<->s1:2 }\n');
  const c1 = await dfvisor(['fmt', '--check', d]);
  assert.equal(c1.code, 1);
  assert.match(c1.stdout, /n\.slice/);
  const w = await dfvisor(['fmt', d]);
  assert.equal(w.code, 0, w.stderr);
  const formatted = readFileSync(f, 'utf8');
  assert.match(formatted, /\/\/ keep me/);
  assert.match(formatted, /s1:1 <-> s1:2/);
  const c2 = await dfvisor(['fmt', '--check', d]);
  assert.equal(c2.code, 0, c2.stdout + c2.stderr);
});

test('samples/campus checks clean across several files', async () => {
  const r = await dfvisor(['check', join(repoRoot, 'samples/campus')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('check --as OWNER checks as that tenant deploys (its grant), --admin as the admin (no grant)', async () => {
  const d = tmp();
  const grant = `grant "alice@example.org" {\n  ports s1:1\n}\n`;
  const outside = `slice wide {\n  owner "alice@example.org"\n  controller "tcp:127.0.0.1:6633"\n  flowspace { r: match on s1:2 }\n}\n`;
  writeFileSync(join(d, 'net.slice'), NET + grant);
  writeFileSync(join(d, 'wide.slice'), outside);
  const asAlice = await dfvisor(['check', '--as', 'alice@example.org', d]);
  assert.equal(asAlice.code, 1, asAlice.stdout + asAlice.stderr);
  assert.match(
    asAlice.stdout,
    /wide\.slice:4:\d+: error SL602 rule wide\.r claims packets like any packet at s1:2, a port outside the grant/,
  );
  const asBob = await dfvisor(['check', '--as', 'bob@example.org', d]);
  assert.equal(asBob.code, 0, asBob.stdout + asBob.stderr);
  const admin = await dfvisor(['check', '--admin', d]);
  assert.equal(admin.code, 0, admin.stdout + admin.stderr);
  const both = await dfvisor(['check', '--admin', '--as', 'x', d]);
  assert.equal(both.code, 2);
});

test('compile --previous keeps the other slices byte-identical when a slice is added', async () => {
  const d = tmp();
  const first = await dfvisor(['compile', 'samples/lab', '-o', join(d, 'a.json')]);
  assert.equal(first.code, 0, first.stderr);
  mkdirSync(join(d, 'ws'));
  writeFileSync(join(d, 'ws', 'lab.slice'), readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8'));
  writeFileSync(
    join(d, 'ws', 'aaa.slice'),
    'slice aaa {\n  controller "tcp:127.0.0.1:7100"\n  overlay auto\n  flowspace { r: match ip_src 10.77.0.0/16 on s2:1 }\n  qos { cap 10Mbps guarantee 10Mbps on s1:3 <-> s2:3 }\n}\n',
  );
  const withPrev = await dfvisor(['compile', '--previous', join(d, 'a.json'), join(d, 'ws')]);
  assert.equal(withPrev.code, 0, withPrev.stderr);
  const a = JSON.parse(readFileSync(join(d, 'a.json'), 'utf8'));
  const b = JSON.parse(withPrev.stdout);
  for (const name of ['research', 'production']) {
    const pick = (p: any) =>
      JSON.stringify({
        s: p.slices.find((x: any) => x.name === name),
        m: p.qos.meters.filter((x: any) => x.slice === name),
        q: p.qos.queues.filter((x: any) => x.slice === name),
      });
    assert.equal(pick(b), pick(a), `${name} unchanged`);
  }
  const bad = await dfvisor(['compile', '--previous', join(d, 'missing.json'), 'samples/lab']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cannot read the previous plan/);
});
