// Several networks in one folder tree, over real JSON-RPC: each file belongs to the nearest folder at or
// above it that declares a network (the grammar's partitionByNetwork), so sibling networks do not clash
// (no SL106), names resolve inside their own network, and slices with no network above them get SL107.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectDefinition, expectDiagnostics, hoverText, LspClient, tempWorkspace } from '../test-support/harness.js';

const NET = (name: string, dpid: number) => `network ${name} {\n  switch s1 dpid ${dpid} { port 1..4 }\n}\n`;
const SLICE = (name: string, port: number) =>
  `slice ${name} {\n  controller "tcp:127.0.0.1:7001"\n  flowspace { r: match tcp_dst 80 on s1:${port} }\n}\n`;

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(files: Record<string, string>) {
  const ws = tempWorkspace(files);
  cleanups.push(() => ws.cleanup());
  const client = await LspClient.start({ workspace: ws.dir });
  cleanups.push(() => client.stop());
  return { ws, client };
}

describe('several networks in one workspace folder', () => {
  it('checks each network folder as its own workspace: no SL106 between them, tenants see the network above', async () => {
    const { ws, client } = await setup({
      'campus/network.slice': NET('campus', 1),
      'campus/tenants/a.slice': SLICE('a', 1),
      'lab/lab.slice': NET('lab', 1),
      'lab/b.slice': SLICE('b', 9),
    });
    await expectDiagnostics(client, ws.uri('campus/network.slice'), []);
    await expectDiagnostics(client, ws.uri('campus/tenants/a.slice'), []);
    await expectDiagnostics(client, ws.uri('lab/lab.slice'), []);
    // Same slice ports, same dpid in both networks: only lab's own error, nothing across the two.
    const [d] = await expectDiagnostics(client, ws.uri('lab/b.slice'), ['SL102']);
    assert.match(d!.message, /port 9/);
  });

  it('resolves a name inside the file’s own network: definition and hover of s1 go to the nearest network', async () => {
    const { ws, client } = await setup({
      'campus/network.slice': NET('campus', 1),
      'campus/tenants/a.slice': SLICE('a', 1),
      'lab/lab.slice': NET('lab', 7),
    });
    await expectDiagnostics(client, ws.uri('campus/tenants/a.slice'), []);
    const at = { line: 2, character: 39 }; // on `s1` of `on s1:1`
    await expectDefinition(client, ws.uri('campus/tenants/a.slice'), at, {
      uri: ws.uri('campus/network.slice'),
      range: { start: { line: 1, character: 9 }, end: { line: 1, character: 11 } },
    });
    const hover = hoverText(
      await client.request('textDocument/hover', { textDocument: { uri: ws.uri('campus/tenants/a.slice') }, position: at }),
    );
    assert.match(hover, /00:00:00:00:00:00:00:01/);
    assert.doesNotMatch(hover, /00:00:00:00:00:00:00:07/);
  });

  it('gives slices with no network above them one SL107 warning each, and their own value errors', async () => {
    const { ws, client } = await setup({
      'campus/network.slice': NET('campus', 1),
      'loose/c.slice': SLICE('c', 1),
      'loose/e.slice': `slice e {\n  controller "tcp:nohost"\n  flowspace { r: match tcp_dst 80 on s1:1 }\n}\n`,
    });
    const [c] = await expectDiagnostics(client, ws.uri('loose/c.slice'), ['SL107']);
    assert.equal(c!.severity, 2, 'a warning');
    assert.match(c!.message, /^no network for these slices/);
    assert.equal(c!.range.start.line, 0);
    await expectDiagnostics(client, ws.uri('loose/e.slice'), ['SL107', 'SL202']);
    await expectDiagnostics(client, ws.uri('campus/network.slice'), []);
  });

  it('two networks in one folder are still one workspace: SL106', async () => {
    const { ws, client } = await setup({ 'net/a.slice': NET('one', 1), 'net/b.slice': NET('two', 2) });
    await expectDiagnostics(client, ws.uri('net/b.slice'), ['SL104', 'SL106']); // s1 declared in both blocks
  });
});
