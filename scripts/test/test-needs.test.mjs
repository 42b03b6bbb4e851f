// How the test runner tells which test files need which system parts (scripts/test-needs.mjs): on
// made-up files, and on the project's real compiled tests (npm test builds them before this runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKERS, needsOf, selectRunnable } from '../test-needs.mjs';
import { NEEDS } from '../setup/needs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

test('a need is found in the test itself and in test helpers it imports, not in the code under test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-needs-'));
  try {
    const t = join(dir, 'dist', 'test');
    mkdirSync(join(t, 'store'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'src', 'lab'), { recursive: true });
    writeFileSync(
      join(t, 'a.test.js'),
      "import { cluster } from './store/rig.js';\nimport { x } from '../src/lab/thing.js';\nexecFileSync('tshark', []);\n",
    );
    writeFileSync(join(t, 'store', 'rig.js'), "import { OvsSandbox } from '../../src/lab/ovs.js';\nimport { a } from '../a.test.js';\n");
    writeFileSync(join(dir, 'dist', 'src', 'lab', 'thing.js'), "spawn('promtool');\n");
    writeFileSync(join(t, 'plain.test.js'), "import { parse } from '../src/parse.js';\n// mentions tshark only in a comment\n");
    assert.deepEqual(needsOf(join(t, 'a.test.js'), t), ['ovs', 'tshark']);
    assert.deepEqual(needsOf(join(t, 'plain.test.js'), t), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('selection runs the files whose needs are all met and leaves out the rest', () => {
  const tests = [
    { file: 'grammar.test.js', needs: [] },
    { file: 'ovs.test.js', needs: ['ovs'] },
    { file: 'cluster.test.js', needs: ['hazelcast', 'ovs'] },
  ];
  assert.deepEqual(selectRunnable(tests, new Set(['hazelcast'])), { run: [tests[0]], left: [tests[1], tests[2]] });
  assert.deepEqual(selectRunnable(tests, new Set(['hazelcast', 'ovs'])).left, []);
  assert.deepEqual(selectRunnable(tests, new Set()).run, [tests[0]]);
});

test('every marker names a need that set-up knows how to install', () => {
  for (const [need] of MARKERS) assert.ok(need in NEEDS, need);
});

test("the project's tests: language tests need nothing, the system tests are classified", () => {
  const classify = (ws) => {
    const d = join(root, ws, 'dist', 'test');
    assert.ok(existsSync(d), `${d} missing: build first (npm test does)`);
    return Object.fromEntries(
      readdirSync(d, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
        .map((e) => join(e.parentPath ?? e.path, e.name))
        .map((f) => [relative(d, f), needsOf(f, d)]),
    );
  };
  const grammar = classify('grammar');
  assert.ok(Object.keys(grammar).length > 10);
  for (const [f, needs] of Object.entries(grammar)) assert.deepEqual(needs, [], f);
  const server = classify('server');
  for (const [f, needs] of Object.entries(server)) assert.deepEqual(needs, f === 'neovim.test.js' ? ['nvim'] : [], f);
  const runtime = classify('runtime');
  assert.deepEqual(runtime['proxy/proxy-ovs.test.js'], ['iperf3', 'ovs']);
  assert.deepEqual(runtime['cluster/cluster.test.js'], ['hazelcast', 'ovs']);
  assert.deepEqual(runtime['store/hazelcast.test.js'], ['hazelcast']);
  assert.deepEqual(runtime['demo/demo.test.js'], ['ovs']);
  assert.deepEqual(runtime['openflow/tshark-crosscheck.test.js'], ['tshark']);
  assert.deepEqual(runtime['api/tls.test.js'], ['openssl']);
  assert.deepEqual(runtime['openflow/codec.test.js'], []);
  assert.deepEqual(runtime['proxy/rewrite.test.js'], []);
  const client = classify('client');
  assert.deepEqual(client['e2e.test.js'], ['workbench']);
  assert.deepEqual(client['sse.test.js'], []);
});
