// Diagnostics over real JSON-RPC: codes, links, related information, multi-file
// workspaces, changes on disk, debounced and ordered re-checks, pull mode.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { applyEdits, expectDiagnostics, LspClient, tempWorkspace, type TempWorkspace } from '../test-support/harness.js';
import { NETWORK, RESEARCH } from '../test-support/fixtures.js';

const PROD = `slice production {
  controller "tcp:127.0.0.1:6635"
  overlay vlan 101
  flowspace {
    all: match ip_src 10.1.0.0/16 on s1:1
  }
}
`;

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(
  files: Record<string, string>,
  opts: Parameters<typeof LspClient.start>[0] = {},
): Promise<{ ws: TempWorkspace; client: LspClient }> {
  const ws = tempWorkspace(files);
  cleanups.push(() => ws.cleanup());
  const client = await LspClient.start({ workspace: ws.dir, ...opts });
  cleanups.push(() => client.stop());
  return { ws, client };
}

describe('diagnostics', () => {
  it('publishes diagnostics for every workspace file at start, unopened files included', async () => {
    const { ws, client } = await setup({ 'network.slice': NETWORK, 'research.slice': RESEARCH, 'broken.slice': 'slice x {\n  owner\n' });
    await expectDiagnostics(client, ws.uri('network.slice'), []);
    await expectDiagnostics(client, ws.uri('research.slice'), []);
    const ds = await client.waitForDiagnostics(ws.uri('broken.slice'), (d) => d.length > 0);
    assert.ok(
      ds.every((d) => d.code === 'SL001' || d.code === 'SL203' || d.code === 'SL501'),
      JSON.stringify(ds),
    );
  });

  it('shows a conflict between two files in both, with code, docs link and related information', async () => {
    const { ws, client } = await setup({ 'network.slice': NETWORK, 'research.slice': RESEARCH, 'production.slice': PROD });
    const r = await expectDiagnostics(client, ws.uri('research.slice'), ['SL301', 'SL302']);
    const p = await expectDiagnostics(client, ws.uri('production.slice'), ['SL301', 'SL302']);
    const conflict = p.find((d) => d.code === 'SL301')!;
    assert.equal(conflict.severity, 1);
    assert.equal(conflict.source, 'slice');
    // The docs link points at the repository's docs/language.md, whose #sl301 anchor exists.
    const href = conflict.codeDescription?.href ?? '';
    assert.match(href, /^file:\/\/.*\/docs\/language\.md#sl301$/);
    assert.match(readFileSync(fileURLToPath(href.split('#')[0]), 'utf8'), /<a id="sl301"><\/a>/);
    assert.match(conflict.message, /research/);
    assert.equal(conflict.relatedInformation?.[0]?.location.uri, ws.uri('research.slice'));
    const back = r.find((d) => d.code === 'SL301')!;
    assert.equal(back.relatedInformation?.[0]?.location.uri, ws.uri('production.slice'));
  });

  it('follows edits in an open document, and a fix clears the other file too', async () => {
    const { ws, client } = await setup({ 'network.slice': NETWORK, 'research.slice': RESEARCH, 'production.slice': PROD });
    const prod = ws.uri('production.slice');
    await expectDiagnostics(client, ws.uri('research.slice'), ['SL301', 'SL302']);
    await client.open(prod, PROD);
    const fixed = PROD.replace('overlay vlan 101', 'overlay vlan 102').replace('10.1.0.0/16 on s1:1', '10.1.0.0/16 on s1:2');
    const since = client.published.length;
    const v = await client.change(prod, fixed);
    await expectDiagnostics(client, prod, [], since);
    await expectDiagnostics(client, ws.uri('research.slice'), [], since);
    assert.equal(client.latest(prod)!.version, v, 'the publish names the document version');
  });

  it('re-reads a file changed on disk (didChangeWatchedFiles), and forgets a deleted one', async () => {
    const { ws, client } = await setup({ 'network.slice': NETWORK, 'research.slice': RESEARCH });
    const res = ws.uri('research.slice');
    await expectDiagnostics(client, res, []);
    const prodUri = ws.write('production.slice', PROD);
    let since = client.published.length;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: prodUri, type: 1 }] });
    await expectDiagnostics(client, res, ['SL301', 'SL302'], since);
    // A switch removed from the network on disk: the tenant now points at an unknown switch.
    writeFileSync(join(ws.dir, 'network.slice'), NETWORK.replace(/ {2}switch s3 .*\n/, '').replace(/ {2}link s2:4 .*\n/, ''));
    since = client.published.length;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('network.slice'), type: 2 }] });
    const ds = await client.waitForDiagnostics(res, (d) => d.some((x) => x.code === 'SL101'), since);
    assert.ok(ds.some((d) => /s3/.test(d.message)));
    since = client.published.length;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: prodUri, type: 3 }] });
    await client.waitForDiagnostics(prodUri, (d) => d.length === 0, since);
    await client.waitForDiagnostics(res, (d) => !d.some((x) => x.code === 'SL302'), since);
  });

  it('never lets an older check overwrite a newer one (debounced, versioned)', async () => {
    const { ws, client } = await setup({ 'network.slice': NETWORK }, { initializationOptions: { debounceMs: 100 } });
    const uri = ws.uri('t.slice');
    await client.open(uri, RESEARCH);
    await expectDiagnostics(client, uri, []);
    const since = client.published.length;
    // A burst of edits: broken, broken differently, then fixed. Only the last state may win.
    await client.change(uri, RESEARCH.replace('on s1:1', 'on s9:1'));
    await client.change(uri, RESEARCH.replace('overlay vlan 101', 'overlay vlan 9999'));
    const last = await client.change(uri, RESEARCH);
    await client.until(() => client.published.slice(since).some((p) => p.uri === uri && p.version === last), 'the final version');
    // Give any straggler a chance to arrive: a workspace/symbol round trip orders after pending publishes.
    await client.request('workspace/symbol', { query: '' });
    const mine = client.published.slice(since).filter((p) => p.uri === uri);
    const versions = mine.map((p) => p.version ?? 0);
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      versions,
      'publishes come in version order',
    );
    assert.equal(mine[mine.length - 1]!.version, last);
    assert.deepEqual(mine[mine.length - 1]!.diagnostics, []);
    assert.ok(mine.length <= 2, `debounce coalesced the burst (${mine.length} publishes)`);
  });

  it('serves pull diagnostics when the client supports them', async () => {
    const { ws, client } = await setup(
      { 'network.slice': NETWORK, 'research.slice': RESEARCH, 'production.slice': PROD },
      {
        capabilities: {
          textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: true } },
          workspace: { diagnostics: { refreshSupport: true } },
        },
      },
    );
    assert.ok(client.initializeResult.capabilities.diagnosticProvider, 'diagnosticProvider announced');
    const rep = await client.request<{ kind: string; items: Diagnostic[]; resultId: string }>('textDocument/diagnostic', {
      textDocument: { uri: ws.uri('production.slice') },
    });
    assert.equal(rep.kind, 'full');
    assert.deepEqual(rep.items.map((d) => d.code).sort(), ['SL301', 'SL302']);
    const again = await client.request<{ kind: string }>('textDocument/diagnostic', {
      textDocument: { uri: ws.uri('production.slice') },
      previousResultId: rep.resultId,
    });
    assert.equal(again.kind, 'unchanged');
    const all = await client.request<{ items: Array<{ uri: string; items?: Diagnostic[] }> }>('workspace/diagnostic', {
      previousResultIds: [],
    });
    const research = all.items.find((i) => i.uri === ws.uri('research.slice'));
    assert.deepEqual(research?.items?.map((d) => d.code).sort(), ['SL301', 'SL302']);
    // After an edit the server asks the client to pull again.
    const refreshes = client.refreshes;
    await client.open(ws.uri('production.slice'), PROD);
    await client.until(() => client.refreshes > refreshes, 'a diagnostic refresh');
    assert.equal(client.published.length, 0, 'nothing is pushed in pull mode');
  });

  it('pull mode: a deleted file is reported empty so its problems leave the client', async () => {
    const { ws, client } = await setup(
      { 'network.slice': NETWORK, 'research.slice': RESEARCH, 'production.slice': PROD },
      {
        capabilities: {
          textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: true } },
          workspace: { diagnostics: { refreshSupport: true } },
        },
      },
    );
    type Report = { items: Array<{ uri: string; kind: string; resultId: string; items?: Diagnostic[] }> };
    const first = await client.request<Report>('workspace/diagnostic', { previousResultIds: [] });
    const prodUri = ws.uri('production.slice');
    assert.ok(first.items.find((i) => i.uri === prodUri)?.items?.length, 'production.slice has problems');
    rmSync(join(ws.dir, 'production.slice'));
    const refreshes = client.refreshes;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: prodUri, type: 3 }] });
    await client.until(() => client.refreshes > refreshes, 'a diagnostic refresh');
    const second = await client.request<Report>('workspace/diagnostic', {
      previousResultIds: first.items.map((i) => ({ uri: i.uri, value: i.resultId })),
    });
    const gone = second.items.find((i) => i.uri === prodUri);
    assert.equal(gone?.kind, 'full');
    assert.deepEqual(gone?.items, []);
    const research = second.items.find((i) => i.uri === ws.uri('research.slice'));
    assert.ok(research, 'the remaining file is still reported');
  });
});

describe('code actions', () => {
  const BAD = `slice p {
  controller "tcp:127.0.0.1:6635"
  overlay vlan 101
  flowspace {
    all: match ip_src 10.9.0.0/16 on s1:9, s7:1
  }
  qos { guarantee 900Mbps on s1:3 <-> s2:3 }
}
`;
  const DUP = `slice twin { controller "tcp:127.0.0.1:1" flowspace { x: match on s2:1 } }
slice twin { controller "tcp:127.0.0.1:2" flowspace { y: match on s2:2 } }
`;

  async function actionsFor(client: LspClient, uri: string, d: Diagnostic): Promise<CodeAction[]> {
    return client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
  }

  it('offers the quick fixes, and each one removes its diagnostic', async () => {
    const { ws, client } = await setup({ 'network.slice': NETWORK, 'research.slice': RESEARCH, 'p.slice': BAD, 'dup.slice': DUP });
    const p = ws.uri('p.slice');
    const dup = ws.uri('dup.slice');
    const ds = await client.waitForDiagnostics(p, (x) => ['SL101', 'SL102', 'SL302', 'SL401'].every((c) => x.some((d) => d.code === c)));
    ds.push(...(await client.waitForDiagnostics(dup, (x) => x.some((d) => d.code === 'SL104'))));
    const texts: Record<string, string> = {
      [p]: BAD,
      [dup]: DUP,
      [ws.uri('network.slice')]: NETWORK,
      [ws.uri('research.slice')]: RESEARCH,
    };
    const titles: string[] = [];
    const pending: Record<string, Array<{ range: Diagnostic['range']; newText: string }>> = {};
    for (const code of ['SL102', 'SL101', 'SL302', 'SL104', 'SL401']) {
      const d = ds.find((x) => x.code === code)!;
      const actions = await actionsFor(client, code === 'SL104' ? dup : p, d);
      assert.ok(actions.length > 0, `a quick fix for ${code}`);
      const a = actions.find((x) => x.isPreferred) ?? actions[0]!;
      titles.push(a.title);
      for (const [uri, edits] of Object.entries(a.edit!.changes!)) (pending[uri] ??= []).push(...edits);
    }
    // All fixes were computed against the same texts: apply them together.
    for (const [uri, edits] of Object.entries(pending)) texts[uri] = applyEdits(texts[uri]!, edits);
    assert.match(titles[2]!, /^Use free vlan tag \d+$/);
    titles[2] = 'Use free vlan tag N';
    assert.deepEqual(titles, [
      'Add port 9 to switch s1',
      'Add switch s7 to network campus',
      'Use free vlan tag N',
      'Rename to twin_2',
      'Lower the guarantee of slice p to 800 Mbit/s',
    ]);
    assert.match(texts[ws.uri('network.slice')]!, /port 9\n/);
    assert.match(texts[ws.uri('network.slice')]!, /switch s7 dpid 4\n}/);
    // Apply the edits as the editor would and check that those diagnostics are gone.
    const since = client.published.length;
    for (const [uri, text] of Object.entries(texts)) {
      await client.open(uri, text);
    }
    const after = await client.waitForDiagnostics(
      p,
      (x) => !x.some((d) => ['SL101', 'SL102', 'SL302', 'SL401', 'SL104'].includes(String(d.code))),
      since,
    );
    assert.ok(!after.some((d) => d.severity === 1 && d.code !== 'SL301'), JSON.stringify(after.map((d) => d.code)));
    await client.waitForDiagnostics(dup, (x) => !x.some((d) => d.code === 'SL104'), since);
  });
});
