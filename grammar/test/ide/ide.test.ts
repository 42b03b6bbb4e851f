// Editor-agnostic language features over parsed files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import * as ide from '../../src/ide/index.js';
import { checkWorkspace } from '../../src/check/index.js';
import { dpidColons, dpidHex, formatRate } from '../../src/notation/index.js';

const NET = `network n {
  switch s1 dpid 1 { port 1..3 speed 1Gbps }
  switch s2 dpid 2 { port 1..3 speed 1Gbps }
  link s1:3 <-> s2:3
}
`;
const TEN = `slice a {
  controller "tcp:127.0.0.1:1"
  overlay vlan 10
  flowspace { r: match tcp_dst 80 on s1:1, s2 }
  qos { guarantee 600Mbps on s1:3 <-> s2:3 }
}
slice b {
  controller "tcp:127.0.0.1:2"
  flowspace { r: match udp_dst 53 on s1:2 }
  qos { guarantee 300Mbps on s2:3 <-> s1:3 }
}
`;

function ws() {
  const files = [parse(NET, 'net.slice'), parse(TEN, 'ten.slice')];
  return { files, model: ide.buildEditorProgram(files), ten: files[1]! };
}

describe('ide: model and admission', () => {
  it('derives link capacity from port speeds and sums guarantees in either direction', () => {
    const { model } = ws();
    assert.equal(model.links.length, 1);
    const l = model.links[0]!;
    assert.equal(l.capacityBps, 1e9);
    assert.equal(l.reservedBps, 9e8);
    assert.equal(ide.remainingBps(l), 1e8);
  });
});

describe('ide: navigation', () => {
  it('resolves references across files and renames them', () => {
    const { model, ten } = ws();
    const off = TEN.indexOf('s2 }');
    const defs = ide.definitionAt(model, ten, off);
    assert.deepEqual(
      defs.map((d) => [d.file, d.range.start.line, d.range.start.character]),
      [['net.slice', 2, 9]],
    );
    const r = ide.renameAt(model, ten, off, 'core');
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.edits.length, 5, 'declaration, link end, rule location, one end in each guarantee');
    assert.equal(ide.renameAt(model, ten, off, '9x').ok, false);
  });
});

describe('ide: completion context', () => {
  const at = (text: string) => ide.completionContext(text.replace('|', ''), text.indexOf('|'));
  it('finds the block and the statement under the cursor', () => {
    assert.equal(at('|').block, 'top');
    assert.equal(at('network n {\n  switch s1 dpid 1 {\n    |').block, 'switch');
    const c = at('slice a {\n  flowspace {\n    r: match tcp_dst 80 on s1:|');
    assert.equal(c.block, 'flowspace');
    assert.deepEqual(c.statement, ['r:', 'match', 'tcp_dst', '80', 'on']);
    assert.equal(c.prefix, 's1:');
    assert.equal(c.slice, 'a');
    assert.equal(at('slice a {\n  qos {\n    class v { match udp_dst |').block, 'class');
    assert.equal(at('slice a { /* { */ "}" limits {\n |').block, 'limits', 'comments and strings are skipped');
  });

  it('offers field values after a field and locations after on', () => {
    const { model } = ws();
    const text = 'slice c {\n  flowspace {\n    r: match eth_type \n  }\n}\n';
    const f = parse(text, 'c.slice');
    const labels = ide.completeAt(model, f, text.indexOf('eth_type ') + 9).items.map((i) => i.label);
    assert.deepEqual(labels, ['ipv4', 'ipv6', 'arp', 'lldp']);
  });
});

describe('ide: rates', () => {
  it('formats and writes rates', () => {
    assert.equal(formatRate(1.5e9, 'spaced'), '1.5 Gbit/s');
    assert.equal(ide.formatBits(1e9), '1 000 000 000 bit/s');
    assert.equal(ide.rateLiteral(8e8), '800Mbps');
    assert.equal(ide.rateLiteral(1.5e9), '1.5Gbps');
    assert.equal(ide.parseRate('2.5Mbps'), 2.5e6);
  });
  it('has one formatRate with an explicit style: compact in diagnostics, spaced in the editor', () => {
    assert.equal(formatRate(1.5e9, 'compact'), '1.5Gbps');
    assert.equal(formatRate(1500, 'compact'), '1.5Kbps');
    assert.equal(formatRate(999, 'compact'), '999bps');
    assert.equal(formatRate(Infinity, 'spaced'), 'unbounded');
    assert.equal(formatRate(800, 'spaced'), '800 bit/s');
  });
  it('writes datapath ids the plan way and the switch way', () => {
    assert.equal(dpidHex(10n), '000000000000000a');
    assert.equal(dpidHex(undefined), '0000000000000000');
    assert.equal(dpidColons(0xabn), '00:00:00:00:00:00:00:ab');
  });
});

describe('ide: quick fixes', () => {
  it('lowers a guarantee to what fits and prefers the one the diagnostic is on', () => {
    const text = TEN.replace('300Mbps', '500Mbps');
    const t = parse(text, 'ten.slice');
    const files = [parse(NET, 'net.slice'), t];
    const idx = ide.buildEditorProgram(files);
    const start = text.indexOf('s2:3 <-> s1:3');
    const pos = (o: number) => ({
      line: text.slice(0, o).split('\n').length - 1,
      character: o - text.lastIndexOf('\n', o - 1) - 1,
      offset: o,
    });
    const d = {
      file: 'ten.slice',
      range: { start: pos(start), end: pos(start + 13) },
      severity: 'error' as const,
      code: 'SL401',
      message: '',
      related: [],
    };
    const fixes = ide.quickFixes(idx, t, d);
    assert.equal(fixes[0]!.title, 'Lower the guarantee of slice b to 400 Mbit/s');
    assert.equal(fixes[0]!.edits[0]!.newText, '400Mbps');
    assert.equal(fixes[1]!.title, 'Lower the guarantee of slice a to 500 Mbit/s');
  });
});

describe('ide: quick fix for VLAN slicing on a VLAN overlay (SL304)', () => {
  const net = 'network n {\n  switch s1 dpid 1 { port 1..4 }\n  switch s2 dpid 2 { port 1..4 }\n  link s1:4 <-> s2:4\n}\n';
  const fix = (ten: string) => {
    const files = [parse(net, 'net.slice'), parse(ten, 'ten.slice')];
    const d = checkWorkspace(files).diagnostics.find((x) => x.code === 'SL304')!;
    assert.ok(d, 'SL304 is reported');
    const fixes = ide.quickFixes(ide.buildEditorProgram(files), files[1]!, d);
    assert.equal(fixes.length, 1);
    const e = fixes[0]!.edits[0]!;
    const fixed = ten.slice(0, e.range.start.offset) + e.newText + ten.slice(e.range.end.offset);
    const after = [parse(net, 'net.slice'), parse(fixed, 'ten.slice')];
    assert.deepEqual(
      checkWorkspace(after).diagnostics.map((x) => x.code),
      [],
      'the fixed workspace is clean',
    );
    return { title: fixes[0]!.title, fixed };
  };
  it('replaces an overlay vlan line with the lowest free MPLS label', () => {
    const r = fix('slice t {\n  controller "tcp:127.0.0.1:1"\n  overlay vlan 20\n  flowspace { r: match vlan_vid 100 on s1:1, s2:1 }\n}\n');
    assert.equal(r.title, 'Give slice t the MPLS overlay 16');
    assert.match(r.fixed, /\n {2}overlay mpls 16\n {2}flowspace/);
  });
  it('adds the overlay line to a slice that had none (auto)', () => {
    const r = fix('slice t {\n  controller "tcp:127.0.0.1:1"\n  flowspace { r: match vlan_vid 100 on s1:1, s2:1 }\n}\n');
    assert.match(r.fixed, /^slice t \{\n {2}overlay mpls 16\n {2}controller/);
  });
});

describe('ide: structure', () => {
  it('gives outline, folding and selection ranges', () => {
    const { ten } = ws();
    assert.deepEqual(
      ide.outline(ten).map((o) => o.name),
      ['a', 'b'],
    );
    assert.ok(ide.foldingRanges(ten).some((r) => r.startLine === 0 && r.endLine === 5));
    const sel = ide.selectionRanges(ten, TEN.indexOf('s2 }'));
    assert.equal(TEN.slice(sel[0]!.start.offset, sel[0]!.end.offset), 's2');
    assert.equal(sel[sel.length - 1]!.end.offset, TEN.length);
  });
});

describe('ide: one model (the bound program)', () => {
  it('hovers ports: declared, undeclared, and on a switch that accepts any', () => {
    const net = 'network n {\n  switch s1 dpid 1 { port 1..3 "edge" speed 1Gbps }\n  switch s9 dpid 9\n}\n';
    const ten = 'slice a {\n  controller "tcp:127.0.0.1:1"\n  flowspace { r: match on s1:2, s1:7, s9:5 }\n}\n';
    const files = [parse(net, 'net.slice'), parse(ten, 'ten.slice')];
    const model = ide.buildEditorProgram(files);
    const hover = (needle: string) => ide.hoverAt(model, files[1]!, ten.indexOf(needle) + needle.length - 1)?.markdown ?? '';
    assert.match(hover('s1:2'), /^\*\*port s1:2\*\* "edge", 1 Gbit\/s/);
    assert.match(hover('s1:7'), /port s1:7\*\* \(not declared\)/);
    assert.match(hover('s9:5'), /port s9:5\*\* \(switch accepts any port\)/);
  });

  it('finds references, refuses to rename a port, and renames a network split over two blocks', () => {
    const a = 'network n {\n  switch s1 dpid 1 { port 1..2 }\n}\n';
    const b = 'network n {\n  switch s2 dpid 2 { port 1..2 }\n  link s1:1 <-> s2:1\n}\n';
    const files = [parse(a, 'a.slice'), parse(b, 'b.slice')];
    const model = ide.buildEditorProgram(files);
    const refs = ide.referencesAt(model, files[0]!, a.indexOf('s1'), false);
    assert.deepEqual(
      refs.map((r) => [r.file, r.range.start.line]),
      [['b.slice', 2]],
    );
    assert.equal(ide.prepareRenameAt(model, files[1]!, b.indexOf('s1:1') + 3).ok, false, 'a port is a number');
    const r = ide.renameAt(model, files[1]!, b.indexOf('n {'), 'campus');
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(r.edits.map((e) => e.file).sort(), ['a.slice', 'b.slice']);
    assert.deepEqual(
      ide
        .workspaceSymbols(model, 's')
        .map((s) => s.name)
        .sort(),
      ['s1', 's2'],
      'ports and links are not listed',
    );
  });

  it('reads the same link loads from a checked program as from its own binding', async () => {
    const { files, model } = ws();
    const { checkWorkspace } = await import('../../src/check/workspace.js');
    const again = ide.editorProgramOf(checkWorkspace(files).program);
    assert.deepEqual(
      again.links.map((l) => [l.link.id, l.reservedBps, l.capacityBps]),
      model.links.map((l) => [l.link.id, l.reservedBps, l.capacityBps]),
    );
  });
});
