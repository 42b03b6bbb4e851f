// Declared vs discovered as editor diagnostics: a miswired link (SL701, with the quick fix that
// rewrites it to what the runtime sees), a missing one (SL702), a port down (SL703); nothing for
// another network's declarations or without a runtime.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import * as ide from '../../src/ide/index.js';

const NET = `network lab {
  switch s1 dpid 1 { port 1..4 }
  switch s2 dpid 2 { port 1..4 }
  switch s3 dpid 3 { port 1..4 }
  link s1:3 <-> s2:3
  link s2:4 <-> s3:4
  link s1:4 <-> s3:2
}
`;
const end = (sw: string, dpid: number, port: number) => ({ switch: sw, dpid: dpid.toString(16).padStart(16, '0'), port });
const topology: ide.RuntimeTopology = {
  network: 'lab',
  links: [
    {
      a: end('s1', 1, 3),
      b: end('s2', 2, 3),
      state: 'miswired',
      seen: [{ a: end('s1', 1, 3), b: end('s3', 3, 1), since: '2026-12-05T12:04:31.000Z' }],
    },
    { a: end('s2', 2, 4), b: end('s3', 3, 4), state: 'seen' },
    { a: end('s1', 1, 4), b: end('s3', 3, 2), state: 'missing' },
  ],
  portsDown: [{ switch: 's1', port: 1, name: 'veth-h1', reason: 'admin-down' }],
};

describe('ide: the runtime topology as diagnostics', () => {
  it('reports the miswired and missing links on their lines and a downed port on its switch', () => {
    const f = parse(NET, 'net.slice');
    const ds = ide.runtimeTopologyDiagnostics([f], topology);
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line, d.severity, d.message]),
      [
        ['SL703', 1, 'warning', 'port s1:1 (veth-h1) is administratively down on the runtime'],
        ['SL701', 4, 'warning', 'declared s1:3 <-> s2:3; the runtime sees s1:3 <-> s3:1 (since 12:04 UTC)'],
        ['SL702', 6, 'warning', 'declared s1:4 <-> s3:2; the runtime sees no link there (no probe crossed it)'],
      ],
    );
  });

  it('offers the quick fix that rewrites the declaration to what was discovered', () => {
    const f = parse(NET, 'net.slice');
    const d = ide.runtimeTopologyDiagnostics([f], topology).find((x) => x.code === 'SL701')!;
    const fixes = ide.quickFixes(ide.buildEditorProgram([f]), f, d);
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0]!.title, 'Declare the link as the runtime sees it: s1:3 <-> s3:1');
    const e = fixes[0]!.edits[0]!;
    const fixed = NET.slice(0, e.range.start.offset) + e.newText + NET.slice(e.range.end.offset);
    assert.match(fixed, /\n {2}link s1:3 <-> s3:1\n/);
    // After the fix the declaration matches what the runtime sees: no SL701 on it.
    const after = parse(fixed, 'net.slice');
    const seenNow: ide.RuntimeTopology = { ...topology, links: [{ a: end('s1', 1, 3), b: end('s3', 3, 1), state: 'seen' }] };
    assert.deepEqual(ide.runtimeTopologyDiagnostics([after], seenNow), ds603(after));
  });

  it('judges nothing without a runtime, or in a network of another name', () => {
    const f = parse(NET, 'net.slice');
    assert.deepEqual(ide.runtimeTopologyDiagnostics([f], undefined), []);
    assert.deepEqual(ide.runtimeTopologyDiagnostics([f], { ...topology, network: 'campus' }), []);
  });
});

function ds603(f: ReturnType<typeof parse>) {
  return ide.runtimeTopologyDiagnostics([f], { ...topology, links: [] }).filter((d) => d.code === 'SL703');
}
