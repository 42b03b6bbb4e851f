// The managed core over real JSON-RPC: a slice's hover lists its virtual link with the compiled
// paths, its virtual ports and tag from the compiled plan, and the current path when the connected
// runtime reports it (dfvisor/runtimeTopology).
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectHover, fixture, LspClient, tempWorkspace, type TempWorkspace } from '../test-support/harness.js';

const SAMPLE = readFileSync(fileURLToPath(new URL('../../../samples/core/core.slice', import.meta.url)), 'utf8');

describe('managed core in the editor', () => {
  let ws: TempWorkspace;
  let client: LspClient;

  before(async () => {
    ws = tempWorkspace({ 'core.slice': SAMPLE });
    client = await LspClient.start({ workspace: ws.dir });
  });
  after(async () => {
    await client?.stop();
    ws?.cleanup();
  });

  it('hovers a slice with its virtual link: compiled paths, virtual ports and tag from the plan', async () => {
    const f = fixture(SAMPLE.replace('slice red', 'slice r<|>ed'));
    const uri = ws.uri('core.slice');
    await client.open(uri, f.text);
    await expectHover(
      client,
      uri,
      f.cursors[0]!,
      '**slice red**',
      '- `e1<->e2`: 300 Mbit/s guaranteed, ports e1:0xfe00 and e2:0xfe00, vlan 3',
      'preferred: e1:2 → c1 (1→3) → c3 (3→1) → e2:2',
      'alternative: e1:2 → c1 (1→2) → c2 (1→2) → c3 (2→1) → e2:2',
    );
  });

  it('shows the path the connected runtime uses now, when it reports one', async () => {
    const f = fixture(SAMPLE.replace('slice blue', 'slice bl<|>ue'));
    const uri = ws.uri('core.slice');
    await client.open(uri, f.text);
    await client.conn.sendNotification('dfvisor/runtimeTopology', {
      network: 'managed',
      links: [],
      portsDown: [],
      virtualLinks: [{ slice: 'blue', id: 'e1<->e2', links: ['e1:2<->c1:1', 'c1:2<->c2:1', 'c2:2<->c3:2', 'c3:1<->e2:2'] }],
    });
    await expectHover(client, uri, f.cursors[0]!, '- current (runtime): e1:2 → c1 (1→2) → c2 (1→2) → c3 (2→1) → e2:2');
    await client.conn.sendNotification('dfvisor/runtimeTopology', null);
  });
});
