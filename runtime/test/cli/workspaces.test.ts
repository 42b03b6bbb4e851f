// Several networks in one folder tree, through the real `dfvisor` binary: one workspace per network folder
// (files belong to the nearest network folder at or above them), one summary per workspace, and the slices
// with no network above them reported once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dfvisor } from '../support/run-cli.js';

const NET = (name: string) => `network ${name} {\n  switch s1 dpid 1 { port 1..4 }\n}\n`;
const SLICE = (name: string, port = 1) =>
  `slice ${name} {\n  controller "tcp:127.0.0.1:7001"\n  flowspace { r: match tcp_dst 80 on s1:${port} }\n}\n`;

/** A tree: campus/ (network + tenants/), lab/ (network + a slice on an undeclared port), loose/ (no network). */
function tree(): string {
  const d = mkdtempSync(join(tmpdir(), 'dfv-ws-'));
  for (const dir of ['campus/tenants', 'lab', 'loose']) mkdirSync(join(d, dir), { recursive: true });
  writeFileSync(join(d, 'campus/network.slice'), NET('campus'));
  writeFileSync(join(d, 'campus/tenants/a.slice'), SLICE('a'));
  writeFileSync(join(d, 'lab/lab.slice'), NET('lab'));
  writeFileSync(join(d, 'lab/b.slice'), SLICE('b', 9));
  return d;
}

test('check samples: one summary per example network and only the real errors of samples/broken', async () => {
  const r = await dfvisor(['check', 'samples']);
  assert.equal(r.code, 1, r.stderr);
  const problems = r.stdout.split('\n').filter((l) => / (error|warning) SL/.test(l));
  assert.ok(problems.length > 0);
  assert.deepEqual(
    problems.filter((l) => !l.startsWith('samples/broken/')),
    [],
    'no error outside samples/broken',
  );
  assert.deepEqual(r.stderr.trim().split('\n'), [
    'samples/broken: 21 errors, 5 warnings in 1 file',
    'samples/campus: 0 errors, 0 warnings in 7 files',
    'samples/core: 0 errors, 0 warnings in 1 file',
    'samples/demo: 0 errors, 0 warnings in 1 file',
    'samples/lab: 0 errors, 0 warnings in 1 file',
    'samples/large: 0 errors, 0 warnings in 11 files',
    // alice's own workspace (samples/campus-alice): checked against a runtime's network and her grant
    'no network for these slices: samples/campus-alice/sandbox.slice (no folder at or above them declares a network); 0 errors, 0 warnings in 1 file',
  ]);
});

test('a tenants folder is checked with the network above it; each network is its own workspace', async () => {
  const d = tree();
  const r = await dfvisor(['check', d]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.deepEqual(
    r.stdout
      .split('\n')
      .filter((l) => / SL\d+ /.test(l))
      .map((l) => l.replace(d, '')),
    ["/lab/b.slice:3:41: error SL102 port 9 is not declared on switch 's1'"],
  );
  assert.match(r.stderr, new RegExp(`${d}/campus: 0 errors, 0 warnings in 2 files`));
  assert.match(r.stderr, new RegExp(`${d}/lab: 1 error, 0 warnings in 2 files`));
  assert.doesNotMatch(r.stdout + r.stderr, /SL106|SL104/, 'two networks in different folders are not a second network');
});

test('slices with no network above them are reported once, with their own checks only', async () => {
  const d = tree();
  writeFileSync(join(d, 'loose/c.slice'), SLICE('c'));
  writeFileSync(join(d, 'loose/e.slice'), `slice e {\n  controller "tcp:nohost"\n  flowspace { r: match tcp_dst 80 on s1:1 }\n}\n`);
  const r = await dfvisor(['check', d]);
  const noNetwork = r.stderr.split('\n').filter((l) => l.startsWith('no network for these slices'));
  assert.equal(noNetwork.length, 1, r.stderr);
  assert.ok(noNetwork[0]!.includes(`${d}/loose/c.slice, ${d}/loose/e.slice`), noNetwork[0]);
  assert.match(noNetwork[0]!, /1 error, 0 warnings in 2 files/);
  assert.match(r.stdout, /e\.slice:2:\d+: error SL202/);
  assert.doesNotMatch(r.stdout, /SL107|SL101/, 'said once on stderr; no switch errors without a network');
  const json = await dfvisor(['check', '--format', 'json', join(d, 'loose')]);
  const codes = (JSON.parse(json.stdout) as Array<{ code: string }>).map((x) => x.code).sort();
  assert.deepEqual(codes, ['SL107', 'SL107', 'SL202'], 'JSON keeps one SL107 per file for tools');
});

test('one network in one folder: the summary line is unchanged (no workspace prefix)', async () => {
  const r = await dfvisor(['check', 'samples/campus']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '0 errors, 0 warnings in 7 files\n');
});

test('compile and deploy take one network: several networks or unplaced slices are a clear error', async () => {
  const d = tree();
  const c = await dfvisor(['compile', d]);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /compile takes one network at a time; these files hold 2: .*\/campus, .*\/lab/);
  assert.equal(c.stdout, '');
  const campus = await dfvisor(['compile', join(d, 'campus', 'tenants'), join(d, 'campus', 'network.slice')]);
  assert.equal(campus.code, 0, campus.stderr);
  assert.deepEqual(
    (JSON.parse(campus.stdout) as { slices: Array<{ name: string }> }).slices.map((s) => s.name),
    ['a'],
  );
  const loose = await dfvisor(['compile', join(d, 'campus', 'tenants')]);
  assert.equal(loose.code, 1);
  assert.match(loose.stderr, /^not compiled: no network for these slices: .*a\.slice/m);
  // deploy refuses before it contacts any runtime
  const dep = await dfvisor(['deploy', '--api', 'http://127.0.0.1:9', d]);
  assert.equal(dep.code, 1, dep.stderr);
  assert.match(dep.stderr, /deploy takes one network at a time; these files hold 2/);
});
