// Document and range formatting over real JSON-RPC.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits, LspClient, tempWorkspace, type TempWorkspace } from '../test-support/harness.js';

const UGLY = 'network n {\n switch   s1 dpid 1 {port 1}\n}\nslice a {controller "tcp:1.2.3.4:5"\nflowspace{ r: match on s1 }}\n';

describe('formatting', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  before(async () => {
    ws = tempWorkspace();
    client = await LspClient.start({ workspace: ws.dir });
  });
  after(async () => {
    await client?.stop();
    ws?.cleanup();
  });

  it('formats a whole document, and formatting again changes nothing', async () => {
    const uri = ws.uri('f.slice');
    await client.open(uri, UGLY);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(edits.length, 1);
    const out = applyEdits(UGLY, edits);
    assert.equal(
      out,
      'network n {\n  switch s1 dpid 1 {\n    port 1\n  }\n}\n\nslice a {\n  controller "tcp:1.2.3.4:5"\n  flowspace {\n    r: match on s1\n  }\n}\n',
    );
    await client.change(uri, out);
    const again = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(again, []);
  });

  it('formats only the items in a range', async () => {
    const uri = ws.uri('r.slice');
    await client.open(uri, UGLY);
    const edits = await client.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    const out = applyEdits(UGLY, edits);
    assert.match(out, /^network n {\n {2}switch s1 dpid 1 {\n {4}port 1\n {2}}\n}/);
    assert.match(out, /slice a {controller "tcp:1.2.3.4:5"\nflowspace{ r: match on s1 }}\n$/, 'the slice is untouched');
  });

  it('leaves a file with syntax errors alone', async () => {
    const uri = ws.uri('bad.slice');
    await client.open(uri, 'slice a {\n   owner\n');
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(edits, []);
  });
});
