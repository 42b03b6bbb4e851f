// The bound Program: symbols, references and position lookups; the workspace loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindWorkspace, checkWorkspace, loadWorkspace, parse, referencesTo, symbolAt } from '../../src/index.js';

const net = `network n {
  switch s1 dpid 1 { port 1..4 }
  switch s2 dpid 2
  link s1:4 <-> s2:1 capacity 1Gbps
}
`;
const tenant = `slice t {
  controller "tcp:127.0.0.1:6633"
  flowspace { web: match tcp_dst 80 on s1:2, s2 }
  qos { guarantee 1Mbps on s2:1 <-> s1:4 }
  limits { flow_entries 5 on s1 }
}
`;

test('symbols and references across files, looked up by position', () => {
  const { program, diagnostics } = bindWorkspace([parse(tenant, 'b/t.slice'), parse(net, 'a/net.slice')]);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    program.files.map((f) => f.path),
    ['a/net.slice', 'b/t.slice'],
  );
  const kinds = program.symbols.map((s) => `${s.kind}:${s.name}${s.container ? `@${s.container}` : ''}`);
  assert.deepEqual(kinds, ['network:n', 'switch:s1', 'port:1..4@s1', 'switch:s2', 'link:s1:4<->s2:1', 'slice:t', 'rule:web@t']);
  // `s1` in `on s1:2` (line 2, after "on ") resolves to the switch in the other file.
  const line = tenant.split('\n')[2];
  const hit = symbolAt(program, 'b/t.slice', { line: 2, character: line.indexOf('s1:2') })!;
  assert.equal(hit.symbol.kind, 'switch');
  assert.equal(hit.symbol.file, 'a/net.slice');
  assert.equal(hit.isDeclaration, false);
  // `2` in `s1:2` is the port declaration 1..4.
  assert.equal(symbolAt(program, 'b/t.slice', { line: 2, character: line.indexOf('s1:2') + 3 })!.symbol.name, '1..4');
  const s1 = program.switches.get('s1')!;
  const refs = referencesTo(program, s1.symbolId);
  assert.deepEqual(
    refs.map((r) => `${r.file}:${r.range.start.line}`),
    ['a/net.slice:3', 'b/t.slice:2', 'b/t.slice:3', 'b/t.slice:4'],
  );
  // The guarantee, written in the other direction, references the link.
  const link = program.links[0];
  assert.equal(referencesTo(program, link.symbolId).length, 1);
  assert.equal(link.capacityBps, 1e9);
  // On a declaration name.
  assert.equal(symbolAt(program, 'a/net.slice', { line: 1, character: 10 })!.isDeclaration, true);
});

test('a broken file is still checked past its syntax error', () => {
  const { diagnostics } = checkWorkspace([
    parse(`${net}slice x { controller "tcp:1.2.3.4:1" flowspace { r: match on s9 } }\nslice ( \n`, 'w.slice'),
  ]);
  assert.ok(diagnostics.some((d) => d.code === 'SL001'));
  assert.ok(diagnostics.some((d) => d.code === 'SL101' && d.message.includes("'s9'")));
});

test('loadWorkspace: files and directories, sorted, dot-dirs and node_modules skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-ws-'));
  try {
    mkdirSync(join(dir, 'tenants', 'deep'), { recursive: true });
    mkdirSync(join(dir, '.hidden'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'net.slice'), net);
    writeFileSync(join(dir, 'tenants', 'deep', 't.slice'), tenant);
    writeFileSync(join(dir, 'tenants', 'a.slice'), '');
    writeFileSync(join(dir, 'tenants', 'notes.txt'), 'x');
    writeFileSync(join(dir, '.hidden', 'h.slice'), 'garbage');
    writeFileSync(join(dir, 'node_modules', 'n.slice'), 'garbage');
    const ws = await loadWorkspace([join(dir, 'tenants'), join(dir, 'net.slice'), join(dir, 'missing')]);
    assert.deepEqual(
      ws.files.map((f) => f.path.slice(dir.length + 1)),
      ['net.slice', 'tenants/a.slice', 'tenants/deep/t.slice'],
    );
    assert.equal(ws.errors.length, 1);
    assert.match(ws.errors[0].message, /no such file/);
    assert.deepEqual(checkWorkspace(ws.files).diagnostics, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
