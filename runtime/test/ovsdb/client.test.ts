// OvsdbClient against a fake OVSDB server on a unix socket: replies split and coalesced, the
// server's echo, JSON-RPC and transaction errors, timeouts, a server that closes mid-request or
// speaks garbage, and bad addresses: every failure is a value, nothing throws.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { OvsdbClient } from '../../src/ovsdb/client.js';
import { JsonStreamFramer } from '../../src/ovsdb/framer.js';
import { parseOvsdbAddress } from '../../src/ovsdb/address.js';

const dir = mkdtempSync(join(tmpdir(), 'dfv-ovsdb-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Req {
  method: string;
  params: unknown[];
  id: unknown;
}
type Handler = (req: Req, sock: Socket) => void;

/** A fake server: each request (and reply to its own requests) goes to `handler`. */
async function fakeServer(
  handler: Handler,
  transport: 'unix' | 'tcp' = 'unix',
): Promise<{ address: string; server: Server; received: unknown[] }> {
  const path = join(dir, `s${n++}.sock`);
  const received: unknown[] = [];
  const server = createServer((sock) => {
    const f = new JsonStreamFramer();
    sock.on('data', (c: Buffer) => {
      for (const v of f.push(c).values) {
        received.push(v);
        handler(v as Req, sock);
      }
    });
    sock.on('error', () => {
      /* the client may go away */
    });
  });
  if (transport === 'unix') server.listen(path);
  else server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  const tcpPort = transport === 'tcp' ? (server.address() as { port: number }).port : 0;
  return { address: transport === 'unix' ? `unix:${path}` : `tcp:127.0.0.1:${tcpPort}`, server, received };
}

async function connected(address: string, timeoutMs = 2000): Promise<OvsdbClient> {
  const c = await OvsdbClient.connect(address, { timeoutMs });
  assert.ok(c.ok, c.ok ? '' : c.error.message);
  after(() => c.value.close());
  return c.value;
}

test('list_dbs and get_schema; replies split across writes and coalesced in one write', async () => {
  const s = await fakeServer((req, sock) => {
    if (req.method === 'list_dbs') {
      const text = JSON.stringify({ id: req.id, result: ['Open_vSwitch', '_Server'], error: null });
      sock.write(text.slice(0, 5));
      setTimeout(() => sock.write(text.slice(5)), 20);
    } else if (req.method === 'get_schema') {
      sock.write(
        JSON.stringify({ id: req.id, result: { name: req.params[0], version: '8.3.0', tables: { QoS: { columns: {} } } }, error: null }) +
          JSON.stringify({ method: 'update', params: [null, {}], id: null }),
      );
    }
  });
  const notes: string[] = [];
  const c0 = await OvsdbClient.connect(s.address, { onNotification: (m) => notes.push(m) });
  assert.ok(c0.ok);
  const c = c0.value;
  const dbs = await c.listDbs();
  assert.deepEqual(dbs, { ok: true, value: ['Open_vSwitch', '_Server'] });
  const schema = await c.getSchema('Open_vSwitch');
  assert.ok(schema.ok);
  assert.equal(schema.value.name, 'Open_vSwitch');
  assert.deepEqual(Object.keys(schema.value.tables), ['QoS']);
  assert.deepEqual(notes, ['update']);
  c.close();
});

test('tcp: a transact round trip, with the request sent as JSON-RPC 1.0 (method, params, id)', async () => {
  const s = await fakeServer((req, sock) => {
    sock.write(JSON.stringify({ id: req.id, result: [{ rows: [{ name: 'br0' }] }], error: null }));
  }, 'tcp');
  const c = await connected(s.address);
  const r = await c.transact('Open_vSwitch', [{ op: 'select', table: 'Bridge', where: [], columns: ['name'] }]);
  assert.deepEqual(r, { ok: true, value: [{ rows: [{ name: 'br0' }] }] });
  assert.deepEqual(s.received, [
    { method: 'transact', params: ['Open_vSwitch', { op: 'select', table: 'Bridge', where: [], columns: ['name'] }], id: 1 },
  ]);
});

test("the server's echo is answered with its params and the same id", async () => {
  let echoReply: unknown;
  const s = await fakeServer((req, sock) => {
    if (req.method === 'list_dbs') sock.write(JSON.stringify({ method: 'echo', params: ['ping', 7], id: 'echo' }));
    else if (!('method' in req)) {
      echoReply = req;
      sock.write(JSON.stringify({ id: 1, result: ['db'], error: null }));
    }
  });
  const c = await connected(s.address);
  const r = await c.listDbs();
  assert.deepEqual(r, { ok: true, value: ['db'] });
  assert.deepEqual(echoReply, { result: ['ping', 7], error: null, id: 'echo' });
});

test('a JSON-RPC error reply is an rpc error; a failed operation is a transact error with its index', async () => {
  const s = await fakeServer((req, sock) => {
    if (req.method === 'get_schema')
      sock.write(
        JSON.stringify({
          id: req.id,
          result: null,
          error: { error: 'unknown database', details: `get_schema request specifies unknown database ${String(req.params[0])}` },
        }),
      );
    if (req.method === 'transact') {
      sock.write(
        JSON.stringify({
          id: req.id,
          error: null,
          result: [{ rows: [] }, { error: 'constraint violation', details: 'no such column' }, null],
        }),
      );
    }
  });
  const c = await connected(s.address);
  const schema = await c.getSchema('Nope');
  assert.equal(schema.ok, false);
  assert.equal(!schema.ok && schema.error.code, 'rpc');
  assert.equal(!schema.ok && schema.error.serverError, 'unknown database');
  assert.match(!schema.ok ? schema.error.message : '', /unknown database Nope/);
  const t = await c.transact('Open_vSwitch', [
    { op: 'select', table: 'QoS', where: [] },
    { op: 'update', table: 'QoS', where: [], row: { bogus: 1 } },
    { op: 'delete', table: 'Queue', where: [] },
  ]);
  assert.equal(t.ok, false);
  assert.deepEqual(!t.ok && [t.error.code, t.error.serverError, t.error.opIndex], ['transact', 'constraint violation', 1]);
  assert.match(!t.ok ? t.error.message : '', /operation 1 \(update QoS\) failed: constraint violation: no such column/);
});

test('a commit failure (one result more than operations) is a transact error', async () => {
  const s = await fakeServer((req, sock) => {
    sock.write(
      JSON.stringify({
        id: req.id,
        error: null,
        result: [{ uuid: ['uuid', 'x'] }, { error: 'referential integrity violation', details: 'cannot delete' }],
      }),
    );
  });
  const c = await connected(s.address);
  const t = await c.transact('Open_vSwitch', [{ op: 'delete', table: 'QoS', where: [] }]);
  assert.deepEqual(!t.ok && [t.error.code, t.error.opIndex], ['transact', 1]);
  assert.match(!t.ok ? t.error.message : '', /commit failed: referential integrity violation/);
});

test('no reply is a timeout, the client stays usable and ignores the late reply', async () => {
  const pendingIds: unknown[] = [];
  const s = await fakeServer((req, sock) => {
    if (req.method === 'list_dbs' && pendingIds.length === 0) {
      pendingIds.push(req.id);
      return;
    }
    // Answer the first (timed-out) request late, then this one.
    sock.write(
      JSON.stringify({ id: pendingIds[0], result: ['late'], error: null }) + JSON.stringify({ id: req.id, result: ['fresh'], error: null }),
    );
  });
  const c = await connected(s.address, 100);
  const first = await c.listDbs();
  assert.deepEqual(!first.ok && first.error.code, 'timeout');
  const second = await c.listDbs();
  assert.deepEqual(second, { ok: true, value: ['fresh'] });
  assert.equal(c.closed, undefined);
});

test('the server closing mid-transaction fails the request with closed, and later requests too', async () => {
  const s = await fakeServer((_req, sock) => {
    sock.write('{"id":1,"res');
    setTimeout(() => sock.destroy(), 10);
  });
  const c = await connected(s.address);
  const t = await c.transact('Open_vSwitch', [{ op: 'select', table: 'Bridge', where: [] }]);
  assert.deepEqual(!t.ok && t.error.code, 'closed');
  assert.equal(c.closed?.code, 'closed');
  const again = await c.listDbs();
  assert.deepEqual(!again.ok && again.error.code, 'closed');
});

test('garbage from the server is a protocol error, the connection is dropped', async () => {
  for (const garbage of ['HTTP/1.1 400 Bad Request\r\n\r\n', '{"id":1,,}', '[1,2,3]', '{"hello":"world"}']) {
    const s = await fakeServer((_req, sock) => {
      sock.write(garbage);
    });
    const c = await connected(s.address);
    const r = await c.listDbs();
    assert.deepEqual(!r.ok && r.error.code, 'protocol', garbage);
    assert.equal(c.closed?.code, 'protocol');
  }
});

test('a reply of the wrong shape is a protocol error, not a crash', async () => {
  const s = await fakeServer((req, sock) => {
    sock.write(JSON.stringify({ id: req.id, result: { not: 'a list' }, error: null }));
  });
  const c = await connected(s.address);
  assert.deepEqual(await c.listDbs().then((r) => !r.ok && r.error.code), 'protocol');
  assert.deepEqual(await c.transact('Open_vSwitch', []).then((r) => !r.ok && r.error.code), 'protocol');
});

test('nobody listening, and bad addresses, are errors as values', async () => {
  const dead = await OvsdbClient.connect(`unix:${join(dir, 'nobody.sock')}`, { timeoutMs: 1000 });
  assert.deepEqual(!dead.ok && dead.error.code, 'connect');
  for (const a of ['ssl:1.2.3.4:6640', 'tcp:host', 'tcp:[::1]:99999', 'unix:', '/var/run/db.sock']) {
    const r = await OvsdbClient.connect(a);
    assert.deepEqual(!r.ok && r.error.code, 'bad_address', a);
  }
  assert.deepEqual(parseOvsdbAddress('tcp:[::1]:6640'), { ok: true, address: { kind: 'tcp', host: '::1', port: 6640 } });
  assert.deepEqual(parseOvsdbAddress('tcp:127.0.0.1:6640'), { ok: true, address: { kind: 'tcp', host: '127.0.0.1', port: 6640 } });
});

test('a notification listener that throws does not break the connection', async () => {
  const s = await fakeServer((req, sock) => {
    sock.write(
      JSON.stringify({ method: 'update', params: ['x', {}], id: null }) + JSON.stringify({ id: req.id, result: ['db'], error: null }),
    );
  });
  const c0 = await OvsdbClient.connect(s.address, {
    onNotification: () => {
      throw new Error('listener bug');
    },
  });
  assert.ok(c0.ok);
  after(() => c0.value.close());
  assert.deepEqual(await c0.value.listDbs(), { ok: true, value: ['db'] });
  assert.equal(c0.value.closed, undefined);
});
