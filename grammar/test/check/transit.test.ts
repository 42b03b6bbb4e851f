// Overlay tags at link ports: the demo's transit switch, and the plan's view agreeing with
// the checker about which ports are link ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindWorkspace, checkWorkspace, compile, loadWorkspace, parse, sliceViewPorts } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

test('samples/demo checks clean: red and blue share the transit switch s2 with different tags', async () => {
  const ws = await loadWorkspace([`${root}samples/demo`]);
  const files = ws.files.map((f) => parse(f.text, relative(root, f.path)));
  assert.deepEqual(
    checkWorkspace(files).diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`),
    [],
  );
  const plan = compile(files).plan!;
  for (const name of ['red', 'blue']) {
    const s2 = plan.slices.find((s) => s.name === name)!.view.find((v) => v.switch === 's2')!;
    assert.deepEqual([s2.ports, s2.linkPorts], ['*', [3, 4]]);
  }
  // Same tag for both: SL302, and the overlap comes back on the link ports.
  const same = files.map((f) => parse(f.text.replace('overlay vlan 102', 'overlay vlan 101'), f.path));
  const codes = checkWorkspace(same).diagnostics.map((d) => `${d.code} ${d.code === 'SL301' ? d.data?.location : ''}`.trim());
  assert.deepEqual(codes.sort(), ['SL301 s2:3', 'SL301 s2:3', 'SL302', 'SL302']);
});

test('sliceViewPorts: link ports are the ends of links between two switches of the view', () => {
  const text = `network n {
  switch a dpid 1 { port 1..4 }  switch b dpid 2 { port 1..4 }  switch c dpid 3 { port 1..4 }
  link a:4 <-> b:4  link b:3 <-> c:3  link a:3 <-> c:4
}
slice x { controller "tcp:127.0.0.1:6633" flowspace { r: match on a:1, b } }
slice y { controller "tcp:127.0.0.1:6634" flowspace { r: match on all } }
`;
  const { program } = bindWorkspace([parse(text, 'n.slice')]);
  const view = (name: string): Record<string, number[]> =>
    Object.fromEntries([...sliceViewPorts(program, program.sliceByName.get(name)!).link].map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(view('x'), { a: [4], b: [4] });
  assert.deepEqual(view('y'), { a: [3, 4], b: [3, 4], c: [3, 4] });
});

test('a wide location on a transit switch: only its edge ports overlap', () => {
  const text = `network n {
  switch a dpid 1 { port 1..4 }  switch t dpid 2 { port 1..100 }  switch b dpid 3 { port 1..4 }
  link a:4 <-> t:99  link t:100 <-> b:4
}
slice x { controller "tcp:127.0.0.1:6633" overlay vlan 10 flowspace { r: match on a:1, t:90..100, b:1 } }
slice y { controller "tcp:127.0.0.1:6634" overlay vlan 11 flowspace { r: match on a:2, t:*, b:2 } }
slice z { controller "tcp:127.0.0.1:6635" overlay vlan 12 flowspace { r: match on a:3, t:99..100, b:3 } }
`;
  const { diagnostics } = checkWorkspace([parse(text, 'n.slice')]);
  // x and y meet at t:90 (an edge port); z holds only t's link ports, so it meets nobody.
  assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.data?.otherSlice} ${d.data?.location}`).sort(), ['SL301 x t:90', 'SL301 y t:90']);
});
