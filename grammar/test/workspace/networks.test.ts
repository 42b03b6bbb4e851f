// The workspace rule: each file belongs to the nearest folder at or above it that declares a network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkWithoutNetwork, checkWorkspace, loadWorkspace, parse, partitionByNetwork } from '../../src/index.js';

const NET = (name: string) => `network ${name} {\n  switch s1 dpid 1 { port 1..4 }\n}\n`;
const SLICE = (name: string) => `slice ${name} { controller "tcp:127.0.0.1:7001" flowspace { r: match tcp_dst 80 on s1:1 } }\n`;
const roots = (files: Parameters<typeof partitionByNetwork>[0]) => {
  const p = partitionByNetwork(files);
  return { ws: p.workspaces.map((w) => [w.root, w.files.map((f) => f.path)]), unplaced: p.unplaced.map((f) => f.path) };
};

test('a tenants folder belongs to the network folder above it; sibling networks are separate workspaces', () => {
  const files = [
    parse(NET('campus'), '/t/campus/network.slice'),
    parse(SLICE('a'), '/t/campus/tenants/a.slice'),
    parse(SLICE('b'), '/t/campus/tenants/deep/b.slice'),
    parse(NET('lab'), '/t/lab/lab.slice'),
    parse(SLICE('c'), '/t/lab/c.slice'),
  ];
  assert.deepEqual(roots(files), {
    ws: [
      ['/t/campus', ['/t/campus/network.slice', '/t/campus/tenants/a.slice', '/t/campus/tenants/deep/b.slice']],
      ['/t/lab', ['/t/lab/c.slice', '/t/lab/lab.slice']],
    ],
    unplaced: [],
  });
});

test('the nearest network wins: a network folder inside another is its own workspace', () => {
  const files = [parse(NET('outer'), '/t/net.slice'), parse(NET('inner'), '/t/sub/net.slice'), parse(SLICE('a'), '/t/sub/x/a.slice')];
  assert.deepEqual(roots(files).ws, [
    ['/t', ['/t/net.slice']],
    ['/t/sub', ['/t/sub/net.slice', '/t/sub/x/a.slice']],
  ]);
});

test('two networks in one folder stay one workspace, so SL106 is still reported there', () => {
  const files = [parse(NET('one'), '/t/a.slice'), parse(NET('two'), '/t/b.slice')];
  const p = partitionByNetwork(files);
  assert.equal(p.workspaces.length, 1);
  const codes = checkWorkspace(p.workspaces[0]!.files).diagnostics.map((d) => d.code);
  assert.ok(codes.includes('SL106'), codes.join(' '));
});

test('slices with no network at or above them are unplaced (a network in a sibling or child folder does not count)', () => {
  const files = [parse(NET('n'), '/t/net/n.slice'), parse(SLICE('a'), '/t/other/a.slice'), parse(SLICE('b'), '/t/b.slice')];
  assert.deepEqual(roots(files).unplaced, ['/t/b.slice', '/t/other/a.slice']);
});

test('URIs and Windows paths follow the same rule', () => {
  const uris = [parse(NET('n'), 'file:///w/campus/network.slice'), parse(SLICE('a'), 'file:///w/campus/tenants/a.slice')];
  assert.deepEqual(roots(uris).ws, [['file:///w/campus', ['file:///w/campus/network.slice', 'file:///w/campus/tenants/a.slice']]]);
  const win = [parse(NET('n'), 'C:\\w\\campus\\network.slice'), parse(SLICE('a'), 'C:\\w\\campus\\t\\a.slice')];
  assert.deepEqual(roots(win).ws, [['C:\\w\\campus', ['C:\\w\\campus\\network.slice', 'C:\\w\\campus\\t\\a.slice']]]);
});

test('the samples folder is six workspaces, one per example network, and one tenant workspace without a network', async () => {
  const samples = fileURLToPath(new URL('../../../../samples/', import.meta.url));
  const { files, errors } = await loadWorkspace([samples]);
  assert.deepEqual(errors, []);
  const p = partitionByNetwork(files);
  assert.deepEqual(
    p.workspaces.map((w) => w.root.slice(samples.length)),
    ['broken', 'campus', 'core', 'demo', 'lab', 'large'],
  );
  // alice's own workspace: checked against a runtime's network and her grant (samples/campus-alice).
  assert.deepEqual(
    p.unplaced.map((f) => f.path.slice(samples.length)),
    ['campus-alice/sandbox.slice'],
  );
  for (const w of p.workspaces) {
    const errs = checkWorkspace(w.files).diagnostics.filter((d) => d.severity === 'error');
    if (w.root.endsWith('broken')) assert.ok(errs.length > 0);
    else
      assert.deepEqual(
        errs.map((d) => `${d.file} ${d.code}`),
        [],
        w.root,
      );
  }
});

test('unplaced files get their per-file checks and one SL107 each, nothing about switches', () => {
  const a = parse(`slice a {\n  controller "tcp:nohost"\n  flowspace { r: match tcp_dst 99999 on s9:1 }\n}\n`, '/t/a.slice');
  const ds = checkWithoutNetwork([a]);
  assert.deepEqual(ds.map((d) => d.code).sort(), ['SL107', 'SL201', 'SL202']);
  const sl107 = ds.find((d) => d.code === 'SL107')!;
  assert.equal(sl107.severity, 'warning');
  assert.match(sl107.message, /^no network for these slices/);
  assert.equal(sl107.range.start.line, 0);
});
