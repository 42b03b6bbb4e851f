// GET /v1/sources and `dfvisor pull DIR` against a real runtime (embedded store, no switches): the
// deployed files come back byte for byte, comments between and after blocks and odd spacing
// included; a tenant gets only files whose slices are all its own; a file only part of which stays
// deployed (an undeploy) falls back to its blocks grouped again, as do revisions stored before file
// texts were kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dfvisorBin } from '../support/paths.js';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText, files } from './fixtures.js';
import type { Plan } from '@dfvisor/grammar';
import { sourcesFor } from '../../src/api/sources.js';

const NET_FILE = `// the lab network, deployed by the admin\n\n\n${NETWORK.replace('  link', '\t\tlink')}   \n/* trailing\n   block comment */\n`;
const ALICE_FILE =
  `/* alice's slices */\r\n${sliceText('alicenet', 'alice', { tag: 100, port: 1 })}\n\n// between the blocks\n   \n` +
  `${sliceText('alicetwo', 'alice', { tag: 101, port: 2, prefix: '10.2.0.0/16' }).trimEnd()}   // after the last block, no final newline`;
const BOB_FILE = `${sliceText('bobnet', 'bob', { tag: 102, port: 3, prefix: '10.3.0.0/16' })}\n// bob's trailer\n`;

let rt: RuntimeProcess;
let alice: string;
let bob: string;

const cli = (token: string, ...args: string[]) =>
  spawnSync(process.execPath, [dfvisorBin, ...args, '--api', rt.url], { env: { ...process.env, DFVISOR_TOKEN: token }, encoding: 'utf8' });

/** `dfvisor pull` into a fresh directory: the directory and the paths it wrote. */
function pull(token: string): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-pull-'));
  const r = cli(token, 'pull', dir, '--json');
  assert.equal(r.status, 0, r.stderr);
  return { dir, paths: [...JSON.parse(r.stdout).files].sort() };
}

before(async () => {
  rt = await startRuntime();
  const net = await http(rt, 'POST', '/v1/deploy', { token: rt.adminToken, body: files(['lab/net.slice', NET_FILE]) });
  assert.equal(net.status, 200, JSON.stringify(net.body));
  alice = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'alice' } })).body.token;
  bob = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'bob' } })).body.token;
  for (const [token, path, text] of [
    [alice, 'lab/alice.slice', ALICE_FILE],
    [bob, 'lab/bob.slice', BOB_FILE],
  ]) {
    const r = await http(rt, 'POST', '/v1/deploy', { token, body: files([path, text]) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
});
after(async () => {
  await rt?.stop();
});

test('dfvisor pull gives the admin every deployed file byte for byte, comments and spacing included', () => {
  const { dir, paths } = pull(rt.adminToken);
  assert.deepEqual(paths, ['lab/alice.slice', 'lab/bob.slice', 'lab/net.slice']);
  assert.equal(readFileSync(join(dir, 'lab/net.slice'), 'utf8'), NET_FILE);
  assert.equal(readFileSync(join(dir, 'lab/alice.slice'), 'utf8'), ALICE_FILE);
  assert.equal(readFileSync(join(dir, 'lab/bob.slice'), 'utf8'), BOB_FILE);
});

test('a tenant pulls only its own files, verbatim', async () => {
  const { dir, paths } = pull(alice);
  assert.deepEqual(paths, ['lab/alice.slice']);
  assert.deepEqual(readdirSync(join(dir, 'lab')), ['alice.slice']);
  assert.equal(readFileSync(join(dir, 'lab/alice.slice'), 'utf8'), ALICE_FILE);
  const api = await http(rt, 'GET', '/v1/sources', { token: bob });
  assert.equal(api.status, 200);
  assert.deepEqual(api.body.files, [{ path: 'lab/bob.slice', text: BOB_FILE, verbatim: true }]);
});

test("a file with another owner's slice: the admin gets it verbatim, the tenant only its own block", async () => {
  const mixed = `// shared file\n${sliceText('alicemix', 'alice', { tag: 103, port: 4, prefix: '10.4.0.0/16' })}\n${sliceText('bobmix', 'bob', { tag: 104, port: 4, prefix: '10.5.0.0/16' })}// end\n`;
  const r = await http(rt, 'POST', '/v1/deploy', { token: rt.adminToken, body: files(['lab/mixed.slice', mixed]) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const admin = (await http(rt, 'GET', '/v1/sources', { token: rt.adminToken })).body.files;
  assert.deepEqual(
    admin.find((f: { path: string }) => f.path === 'lab/mixed.slice'),
    { path: 'lab/mixed.slice', text: mixed, verbatim: true },
  );
  const mine = (await http(rt, 'GET', '/v1/sources', { token: alice })).body.files;
  assert.deepEqual(mine.map((f: { path: string }) => f.path).sort(), ['lab/alice.slice', 'lab/mixed.slice']);
  const part = mine.find((f: { path: string }) => f.path === 'lab/mixed.slice');
  assert.equal(part.verbatim, false);
  assert.equal(part.text, sliceText('alicemix', 'alice', { tag: 103, port: 4, prefix: '10.4.0.0/16' }));
  const gone = await http(rt, 'DELETE', '/v1/slices/alicemix', { token: rt.adminToken });
  assert.equal(gone.status, 200, JSON.stringify(gone.body));
  const gone2 = await http(rt, 'DELETE', '/v1/slices/bobmix', { token: rt.adminToken });
  assert.equal(gone2.status, 200, JSON.stringify(gone2.body));
});

test('after an undeploy the rest of the file is its blocks grouped again; the other files stay verbatim', async () => {
  const gone = await http(rt, 'DELETE', '/v1/slices/alicetwo', { token: alice });
  assert.equal(gone.status, 200, JSON.stringify(gone.body));
  const body = (await http(rt, 'GET', '/v1/sources', { token: rt.adminToken })).body;
  const byPath = new Map(body.files.map((f: { path: string }) => [f.path, f]));
  assert.deepEqual([...byPath.keys()].sort(), ['lab/alice.slice', 'lab/bob.slice', 'lab/net.slice']);
  assert.deepEqual(byPath.get('lab/alice.slice'), {
    path: 'lab/alice.slice',
    text: sliceText('alicenet', 'alice', { tag: 100, port: 1 }),
    verbatim: false,
  });
  assert.deepEqual(byPath.get('lab/net.slice'), { path: 'lab/net.slice', text: NET_FILE, verbatim: true });
  assert.deepEqual(byPath.get('lab/bob.slice'), { path: 'lab/bob.slice', text: BOB_FILE, verbatim: true });
});

test('a revision stored without file texts (an older version) reads back as its blocks grouped again', () => {
  const deployed = {
    revision: 3,
    network: [{ path: 'a.slice', text: 'network n {\n}' }],
    slices: { s: { path: 'a.slice', text: 'slice s {\n}' }, t: { path: 'b.slice', text: 'slice t {\n}\n' } },
  };
  const admin = { kind: 'admin' as const, owner: 'admin', tokenId: 'admin' };
  const plan = {
    slices: [
      { name: 's', owner: 'x' },
      { name: 't', owner: 'y' },
    ],
  } as unknown as Plan;
  assert.deepEqual(sourcesFor(admin, deployed, plan), {
    revision: 3,
    files: [
      { path: 'a.slice', text: 'network n {\n}\n\nslice s {\n}\n', verbatim: false },
      { path: 'b.slice', text: 'slice t {\n}\n', verbatim: false },
    ],
  });
});
