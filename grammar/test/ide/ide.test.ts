// Editor-agnostic language features over parsed files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import * as ide from '../../src/ide/index.js';

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
  return { files, index: ide.buildIndex(files), ten: files[1]! };
}

describe('ide: index and admission', () => {
  it('derives link capacity from port speeds and sums guarantees in either direction', () => {
    const { index } = ws();
    assert.equal(index.links.length, 1);
    const l = index.links[0]!;
    assert.equal(l.capacityBps, 1e9);
    assert.equal(l.reservedBps, 9e8);
    assert.equal(ide.remainingBps(l), 1e8);
  });
});

describe('ide: navigation', () => {
  it('resolves references across files and renames them', () => {
    const { index, ten } = ws();
    const off = TEN.indexOf('s2 }');
    const defs = ide.definitionAt(index, ten.path, off);
    assert.deepEqual(defs.map((d) => [d.file, d.range.start.line, d.range.start.character]), [['net.slice', 2, 9]]);
    const r = ide.renameAt(index, ten.path, off, 'core');
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.edits.length, 5, 'declaration, link end, rule location, one end in each guarantee');
    assert.equal(ide.renameAt(index, ten.path, off, '9x').ok, false);
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
    const { index } = ws();
    const text = 'slice c {\n  flowspace {\n    r: match eth_type \n  }\n}\n';
    const f = parse(text, 'c.slice');
    const labels = ide.completeAt(index, f, text.indexOf('eth_type ') + 9).items.map((i) => i.label);
    assert.deepEqual(labels, ['ipv4', 'ipv6', 'arp', 'lldp']);
  });
});

describe('ide: rates', () => {
  it('formats and writes rates', () => {
    assert.equal(ide.formatRate(1.5e9), '1.5 Gbit/s');
    assert.equal(ide.formatBits(1e9), '1 000 000 000 bit/s');
    assert.equal(ide.rateLiteral(8e8), '800Mbps');
    assert.equal(ide.rateLiteral(1.5e9), '1.5Gbps');
    assert.equal(ide.parseRate('2.5Mbps'), 2.5e6);
  });
});

describe('ide: quick fixes', () => {
  it('lowers a guarantee to what fits and prefers the one the diagnostic is on', () => {
    const { index, ten } = ws();
    const text = TEN.replace('300Mbps', '500Mbps');
    const t = parse(text, 'ten.slice');
    const files = [parse(NET, 'net.slice'), t];
    const idx = ide.buildIndex(files);
    const start = text.indexOf('s2:3 <-> s1:3');
    const pos = (o: number) => ({ line: text.slice(0, o).split('\n').length - 1, character: o - text.lastIndexOf('\n', o - 1) - 1, offset: o });
    const d = { file: 'ten.slice', range: { start: pos(start), end: pos(start + 13) }, severity: 'error' as const, code: 'SL401', message: '', related: [] };
    const fixes = ide.quickFixes(idx, t, d);
    assert.equal(fixes[0]!.title, 'Lower the guarantee of slice b to 400 Mbit/s');
    assert.equal(fixes[0]!.edits[0]!.newText, '400Mbps');
    assert.equal(fixes[1]!.title, 'Lower the guarantee of slice a to 500 Mbit/s');
    void index; void ten;
  });
});

describe('ide: structure', () => {
  it('gives outline, folding and selection ranges', () => {
    const { ten } = ws();
    assert.deepEqual(ide.outline(ten).map((o) => o.name), ['a', 'b']);
    assert.ok(ide.foldingRanges(ten).some((r) => r.startLine === 0 && r.endLine === 5));
    const sel = ide.selectionRanges(ten, TEN.indexOf('s2 }'));
    assert.equal(TEN.slice(sel[0]!.start.offset, sel[0]!.end.offset), 's2');
    assert.equal(sel[sel.length - 1]!.end.offset, TEN.length);
  });
});
