// The extension's HTTP client, event-stream reader and embedded-runtime launcher against a REAL
// `dfvisor run` (the repository's runtime, embedded store, free loopback ports, private temp data dir).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeApi } from '../src/api/client.js';
import { ApiError } from '../src/api/errors.js';
import { subscribe, type SseEvent } from '../src/api/sse.js';
import { freePort, startEmbeddedRuntime, type EmbeddedRuntime } from '../src/runtime/embedded.js';
import { locateRuntime } from '../src/runtime/locate.js';
import { clientDir, fixtures, repoDir } from './helpers/paths.js';

const lab = { path: 'lab.slice', text: readFileSync(join(fixtures, 'workspace', 'lab.slice'), 'utf8') };
const broken = {
  path: 'tenants/broken.slice',
  text: 'slice broken {\n  controller "tcp:127.0.0.1:6640"\n  flowspace { r1: match ip_src 10.9.0.0/16 on s9:1 }\n}\n',
};

function expectApiError(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

describe('runtime API client against a real embedded runtime', () => {
  let rt: EmbeddedRuntime;
  let api: RuntimeApi;
  let dataDir: string;

  before(async () => {
    const cli = join(repoDir, 'runtime', 'dist', 'src', 'cli', 'main.js');
    assert.ok(existsSync(cli), `the runtime is not built (${cli}): run \`npx tsc -b runtime\``);
    dataDir = mkdtempSync(join(tmpdir(), 'dfvisor-client-rt-'));
    const runtime = locateRuntime('', clientDir, process.execPath);
    assert.equal(runtime.source, 'repository');
    rt = await startEmbeddedRuntime({ runtime, dataDir });
    api = new RuntimeApi({ url: rt.url, token: rt.token });
  });

  after(async () => {
    await rt?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('healthz answers and the generated admin token is accepted', async () => {
    assert.deepEqual(await api.healthz(), { ok: true });
    assert.deepEqual(await api.listSlices(), []);
  });

  test('a wrong token is UNAUTHORIZED with a message that says what to do', async () => {
    const bad = new RuntimeApi({ url: rt.url, token: 'not-the-token' });
    await assert.rejects(bad.listSlices(), (e: unknown) => expectApiError('UNAUTHORIZED')(e) && /Set API Token/.test((e as Error).message));
  });

  test('language errors come back as LANGUAGE_ERRORS with the grammar diagnostics', async () => {
    await assert.rejects(api.deploy([lab, broken]), (e: unknown) => {
      expectApiError('LANGUAGE_ERRORS')(e);
      const d = (e as ApiError).diagnostics.find((x) => x.code === 'SL101');
      assert.ok(d, `no SL101 in ${JSON.stringify((e as ApiError).diagnostics)}`);
      assert.equal(d.file, 'tenants/broken.slice');
      assert.equal(d.range.start.line, 2);
      return true;
    });
  });

  test('dry run reports the diff without deploying', async () => {
    const r = await api.deploy([lab], true);
    assert.equal(r.dryRun, true);
    assert.deepEqual([...r.diff.added].sort(), ['production', 'research']);
    assert.deepEqual(await api.listSlices(), []);
  });

  test('deploy, list, detail, stats, status, revisions; the event stream announces the change', async () => {
    const events: SseEvent[] = [];
    let seen!: () => void;
    const gotChange = new Promise<void>((r) => (seen = r));
    const sub = subscribe(`${rt.url}/v1/events`, api.headers(), (ev) => {
      events.push(ev);
      if (ev.event === 'revision' || ev.event === 'slice-changed') seen();
    });
    try {
      const r = await api.deploy([lab]);
      assert.equal(r.dryRun, false);
      assert.ok(r.revision >= 1);
      assert.deepEqual([...r.diff.added].sort(), ['production', 'research']);
      const slices = await api.listSlices();
      assert.deepEqual(slices.map((s) => s.name).sort(), ['production', 'research']);
      const research = await api.getSlice('research');
      assert.equal(research.owner, 'alice@example.org');
      assert.deepEqual(research.overlay, { type: 'vlan', tag: 101 });
      assert.deepEqual([...research.switches].sort(), ['0000000000000001', '0000000000000002', '0000000000000003']);
      const stats = await api.sliceStats('research');
      assert.equal(stats.slice, 'research');
      assert.equal(typeof stats.packets, 'number');
      const status = await api.status();
      assert.equal(status.revision, r.revision);
      const revs = await api.revisions();
      assert.equal(revs.active, r.revision);
      await gotChange;
      assert.ok(events.some((e) => e.event === 'revision' || e.event === 'slice-changed'));
    } finally {
      sub.close();
      assert.equal(await sub.done, undefined, 'closing the stream is not an error');
    }
  });

  test('undeploy removes one slice; an unknown slice is NOT_FOUND', async () => {
    const r = await api.deleteSlice('production');
    assert.equal(typeof r.revision, 'number');
    assert.deepEqual(
      (await api.listSlices()).map((s) => s.name),
      ['research'],
    );
    await assert.rejects(api.getSlice('nope'), expectApiError('NOT_FOUND'));
  });

  test('stop ends the process', async () => {
    await rt.stop();
    assert.notEqual(await rt.exited, undefined);
    await assert.rejects(api.healthz({ timeoutMs: 2000 }), expectApiError('UNREACHABLE'));
  });
});

test('an address with nothing listening is UNREACHABLE and the message names the fix', async () => {
  const port = await freePort();
  const api = new RuntimeApi({ url: `http://127.0.0.1:${port}/` });
  assert.equal(api.base, `http://127.0.0.1:${port}`);
  await assert.rejects(api.listSlices(), (e: unknown) => {
    expectApiError('UNREACHABLE')(e);
    assert.match((e as Error).message, /ECONNREFUSED/);
    assert.match((e as Error).message, /Start Embedded Runtime/);
    return true;
  });
});

test('a runtime that exits at once is reported with its output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfvisor-client-bad-'));
  try {
    const runtime = {
      command: process.execPath,
      args: ['-e', 'console.error("boom: bad flag"); process.exit(3)', '--'],
      source: 'setting' as const,
      viaNode: true,
    };
    await assert.rejects(startEmbeddedRuntime({ runtime, dataDir: dir }), /exited \(code 3\).*boom: bad flag/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
