// One failing request answers with an error; the server keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { expectHover, fixture, LspClient, tempWorkspace, type TempWorkspace } from '../test-support/harness.js';
import { NETWORK } from '../test-support/fixtures.js';

describe('robustness', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  before(async () => {
    ws = tempWorkspace({ 'network.slice': NETWORK });
    client = await LspClient.start({ workspace: ws.dir });
  });
  after(async () => {
    await client?.stop();
    ws?.cleanup();
  });

  it('answers a request with broken parameters with an error and keeps running', async () => {
    const uri = ws.uri('network.slice');
    await assert.rejects(client.request('textDocument/hover', { textDocument: { uri }, position: null }), /failed/);
    await assert.rejects(client.request('textDocument/completion', { textDocument: { uri }, position: { line: 'x' } }), /failed/);
    await assert.rejects(client.request('textDocument/selectionRange', { textDocument: { uri }, positions: null }), /failed/);
    assert.ok(client.alive, 'the server is still running');
    const f = fixture(NETWORK.replace('switch s2 dpid', 'switch s<|>2 dpid'));
    await expectHover(client, uri, f.cursors[0]!, '**switch s2**');
  });

  it('answers requests for unknown documents with nothing', async () => {
    const h = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: 'file:///nowhere.slice' },
      position: { line: 0, character: 0 },
    });
    assert.equal(h, null);
    const items = await client.completion('untitled:Untitled-1', { line: 0, character: 0 });
    assert.deepEqual(items, []);
  });

  it('survives garbage text and positions past the end', async () => {
    const uri = ws.uri('garbage.slice');
    await client.open(uri, '}}}{{ slice ::: <-> "unterminated\n/* open comment\n\u0000\u00ff network');
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'SL001'));
    for (const method of [
      'textDocument/hover',
      'textDocument/definition',
      'textDocument/completion',
      'textDocument/references',
      'textDocument/prepareRename',
    ]) {
      await client.request(method, { textDocument: { uri }, position: { line: 99, character: 99 }, context: { includeDeclaration: true } });
    }
    for (const method of [
      'textDocument/documentSymbol',
      'textDocument/foldingRange',
      'textDocument/semanticTokens/full',
      'textDocument/codeLens',
      'textDocument/formatting',
    ]) {
      await client.request(method, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    }
    assert.ok(client.alive);
  });

  it('shuts down cleanly', async () => {
    const other = await LspClient.start({ workspace: ws.dir });
    await other.stop();
    assert.equal(other.proc.exitCode, 0);
  });
});
