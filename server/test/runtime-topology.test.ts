// Declared vs discovered over real JSON-RPC: the client sends what its runtime sees
// (dfvisor/runtimeTopology); a miswired link becomes SL701 on its `link` line with the quick fix
// that rewrites it; a malformed notification is ignored (the server keeps serving); null clears.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { LspClient, tempWorkspace } from '../test-support/harness.js';

const NET = `network lab {
  switch s1 dpid 1 { port 1..4 }
  switch s2 dpid 2 { port 1..4 }
  switch s3 dpid 3 { port 1..4 }
  link s1:3 <-> s2:3
}
`;
const end = (sw: string, port: number) => ({ switch: sw, dpid: `000000000000000${sw.slice(1)}`, port });
const TOPOLOGY = {
  network: 'lab',
  links: [
    {
      a: end('s1', 3),
      b: end('s2', 3),
      state: 'miswired',
      seen: [{ a: end('s1', 3), b: end('s3', 1), since: '2026-12-05T12:04:00.000Z' }],
    },
  ],
  portsDown: [],
};

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('runtime topology diagnostics', () => {
  it('shows a miswired link on its line with a quick fix, ignores bad input, and clears on null', async () => {
    const ws = tempWorkspace({ 'net.slice': NET });
    cleanups.push(() => ws.cleanup());
    const client = await LspClient.start({ workspace: ws.dir });
    cleanups.push(() => client.stop());
    const uri = ws.uri('net.slice');
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
    await client.conn.sendNotification('dfvisor/runtimeTopology', { network: 'lab', links: 'nope' });
    await client.conn.sendNotification('dfvisor/runtimeTopology', TOPOLOGY);
    const [d] = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'SL701'));
    assert.equal(d!.range.start.line, 4);
    assert.equal(d!.message, 'declared s1:3 <-> s2:3; the runtime sees s1:3 <-> s3:1 (since 12:04 UTC)');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d!.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.title, 'Declare the link as the runtime sees it: s1:3 <-> s3:1');
    const edit = actions[0]!.edit!.changes![uri]![0]!;
    assert.equal(edit.newText, 's1:3 <-> s3:1');
    assert.deepEqual(edit.range, { start: { line: 4, character: 7 }, end: { line: 4, character: 20 } });
    await client.conn.sendNotification('dfvisor/runtimeTopology', null);
    await client.waitForDiagnostics(uri, (x) => x.length === 0);
  });
});
