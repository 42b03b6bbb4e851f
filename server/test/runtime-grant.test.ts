// A tenant workspace without the network's files, over real JSON-RPC against a real `dfvisor run`:
// the server takes the network part and the tenant's grant from the runtime (initializationOptions
// `runtime: {url, token}`), checks the slices against them (SL602 with a witness, no SL107), completes
// only granted ports, and says clearly when the runtime is offline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { expectDiagnostics, LspClient, tempWorkspace } from '../test-support/harness.js';

const DFVISOR_BIN = resolve(process.cwd(), 'runtime', 'bin', 'dfvisor.js');
const ADMIN = 'test-admin-token-0123456789';

const NETWORK = `network lab {
  switch s1 dpid 1 { port 1 "alice-host" port 2 "bob-host" port 3..4 }
  switch s2 dpid 2 { port 1..4 }
  link s1:4 <-> s2:4
}
grant "alice@example.org" {
  ports s1:1, s2:1
  match ip_src 10.1.0.0/16
  limits { control_rate 50/s }
}
`;

const TENANT = `slice a {
  owner "alice@example.org"
  controller "tcp:127.0.0.1:7001"
  flowspace {
    ok: match ip_src 10.1.0.0/16 on s1:1, s2:1
    wide: match ip_src 10.0.0.0/8 on s1:1
  }
}
`;

let runtime: ChildProcess | undefined;
let url = '';
let token = '';
const cleanups: Array<() => Promise<void> | void> = [];

async function api(method: string, path: string, auth: string, body?: unknown): Promise<{ status: number; body: { token?: string } }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as { token?: string } };
}

before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dfv-ls-rt-'));
  const child = spawn(
    process.execPath,
    [DFVISOR_BIN, 'run', '--api', '127.0.0.1:0', '--of-listen', '127.0.0.1:0', '--data-dir', dataDir, '--log-level', 'info'],
    { env: { ...process.env, DFVISOR_ADMIN_TOKEN: ADMIN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  runtime = child;
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`runtime did not start:\n${out}`)), 20_000);
    child.stderr!.on('data', (d) => {
      out += d;
      const m = /runtime node \S+ up: API (\S+),/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    child.on('exit', (code) => fail(new Error(`runtime exited with ${code}:\n${out}`)));
  });
  const deployed = await api('POST', '/v1/deploy', ADMIN, { files: [{ path: 'network.slice', text: NETWORK }] });
  assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
  token = (await api('POST', '/v1/tokens', ADMIN, { owner: 'alice@example.org' })).body.token ?? '';
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  if (runtime && runtime.exitCode === null) {
    const exited = new Promise((r) => runtime!.once('exit', r));
    runtime.kill('SIGTERM');
    await exited;
  }
});

async function tenantClient(runtimeUrl: string) {
  const ws = tempWorkspace({ 'a.slice': TENANT });
  cleanups.push(() => ws.cleanup());
  const client = await LspClient.start({
    workspace: ws.dir,
    initializationOptions: { debounceMs: 30, runtime: { url: runtimeUrl, token } },
  });
  cleanups.push(() => client.stop());
  return { ws, client };
}

describe('a tenant workspace checked against the runtime it is connected to', () => {
  it('checks against the grant from the runtime: SL602 with a witness, no SL107', async () => {
    const { ws, client } = await tenantClient(url);
    const uri = ws.uri('a.slice');
    const ds = await expectDiagnostics(client, uri, ['SL602']);
    assert.match(
      ds[0]!.message,
      /rule a\.wide claims packets like eth_type=ipv4 ip_src=10\.0\.0\.1 at s1:1, outside the grant of "alice@example.org"/,
    );
    assert.equal(ds[0]!.range.start.line, 5);
  });

  it('completes only the granted ports (and link ports) of the runtime network', async () => {
    const { ws, client } = await tenantClient(url);
    const uri = ws.uri('a.slice');
    await expectDiagnostics(client, uri, ['SL602']);
    const text = TENANT.replace('    ok: match ip_src 10.1.0.0/16 on s1:1, s2:1', '    ok: match ip_src 10.1.0.0/16 on s1:');
    await client.open(uri, text);
    const line = 4;
    const character = text.split('\n')[line]!.length;
    const items = await client.completion(uri, { line, character });
    const ports = items.filter((i) => /^s1:\d+$/.test(i.label)).map((i) => i.label);
    assert.deepEqual(ports, ['s1:1', 's1:4']);
  });

  it('says clearly when the runtime is offline, and checks what needs no network', async () => {
    const closed = await closedPort();
    const { ws, client } = await tenantClient(`http://127.0.0.1:${closed}`);
    const uri = ws.uri('a.slice');
    // Any answer at all ends the wait (not only OFFLINE), so a wrong one fails on its message below.
    const ds = await client.waitForDiagnostics(uri, (list) =>
      list.some((d) => d.code === 'SL107' && !/waiting for the runtime/.test(d.message)),
    );
    const d = ds.find((x) => x.code === 'SL107')!;
    assert.match(d.message, new RegExp(`OFFLINE: the runtime at http://127\\.0\\.0\\.1:${closed} does not answer \\(ECONNREFUSED\\)`));
    assert.ok(!ds.some((x) => x.code === 'SL602'));
  });

  it('takes the runtime from the dfvisor.runtime setting too (as Neovim sends it), and drops it when unset', async () => {
    const ws = tempWorkspace({ 'a.slice': TENANT });
    cleanups.push(() => ws.cleanup());
    const client = await LspClient.start({ workspace: ws.dir });
    cleanups.push(() => client.stop());
    const uri = ws.uri('a.slice');
    await expectDiagnostics(client, uri, ['SL107']);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { dfvisor: { runtime: { url, token } } } });
    await expectDiagnostics(client, uri, ['SL602']);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { dfvisor: { runtime: null } } });
    await expectDiagnostics(client, uri, ['SL107']);
  });
});

/**
 * A port on which nothing listens, from below the kernel's ephemeral range: a port that
 * `listen(0)` handed out and gave back can be handed to another test's server (tests run in
 * parallel) before the language server asks it, which then answers instead of refusing.
 */
async function closedPort(): Promise<number> {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const top = Math.min(low ?? 32768, 32768);
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * (top - 20000));
    const free = await new Promise<boolean>((done) => {
      const srv = createServer()
        .once('error', () => done(false))
        .listen(port, '0.0.0.0', () => srv.close(() => done(true)));
    });
    if (free) return port;
  }
}
