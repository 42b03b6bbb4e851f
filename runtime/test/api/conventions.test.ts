// The API's conventions (issue 15): Fastify's logger with request ids and no tokens in the log,
// schema validation of plans and config files with the schema errors in the answer, the OpenAPI
// document generated from the route schemas (served, and the checked-in copy current), no
// FST_ERR_* in problem bodies, and a /metrics exposition that Prometheus' promtool accepts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText, files } from './fixtures.js';
import { dfvisor, repoRoot } from '../support/run-cli.js';
import { waitFor } from '../../src/lab/proc.js';
import { buildApi } from '../../src/api/server.js';
import { EventHub } from '../../src/api/events.js';
import { openApiDocument } from '../../src/api/openapi.js';
import { TokenService, sha256, type TokenRecord } from '../../src/auth/tokens.js';
import type { DeployService } from '../../src/deploy/service.js';

let rt: RuntimeProcess;
let admin: string;

before(async () => {
  rt = await startRuntime();
  admin = rt.adminToken;
  const d = await http(rt, 'POST', '/v1/deploy', {
    token: admin,
    body: files(
      ['net.slice', NETWORK],
      ['a.slice', sliceText('alpha', 'alice', { port: 1, tag: 100 })],
      ['b.slice', sliceText('beta', 'bob', { port: 2, tag: 200, prefix: '10.2.0.0/16' })],
    ),
  });
  assert.equal(d.status, 200, JSON.stringify(d.body));
});
after(async () => {
  await rt?.stop();
});

test('requests are logged with request ids; tokens never reach the log', async () => {
  const tenant = (await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner: 'alice' } })).body.token as string;
  const wrong = 'dfv_abcdef012345_' + 'S'.repeat(32);
  const r = await http(rt, 'GET', '/v1/slices', { token: tenant });
  assert.equal(r.status, 200);
  const id = r.headers.get('x-request-id');
  assert.match(id ?? '', /^[0-9a-f-]{36}$/);
  assert.equal((await http(rt, 'GET', '/v1/slices', { token: wrong })).status, 401);
  await waitFor(
    'the request logged',
    () =>
      rt
        .logs()
        .split('\n')
        .some((l) => l.includes(id!) && l.includes('request completed')),
    10_000,
  );
  const logs = rt.logs();
  // Whole lines only: the runtime may be writing the next line while the test reads the log.
  const lines = logs
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(
    lines.some((l) => l.reqId === id && l.msg === 'incoming request'),
    'the request is logged with its id',
  );
  assert.ok(lines.some((l) => l.reqId === id && l.msg === 'request completed'));
  // The secret is everything after `dfv_<id>_` (base64url: it may itself contain `_`).
  const tenantSecret = tenant.slice(tenant.indexOf('_', 'dfv_'.length) + 1);
  for (const secret of [admin, tenant, wrong, tenantSecret]) assert.equal(logs.includes(secret), false, 'a token is in the log');
});

test('a 500 is logged with its request id; the answer is a problem without internals', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  const records = new Map<string, TokenRecord>();
  const tokens = new TokenService(sha256('x'.repeat(40)), {
    get: (id) => records.get(id),
    list: () => [...records.values()],
    put: async (r) => void records.set(r.id, r),
  });
  const app = await buildApi({
    deploy: { activePlan: () => undefined, listRevisions: async () => [] } as unknown as DeployService,
    tokens,
    runtime: {
      status: () => {
        throw new Error('status exploded');
      },
      sliceStats: () => undefined,
      connectedControllers: () => [],
      connectedSwitches: () => [],
    },
    events: new EventHub(),
    audit: { record: () => undefined, recent: () => [] },
    metrics: new Registry(),
    logger: pino({ level: 'info' }, sink),
  });
  try {
    const res = await app.inject({ method: 'GET', url: '/v1/status', headers: { authorization: `Bearer ${'x'.repeat(40)}` } });
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.equal(body.code, 'INTERNAL');
    assert.equal(JSON.stringify(body).includes('exploded'), false);
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
    assert.ok(logged, 'the error is logged');
    assert.equal(logged.reqId, res.headers['x-request-id']);
    assert.match(logged.err.message, /status exploded/);
    assert.equal(lines.join('').includes('x'.repeat(40)), false, 'the bearer token is not logged');
  } finally {
    await app.close();
  }
});

test('a submitted plan is validated against plan.schema.json: 400 INVALID_PLAN with the schema errors', async () => {
  const plan = {
    format: 'dfvisor-plan',
    version: 1,
    network: { name: 'n', switches: [{ name: 's1', dpid: 'nothex', ports: null }], links: [] },
    slices: [],
    flowspace: [],
    qos: { meters: [], queues: [] },
    extra: 1,
  };
  const r = await http(rt, 'POST', '/v1/deploy', { token: admin, body: { plan } });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.headers.get('content-type')?.split(';')[0], 'application/problem+json');
  assert.equal(r.body.code, 'INVALID_PLAN');
  const paths = r.body.errors.map((e: { path: string }) => e.path);
  assert.ok(paths.includes('/network/switches/0/dpid'), JSON.stringify(r.body.errors));
  assert.ok(
    r.body.errors.some((e: { path: string; message: string }) => e.path === '' && /extra/.test(e.message)),
    JSON.stringify(r.body.errors),
  );
});

test('route schema errors list where and what; Fastify codes never appear in problems', async () => {
  const schema = await http(rt, 'POST', '/v1/deploy', { token: admin, body: { files: [{ path: 'x' }] } });
  assert.equal(schema.status, 400);
  assert.ok(schema.body.errors.length > 0);
  const cases = [
    await http(rt, 'POST', '/v1/deploy', { token: admin, raw: '{"files": [' }),
    await http(rt, 'POST', '/v1/deploy', { token: admin, raw: '' }),
    await http(rt, 'POST', '/v1/deploy', { token: admin, raw: 'files=1', contentType: 'application/x-www-form-urlencoded' }),
    await http(rt, 'POST', '/v1/deploy', { token: admin, raw: '{}', contentType: 'text/plain' }),
    await http(rt, 'POST', '/v1/tokens', { token: admin, raw: '{"owner": 1', contentType: 'application/json' }),
    schema,
  ];
  for (const r of cases) {
    assert.ok(r.status >= 400 && r.status < 500, String(r.status));
    assert.equal(r.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    assert.equal(JSON.stringify(r.body).includes('FST_'), false, JSON.stringify(r.body));
    assert.ok(['BAD_REQUEST', 'UNSUPPORTED_MEDIA_TYPE'].includes(r.body.code), r.body.code);
  }
});

test('the OpenAPI document is served at /v1/openapi.json (no token) and is the generated one', async () => {
  const r = await http(rt, 'GET', '/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.equal(r.body.openapi, '3.1.0');
  const paths = r.body.paths as Record<string, unknown>;
  assert.deepEqual(r.body, await openApiDocument('json'));
  for (const p of [
    '/v1/deploy',
    '/v1/slices',
    '/v1/slices/{name}',
    '/v1/slices/{name}/stats',
    '/v1/revisions',
    '/v1/rollback/{rev}',
    '/v1/status',
    '/v1/topology',
    '/v1/events',
    '/v1/tokens',
    '/v1/tokens/{id}',
    '/v1/audit',
    '/metrics',
    '/healthz',
  ])
    assert.ok(paths[p], p);
});

test('the checked-in docs/openapi.yaml and client/src/api/openapi.ts are current', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/openapi.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // The check fails on a stale copy (a tree whose yaml lacks a route).
  const stale = mkdtempSync(join(tmpdir(), 'dfv-openapi-'));
  mkdirSync(join(stale, 'docs'));
  mkdirSync(join(stale, 'client/src/api'), { recursive: true });
  writeFileSync(
    join(stale, 'docs/openapi.yaml'),
    readFileSync(join(repoRoot, 'docs/openapi.yaml'), 'utf8').replace('  /v1/topology:', '  /v1/topo:'),
  );
  writeFileSync(join(stale, 'client/src/api/openapi.ts'), readFileSync(join(repoRoot, 'client/src/api/openapi.ts'), 'utf8'));
  const s = spawnSync(process.execPath, [join(repoRoot, 'scripts/openapi.mjs'), '--check'], {
    encoding: 'utf8',
    env: { ...process.env, DFVISOR_OPENAPI_ROOT: stale + '/' },
  });
  assert.equal(s.status, 1);
  assert.match(s.stderr, /docs\/openapi\.yaml is stale/);
});

test('the config file is checked against its schema: exit 2 with the errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-cfg-'));
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ api: 8181, bodyLimitBytes: 'big', typo: true }));
  const r = await dfvisor(['run', '--config', cfg]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /does not match its schema/);
  assert.match(r.stderr, /\/bodyLimitBytes/);
  assert.match(r.stderr, /typo/);
});

test('compile --previous checks the plan against plan.schema.json: exit 2 with the errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-prev-'));
  writeFileSync(join(dir, 'net.slice'), NETWORK);
  writeFileSync(join(dir, 'old.json'), JSON.stringify({ format: 'dfvisor-plan', version: 1, slices: 'no' }));
  const r = await dfvisor(['compile', '--previous', join(dir, 'old.json'), join(dir, 'net.slice')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--previous .* is not a plan/);
  assert.match(r.stderr, /\/slices/);
  assert.equal(r.stdout, '');
});

test('/metrics passes promtool check metrics; cumulative slice values are _total counters', async () => {
  const r = await http(rt, 'GET', '/metrics', { token: admin });
  assert.equal(r.status, 200);
  const text = r.body as string;
  assert.match(text, /# TYPE dfvisor_slice_packets_total counter\ndfvisor_slice_packets_total\{slice="alpha"\} \d+/);
  assert.match(text, /# TYPE dfvisor_slice_bytes_total counter/);
  assert.match(text, /# TYPE dfvisor_slice_packet_ins_total counter/);
  assert.match(text, /# TYPE dfvisor_slice_flows gauge/);
  assert.match(text, /dfvisor_process_cpu_seconds_total /);
  assert.equal(/dfvisor_process_process_/.test(text), false, 'the process prefix doubles');
  assert.equal(/^dfvisor_slice_(packets|bytes|packet_ins)\{/m.test(text), false, 'cumulative values as gauges');
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.error, undefined, 'promtool (Debian package prometheus) must be installed');
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  assert.equal(check.stdout + check.stderr, '', 'promtool reports no lint problems');
});
