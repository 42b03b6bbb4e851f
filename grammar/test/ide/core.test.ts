// Editor features for the managed core: `core` parses losslessly and formats, completes switch
// names, is a semantic token and an outline entry, hovers with its documentation; a slice's hover
// lists its virtual links with their compiled paths, a core switch's says it is in the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from '../../src/syntax/parse.js';
import { format } from '../../src/format/format.js';
import { compile } from '../../src/compile/compile.js';
import * as ide from '../../src/ide/index.js';
import { checkWorkspace } from '../../src/check/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const SAMPLE = readFileSync(`${root}samples/core/core.slice`, 'utf8');

function model(text = SAMPLE) {
  const file = parse(text, 'core.slice');
  return { file, model: ide.buildEditorProgram([file]) };
}

test('core lines: several lines are a union, lossless ranges, formatted to one statement per line', () => {
  const text = 'network n {\n  switch c1 dpid 1\n  switch c2 dpid 2\n  core   c1 ,c2\n  core c1\n}\n';
  const f = parse(text, 'x.slice');
  assert.deepEqual(f.errors, []);
  const net = f.items[0]!;
  assert.equal(net.kind, 'Network');
  const cores = net.kind === 'Network' ? net.members.filter((m) => m.kind === 'Core') : [];
  assert.deepEqual(
    cores.map((c) => (c.kind === 'Core' ? c.switches.map((s) => [s.name, text.slice(s.range.start.offset, s.range.end.offset)]) : [])),
    [
      [
        ['c1', 'c1'],
        ['c2', 'c2'],
      ],
      [['c1', 'c1']],
    ],
  );
  assert.equal(format(text), 'network n {\n  switch c1 dpid 1\n  switch c2 dpid 2\n  core c1, c2\n  core c1\n}\n');
  assert.equal(format(SAMPLE), SAMPLE, 'the sample is formatted');
  // `core` stays a soft keyword: a switch may be called core.
  assert.deepEqual(parse('network n { switch core dpid 1 core core }', 'y.slice').errors, []);
});

test('completion after core offers the switches not in the core yet', () => {
  const { model: m } = model();
  const text = 'network managed {\n  core \n}\n';
  const f = parse(text, 'more.slice');
  const at = text.indexOf('core ') + 5;
  assert.deepEqual(
    ide
      .completeAt(m, f, at)
      .items.map((i) => i.label)
      .sort(),
    ['e1', 'e2'],
  );
  const top = ide.completeAt(m, f, text.indexOf('  core') + 2).items.map((i) => i.label);
  assert.ok(top.includes('core'), top.join(' '));
});

test('semantic tokens and outline: core switches are switch references; the core line is an outline entry', () => {
  const { file } = model();
  const line = SAMPLE.split('\n').findIndex((l) => l.trim().startsWith('core '));
  const tokens = ide.semanticTokens(file).filter((t) => t.line === line);
  assert.deepEqual(
    tokens.map((t) => [t.character, t.length, t.type]),
    [
      [7, 2, 'type'],
      [11, 2, 'type'],
      [15, 2, 'type'],
    ],
  );
  const net = ide.outline(file)[0]!;
  assert.deepEqual(
    net.children.filter((c) => c.kind === 'core').map((c) => c.name),
    ['core c1, c2, c3'],
  );
});

test('hover: the core keyword, a core switch, and a slice with its virtual link and compiled paths', () => {
  const { file, model: m } = model();
  const kw = ide.hoverAt(m, file, SAMPLE.indexOf('core c1') + 1);
  assert.match(kw!.markdown, /^\*\*core\*\*: `core SWITCH\[, SWITCH…\]`: switches the hypervisor manages as the core/);
  const c2 = ide.hoverAt(m, file, SAMPLE.indexOf('core c1, c2') + 9);
  assert.match(c2!.markdown, /Core switch: managed by the hypervisor, in no slice's view; 0 virtual links cross it/);
  const c3 = ide.hoverAt(m, file, SAMPLE.indexOf('switch c3') + 8);
  assert.match(c3!.markdown, /2 virtual links cross it on their preferred path/);
  const plan = compile([file]).plan!;
  const red = ide.hoverAt(m, file, SAMPLE.indexOf('slice red') + 7, { plan });
  assert.ok(red);
  const lines = red.markdown.split('\n');
  assert.ok(!lines.includes('- guarantees: none'));
  assert.deepEqual(lines.slice(lines.indexOf('Virtual links (compiled paths, preferred first):')), [
    'Virtual links (compiled paths, preferred first):',
    '- `e1<->e2`: 300 Mbit/s guaranteed, ports e1:0xfe00 and e2:0xfe00, vlan 3',
    '  - preferred: e1:2 → c1 (1→3) → c3 (3→1) → e2:2',
    '  - alternative: e1:2 → c1 (1→2) → c2 (1→2) → c3 (2→1) → e2:2',
  ]);
  // The connected runtime's current path: a compiled one by its links, or none up.
  const runtime = (links: string[] | null) => ({
    network: 'managed',
    links: [],
    portsDown: [],
    virtualLinks: [{ slice: 'red', id: 'e1<->e2', links }],
  });
  const moved = ide.hoverAt(m, file, SAMPLE.indexOf('slice red') + 7, {
    plan,
    runtime: runtime(['e1:2<->c1:1', 'c1:2<->c2:1', 'c2:2<->c3:2', 'c3:1<->e2:2']),
  });
  assert.match(moved!.markdown, /\n {2}- current \(runtime\): e1:2 → c1 \(1→2\) → c2 \(1→2\) → c3 \(2→1\) → e2:2$/);
  const down = ide.hoverAt(m, file, SAMPLE.indexOf('slice red') + 7, { plan, runtime: runtime(null) });
  assert.match(down!.markdown, /- current \(runtime\): no path is up: the virtual port is down$/);
  // Without a plan: the same paths, without ports and tag.
  const bare = ide.hoverAt(m, file, SAMPLE.indexOf('slice red') + 7)!.markdown;
  assert.match(bare, /- `e1<->e2`: 300 Mbit\/s guaranteed\n {2}- preferred: e1:2 → c1/);
});

test('links of the core count the virtual links reserved on them; a virtual-link guarantee shows its path inlay', () => {
  const { file, model: m } = model();
  const direct = m.links.find((l) => l.link.id === 'c1:3<->c3:3')!;
  assert.equal(direct.reservedBps, 0);
  assert.equal(direct.virtualBps, 600_000_000);
  assert.equal(ide.remainingBps(direct), 400_000_000);
  const hover = ide.hoverAt(m, file, SAMPLE.indexOf('link c1:3 <-> c3:3') + 10)!.markdown;
  assert.match(hover, /1 Gbit\/s, 0 bit\/s guaranteed \+ 600 Mbit\/s for virtual links, 400 Mbit\/s free/);
  assert.match(hover, /- blue: 300 Mbit\/s \(virtual link e1<->e2\)\n- red: 300 Mbit\/s \(virtual link e1<->e2\)/);
  const hints = ide.inlayHints(m, file).filter((h) => h.label.startsWith('via '));
  assert.deepEqual(
    hints.map((h) => [h.position.line, h.label, h.tooltip]),
    [
      [43, 'via c1, c3', 'preferred: e1:2 → c1 (1→3) → c3 (3→1) → e2:2\nalternative: e1:2 → c1 (1→2) → c2 (1→2) → c3 (2→1) → e2:2'],
      [56, 'via c1, c3', 'preferred: e1:2 → c1 (1→3) → c3 (3→1) → e2:2\nalternative: e1:2 → c1 (1→2) → c2 (1→2) → c3 (2→1) → e2:2'],
    ],
  );
});

test('completion after guarantee … on offers the slice virtual links first', () => {
  const text = SAMPLE.replace('guarantee 300Mbps on e1 <-> e2\n  }\n}\n\n// Blue', 'guarantee 300Mbps on \n  }\n}\n\n// Blue');
  const f = parse(text, 'core.slice');
  const m = ide.buildEditorProgram([f]);
  const items = ide.completeAt(m, f, text.indexOf('guarantee 300Mbps on ') + 21).items;
  assert.deepEqual(
    items.filter((i) => i.detail === 'virtual link across the core').map((i) => [i.label, i.documentation]),
    [['e1 <-> e2', 'virtual link **e1<->e2**, shortest path e1:2 → c1 (1→3) → c3 (3→1) → e2:2']],
  );
});

test('quick fixes: SL803 lowers the guarantee to what a path admits; SL804 on two linked switches names the link', () => {
  const full = SAMPLE.replace('link c1:3 <-> c3:3 capacity 1Gbps', 'link c1:3 <-> c3:3 capacity 500Mbps').replace(
    'link c1:2 <-> c2:1 capacity 1Gbps',
    'link c1:2 <-> c2:1 capacity 250Mbps',
  );
  const f = parse(full, 'core.slice');
  const { diagnostics } = checkWorkspace([f]);
  const sl803 = diagnostics.find((d) => d.code === 'SL803')!;
  assert.equal(sl803.data?.['fitsBps'], 250_000_000);
  const [lower] = ide.quickFixes(ide.buildEditorProgram([f]), f, sl803);
  assert.equal(lower!.title, 'Lower the guarantee to 250 Mbit/s (the most a path through the core admits)');
  assert.equal(applyOne(full, lower!.edits[0]!), full.replace(/(slice red[\s\S]*?guarantee )300Mbps/, '$1250Mbps'));

  const linked = SAMPLE.replace('  core c1, c2, c3', '  link e1:4 <-> e2:4\n  core c1, c2, c3')
    .replace('port 3 "blue-h1"', 'port 3 "blue-h1"\n    port 4')
    .replace('port 3 "blue-h2"', 'port 3 "blue-h2"\n    port 4');
  const g = parse(linked, 'core.slice');
  const sl804 = checkWorkspace([g]).diagnostics.filter((d) => d.code === 'SL804');
  assert.equal(sl804.length, 2);
  const [fix] = ide.quickFixes(ide.buildEditorProgram([g]), g, sl804[0]!);
  assert.equal(fix!.title, 'Guarantee the declared link e1:4 <-> e2:4');
  assert.match(applyOne(linked, fix!.edits[0]!), /guarantee 300Mbps on e1:4 <-> e2:4\n/);
});

function applyOne(text: string, e: { range: { start: { offset: number }; end: { offset: number } }; newText: string }): string {
  return text.slice(0, e.range.start.offset) + e.newText + text.slice(e.range.end.offset);
}
