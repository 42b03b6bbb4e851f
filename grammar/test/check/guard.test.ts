// checkWorkspace guards each check: a throw becomes one SL900 naming the check; the others still run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWorkspace, parse, PROGRAM_CHECKS, type ProgramCheck } from '../../src/index.js';

// Two slices share vlan 10 (SL302 from 'tags') and write the same packets (SL301 from 'overlaps').
const files = [
  parse(`network n {\n  switch s1 dpid 1 { port 1..4 }\n}\n`, '/w/net.slice'),
  parse(`slice a { controller "tcp:127.0.0.1:7001" overlay vlan 10 flowspace { r: match tcp_dst 80 on s1:1 } }\n`, '/w/a.slice'),
  parse(`slice b { controller "tcp:127.0.0.1:7002" overlay vlan 10 flowspace { r: match tcp_dst 80 on s1:1 } }\n`, '/w/b.slice'),
];

const throwing = (name: string): ProgramCheck => ({
  name,
  run: () => {
    throw new Error(`${name} broke`);
  },
});
const codes = (ds: Array<{ code: string }>) => ds.map((d) => d.code);

test('without a throw, the checks report as usual and there is no SL900', () => {
  const r = checkWorkspace(files);
  assert.ok(codes(r.diagnostics).includes('SL302'));
  assert.ok(codes(r.diagnostics).includes('SL301'));
  assert.ok(!codes(r.diagnostics).includes('SL900'));
});

test('a check that throws gives one SL900 naming it, and the other checks still report', () => {
  const checks = PROGRAM_CHECKS.map((c) => (c.name === 'tags' ? throwing('tags') : c));
  const r = checkWorkspace(files, checks);
  const internal = r.diagnostics.filter((d) => d.code === 'SL900');
  assert.equal(internal.length, 1, JSON.stringify(internal));
  assert.equal(internal[0]!.severity, 'error');
  assert.match(internal[0]!.message, /'tags' check: tags broke/);
  assert.deepEqual(internal[0]!.data, { check: 'tags' });
  assert.equal(internal[0]!.file, '/w/a.slice', 'reported on the first file by path');
  assert.ok(!codes(r.diagnostics).includes('SL302'), 'the broken check reported nothing');
  assert.ok(codes(r.diagnostics).includes('SL301'), 'the overlap check after it still ran');
});

test('several throwing checks give one SL900 each', () => {
  const r = checkWorkspace(files, [throwing('first'), ...PROGRAM_CHECKS, throwing('last')]);
  const named = r.diagnostics
    .filter((d) => d.code === 'SL900')
    .map((d) => d.data?.['check'])
    .sort();
  assert.deepEqual(named, ['first', 'last']);
  assert.ok(codes(r.diagnostics).includes('SL302'));
});

test('a binder that throws is one SL900 too: the checks then run over an empty program, nothing escapes', () => {
  const good = files[0]!;
  // A tree no parser makes (items is not a list): binding it throws.
  const odd = { ...good, path: '/w/odd.slice', items: null } as unknown as typeof good;
  const r = checkWorkspace([odd]);
  const named = r.diagnostics.filter((d) => d.code === 'SL900').map((d) => d.data?.['check']);
  assert.ok(named.includes('bind'), JSON.stringify(r.diagnostics));
  assert.equal(r.program.files.length, 1);
  assert.equal(r.program.switches.size, 0);
});
