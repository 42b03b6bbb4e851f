// Language features over real JSON-RPC against the spawned server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CodeLens,
  DocumentSymbol,
  FoldingRange,
  InlayHint,
  Location,
  SelectionRange,
  SemanticTokens,
  SymbolInformation,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import {
  applyEdits,
  expectCompletion,
  expectDefinition,
  expectHover,
  fixture,
  LspClient,
  tempWorkspace,
  type TempWorkspace,
} from '../test-support/harness.js';
import { NETWORK, RESEARCH } from '../test-support/fixtures.js';

describe('language features', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  let net: string;
  let ten: string;

  before(async () => {
    ws = tempWorkspace({ 'network.slice': NETWORK, 'tenants/research.slice': RESEARCH });
    net = ws.uri('network.slice');
    ten = ws.uri('tenants/research.slice');
    client = await LspClient.start({ workspace: ws.dir });
  });
  after(async () => {
    await client?.stop();
    ws?.cleanup();
  });

  it('announces every feature in its capabilities', () => {
    const c = client.initializeResult.capabilities;
    for (const k of [
      'completionProvider',
      'hoverProvider',
      'definitionProvider',
      'referencesProvider',
      'renameProvider',
      'documentSymbolProvider',
      'workspaceSymbolProvider',
      'foldingRangeProvider',
      'selectionRangeProvider',
      'semanticTokensProvider',
      'documentFormattingProvider',
      'documentRangeFormattingProvider',
      'codeActionProvider',
      'inlayHintProvider',
      'codeLensProvider',
    ] as const) {
      assert.ok(c[k], `${k} is announced`);
    }
    assert.equal(client.initializeResult.serverInfo?.name, 'slice-language-server');
  });

  it('completes keywords at the start of a slice statement, with documentation', async () => {
    const f = fixture('slice t {\n  <|>\n}\n');
    const uri = ws.uri('c1.slice');
    await client.open(uri, f.text);
    const items = await expectCompletion(client, uri, f.cursors[0]!, {
      includes: ['owner', 'controller', 'overlay', 'flowspace', 'qos', 'limits', 'flowspace block', 'qos block'],
      excludes: ['switch', 'link', 'eth_type'],
      documented: true,
    });
    const snippet = items.find((i) => i.label === 'qos block')!;
    assert.equal(snippet.insertTextFormat, 2, 'snippets are snippets');
  });

  it('completes top-level keywords and block snippets', async () => {
    const f = fixture('<|>\n');
    const uri = ws.uri('c2.slice');
    await client.open(uri, f.text);
    await expectCompletion(client, uri, f.cursors[0]!, {
      includes: ['network', 'slice', 'slice block', 'network block'],
      excludes: ['owner'],
    });
  });

  it('completes match fields and their values', async () => {
    const f = fixture('slice t {\n  flowspace {\n    r: match <|> eth_type <|>\n  }\n}\n');
    const uri = ws.uri('c3.slice');
    await client.open(uri, f.text);
    const fields = await expectCompletion(client, uri, f.cursors[0]!, {
      includes: ['eth_type', 'ip_src', 'tcp_dst', 'udp_dst', 'vlan_vid'],
      documented: true,
    });
    assert.match(String((fields.find((i) => i.label === 'tcp_dst')!.documentation as { value: string }).value), /OXM_OF_TCP_DST/);
    await expectCompletion(client, uri, f.cursors[1]!, { includes: ['ipv4', 'arp', 'ipv6', 'lldp'], excludes: ['tcp_dst'] });
  });

  it('completes ip_proto values', async () => {
    const f = fixture('slice t {\n  flowspace {\n    r: match ip_proto <|>\n  }\n}\n');
    const uri = ws.uri('c4.slice');
    await client.open(uri, f.text);
    await expectCompletion(client, uri, f.cursors[0]!, { includes: ['tcp', 'udp', 'icmp'] });
  });

  it('completes switch names and switch:port with the declared ports after `on`', async () => {
    const f = fixture('slice t {\n  flowspace {\n    r: match eth_type arp on <|>\n    q: match eth_type arp on s1:<|>\n  }\n}\n');
    const uri = ws.uri('c5.slice');
    await client.open(uri, f.text);
    await expectCompletion(client, uri, f.cursors[0]!, {
      includes: ['all', 's1', 's2', 's3', 's1:1', 's1:3', 's2:4'],
      excludes: ['s1:4', 'eth_type'],
    });
    const ports = await expectCompletion(client, uri, f.cursors[1]!, { includes: ['s1:1', 's1:2', 's1:3'], excludes: ['s2:1', 's1:4'] });
    const p1 = ports.find((p) => p.label === 's1:1')!;
    assert.equal(p1.detail, 'host-a 1Gbps');
    // The edit replaces the typed `s1:`.
    const te = p1.textEdit as { range: { start: { character: number }; end: { character: number } } };
    assert.equal(te.range.end.character - te.range.start.character, 3);
  });

  it('completes declared links inside `guarantee … on`', async () => {
    const f = fixture('slice t {\n  qos {\n    guarantee 10Mbps on <|>\n  }\n}\n');
    const uri = ws.uri('c6.slice');
    await client.open(uri, f.text);
    const items = await expectCompletion(client, uri, f.cursors[0]!, { includes: ['s1:3 <-> s2:3', 's2:4 <-> s3:3'] });
    assert.match(items.find((i) => i.label === 's1:3 <-> s2:3')!.detail!, /free of 1 Gbit\/s/);
  });

  it('completes overlay modes, a free tag, permissions, limits and switch names after flow_entries on', async () => {
    const f = fixture(
      'slice t {\n  overlay <|>\n  overlay vlan <|>\n  flowspace {\n    r: match on s1 permit <|>\n  }\n  limits {\n    flow_entries 10 on <|>\n  }\n}\n',
    );
    const uri = ws.uri('c7.slice');
    await client.open(uri, f.text);
    await expectCompletion(client, uri, f.cursors[0]!, { includes: ['vlan', 'mpls', 'auto'] });
    const tags = await client.completion(uri, f.cursors[1]!);
    assert.ok(tags.length === 1 && tags[0]!.label !== '101', 'offers a tag no slice uses');
    await expectCompletion(client, uri, f.cursors[2]!, { includes: ['read', 'write', 'delegate'] });
    await expectCompletion(client, uri, f.cursors[3]!, { includes: ['s1', 's2', 's3'] });
  });

  it('completes slice names after `slice`', async () => {
    const f = fixture('slice <|>\n');
    const uri = ws.uri('c8.slice');
    await client.open(uri, f.text);
    await expectCompletion(client, uri, f.cursors[0]!, { includes: ['research'] });
  });

  it('hovers a switch with dpid, ports and links', async () => {
    const f = fixture('slice h {\n  flowspace { r: match on s<|>2:1 }\n}\n');
    const uri = ws.uri('h1.slice');
    await client.open(uri, f.text);
    await expectHover(
      client,
      uri,
      f.cursors[0]!,
      '**switch s2**',
      '00:00:00:00:00:00:00:02',
      '1..4 10 Gbit/s',
      's1:3 <-> s2:3',
      '800 Mbit/s free',
    );
  });

  it('hovers a rate with its normalised value', async () => {
    const f = fixture('slice h {\n  qos { cap 1<|>500Mbps }\n}\n');
    const uri = ws.uri('h2.slice');
    await client.open(uri, f.text);
    await expectHover(client, uri, f.cursors[0]!, '1.5 Gbit/s', '1 500 000 000 bit/s');
  });

  it('hovers a slice with owner, tag, guarantees and remaining capacity', async () => {
    const f = fixture(RESEARCH.replace('slice research', 'slice res<|>earch'));
    await expectHover(
      client,
      ten,
      f.cursors[0]!,
      '**slice research**',
      'alice@example.org',
      'vlan 101',
      '200 Mbit/s on `s1:3 <-> s2:3`',
      '800 Mbit/s remaining',
    );
  });

  it('hovers a field with its meaning and OXM name', async () => {
    const pos = fixture(RESEARCH.replace('tcp_dst 80', 'tcp_<|>dst 80')).cursors[0]!;
    await expectHover(client, ten, pos, 'TCP destination port', 'OXM_OF_TCP_DST');
  });

  it('goes to the definition of a switch in another file', async () => {
    const refPos = fixture(RESEARCH.replace('on s1:1, s3:1', 'on s1:1, s<|>3:1')).cursors[0]!;
    const target = fixture(NETWORK.replace('switch s3 dpid', 'switch <|s3|> dpid')).ranges[0]!;
    await expectDefinition(client, ten, refPos, { uri: net, range: target });
  });

  it('goes from a port reference to the port declaration', async () => {
    const refPos = fixture(RESEARCH.replace('on s1:1, s3:1', 'on s1:<|>1, s3:1')).cursors[0]!;
    const target = fixture(NETWORK.replace('port 1 "host-a"', 'port <|1|> "host-a"')).ranges[0]!;
    await expectDefinition(client, ten, refPos, { uri: net, range: target });
  });

  it('finds references of a switch across files', async () => {
    const pos = fixture(NETWORK.replace('switch s2 dpid', 'switch <|>s2 dpid')).cursors[0]!;
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: net },
      position: pos,
      context: { includeDeclaration: true },
    });
    const inNet = refs.filter((r) => r.uri === net).length;
    const inTen = refs.filter((r) => r.uri === ten).length;
    assert.equal(inNet, 3, 'declaration + two links');
    assert.equal(inTen, 3, 'arp rule + two guarantee links');
  });

  it('lists document symbols as an outline and finds workspace symbols', async () => {
    const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: ten } });
    assert.equal(syms.length, 1);
    assert.equal(syms[0]!.name, 'research');
    const names = syms[0]!.children!.flatMap((c) => [c.name, ...(c.children ?? []).map((x) => x.name)]);
    for (const n of ['flowspace', 'web', 'arp', 'qos', 'video', 'limits']) assert.ok(names.includes(n), `outline has ${n}`);
    const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'sr' });
    assert.ok(found.some((s) => s.name === 'research' && s.location.uri === ten));
    const sw = await client.request<SymbolInformation[]>('workspace/symbol', { query: 's3' });
    assert.ok(sw.some((s) => s.name === 's3' && s.location.uri === net));
  });

  it('returns folding ranges for blocks and comment runs', async () => {
    const f = fixture('// a\n// b\nnetwork n {\n  switch s dpid 1 {\n    port 1\n  }\n}\n');
    const uri = ws.uri('fold.slice');
    await client.open(uri, f.text);
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    const sig = ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind === 'comment' ? 'c' : ''}`).sort();
    assert.deepEqual(sig, ['0-1c', '2-6', '3-5']);
  });

  it('returns nested selection ranges', async () => {
    const pos = fixture(RESEARCH.replace('on s1:1, s3:1', 'on s1:1, s<|>3:1')).cursors[0]!;
    const [sel] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: ten }, positions: [pos] });
    const chain: string[] = [];
    for (let s: SelectionRange | undefined = sel; s; s = s.parent)
      chain.push(`${s.range.start.line}:${s.range.start.character}-${s.range.end.line}:${s.range.end.character}`);
    assert.ok(chain.length >= 5, `a chain of ranges: ${chain.join(' ')}`);
    assert.equal(chain[0], `5:${pos.character - 1}-5:${pos.character + 1}`, 'innermost is the name s3');
    assert.equal(chain[chain.length - 1], '0:0-18:0', 'outermost is the file');
  });

  it('returns semantic tokens with a legend', async () => {
    const legend = client.initializeResult.capabilities.semanticTokensProvider!.legend;
    const toks = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: net } });
    assert.equal(toks.data.length % 5, 0);
    // Decode and find the switch declaration `s1` on line 2.
    let line = 0;
    let ch = 0;
    const decoded: Array<{ line: number; ch: number; len: number; type: string }> = [];
    for (let i = 0; i < toks.data.length; i += 5) {
      line += toks.data[i]!;
      ch = toks.data[i]! === 0 ? ch + toks.data[i + 1]! : toks.data[i + 1]!;
      decoded.push({ line, ch, len: toks.data[i + 2]!, type: legend.tokenTypes[toks.data[i + 3]!]! });
    }
    assert.ok(decoded.some((t) => t.line === 0 && t.type === 'comment'));
    assert.ok(decoded.some((t) => t.line === 1 && t.ch === 8 && t.type === 'namespace'));
    assert.ok(decoded.some((t) => t.line === 2 && t.ch === 9 && t.len === 2 && t.type === 'type'));
    assert.ok(decoded.some((t) => t.line === 3 && t.type === 'string'));
  });

  it('gives inlay hints for normalised rates and remaining link capacity', async () => {
    const f = fixture('slice i {\n  qos {\n    guarantee 1500Mbps on s2:4 <-> s3:3\n  }\n}\n');
    const uri = ws.uri('inlay.slice');
    await client.open(uri, f.text);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } },
    });
    const labels = hints.map((h) => String(h.label));
    assert.ok(labels.includes('= 1.5 Gbit/s'), labels.join(' | '));
    assert.ok(
      labels.some((l) => /free of 1 Gbit\/s/.test(l)),
      labels.join(' | '),
    );
  });

  it('puts Deploy and Check admission code lenses on each slice', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: ten } });
    assert.deepEqual(
      lenses.map((l) => l.command?.command),
      ['dfvisor.deploySlice', 'dfvisor.checkAdmission'],
    );
    assert.deepEqual(lenses[0]!.command!.arguments, ['research', ten]);
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      ['Deploy', 'Check admission'],
    );
  });

  it('prepares a rename and renames a switch across files', async () => {
    const pos = fixture(RESEARCH.replace('on s1:1, s3:1', 'on s1:1, s<|>3:1')).cursors[0]!;
    const prep = await client.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: ten },
      position: pos,
    });
    assert.equal(prep.placeholder, 's3');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: ten },
      position: pos,
      newName: 'edge3',
    });
    const netText = applyEdits(NETWORK, edit.changes![net]!);
    const tenText = applyEdits(RESEARCH, edit.changes![ten]!);
    assert.match(netText, /switch edge3 dpid 0x3/);
    assert.match(netText, /link s2:4 <-> edge3:3/);
    assert.match(tenText, /on s1:1, edge3:1/);
    assert.match(tenText, /on s1, s2, edge3 permit/);
    assert.match(tenText, /s2:4 <-> edge3:3\n/);
    assert.ok(!/\bs3\b/.test(netText + tenText), 'no s3 left');
  });

  it('refuses to rename a port number or to an invalid name', async () => {
    const portPos = fixture(RESEARCH.replace('on s1:1, s3:1', 'on s1:<|>1, s3:1')).cursors[0]!;
    const prep = await client.request<unknown>('textDocument/prepareRename', { textDocument: { uri: ten }, position: portPos });
    assert.equal(prep, null);
    const slicePos = fixture(RESEARCH.replace('slice research', 'slice re<|>search')).cursors[0]!;
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri: ten }, position: slicePos, newName: '1bad name' }),
      /not a valid name/,
    );
  });
});
