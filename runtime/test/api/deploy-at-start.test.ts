// `dfvisor run --deploy DIR` against a real runtime (embedded store, no switches): the workspace's
// files are deployed as they are (GET /v1/sources gives them back byte for byte); started again
// on the same data directory with the same workspace, nothing is deployed; with a changed file, a
// new revision; a workspace with errors or a path that does not exist stops the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText } from './fixtures.js';

const NET_FILE = `// the lab\n${NETWORK}`;
const SLICE_FILE = `${sliceText('alicenet', 'alice')}\n// trailer\n`;

async function revisions(rt: RuntimeProcess): Promise<{ active: number; count: number }> {
  const r = await http(rt, 'GET', '/v1/revisions', { token: rt.adminToken });
  assert.equal(r.status, 200);
  return { active: r.body.active, count: r.body.revisions.length };
}

test('run --deploy: deploys the workspace once, again only when it changed; errors stop the start', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'dfv-ws-'));
  mkdirSync(join(ws, 'lab'));
  writeFileSync(join(ws, 'lab', 'net.slice'), NET_FILE);
  writeFileSync(join(ws, 'lab', 'alice.slice'), SLICE_FILE);
  const dataDir = mkdtempSync(join(tmpdir(), 'dfv-rt-'));
  const start = () => startRuntime({ dataDir, args: ['--deploy', ws] });

  let rt = await start();
  try {
    assert.deepEqual(await revisions(rt), { active: 1, count: 1 });
    const sources = (await http(rt, 'GET', '/v1/sources', { token: rt.adminToken })).body.files as Array<{ path: string; text: string }>;
    const byPath = new Map(sources.map((f) => [f.path, f.text]));
    assert.equal(byPath.get(join(ws, 'lab', 'net.slice')), NET_FILE);
    assert.equal(byPath.get(join(ws, 'lab', 'alice.slice')), SLICE_FILE);
  } finally {
    await rt.stop();
  }

  rt = await start();
  try {
    assert.deepEqual(await revisions(rt), { active: 1, count: 1 }, 'unchanged: nothing deployed');
    assert.match(rt.logs(), /already active, nothing to do/);
  } finally {
    await rt.stop();
  }

  writeFileSync(join(ws, 'lab', 'alice.slice'), sliceText('alicenet', 'alice', { prefix: '10.7.0.0/16' }));
  rt = await start();
  try {
    assert.deepEqual(await revisions(rt), { active: 2, count: 2 }, 'changed: a new revision');
  } finally {
    await rt.stop();
  }

  writeFileSync(join(ws, 'lab', 'alice.slice'), 'slice broken { flowspace { r: match ip_src 10.0.0.0/8 on s9:1 } }');
  await assert.rejects(start(), /runtime exited with 1[\s\S]*--deploy [\s\S]*(error|slice)/, 'a workspace with errors');
  await assert.rejects(startRuntime({ dataDir, args: ['--deploy', join(ws, 'nowhere')] }), /no such file or directory/);
});
