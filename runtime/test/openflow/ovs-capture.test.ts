/**
 * Real messages from Open vSwitch: the test starts ovsdb-server + ovs-vswitchd (dummy datapath, private
 * temp dir), points a bridge at a listener on a free loopback port, talks OpenFlow 1.3 and 1.0 to it and
 * checks that every message the switch sends decodes and re-encodes to the identical bytes.
 * With DFV_WRITE_CORPUS=1 the captured frames are also written to test/fixtures/openflow/ovs-*.hex.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MATCH10_ALL,
  OFP_NO_BUFFER,
  OpenFlowConnection,
  decodeMessage,
  encodeMessage,
  versionBitmap,
  type OfMessage,
} from '../../src/openflow/index.js';

function have(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function withOvs(fn: (env: NodeJS.ProcessEnv, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-ovs-'));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  try {
    run('ovsdb-tool', ['create', join(dir, 'conf.db'), '/usr/share/openvswitch/vswitch.ovsschema']);
    run('ovsdb-server', [
      join(dir, 'conf.db'),
      `--remote=punix:${join(dir, 'db.sock')}`,
      `--pidfile=${join(dir, 'ovsdb-server.pid')}`,
      '--detach',
      '--no-chdir',
      `--log-file=${join(dir, 'ovsdb-server.log')}`,
    ]);
    run('ovs-vsctl', [`--db=unix:${join(dir, 'db.sock')}`, '--no-wait', 'init']);
    run('ovs-vswitchd', [
      `unix:${join(dir, 'db.sock')}`,
      '--enable-dummy',
      '--disable-system',
      `--pidfile=${join(dir, 'ovs-vswitchd.pid')}`,
      '--detach',
      '--no-chdir',
      `--log-file=${join(dir, 'ovs-vswitchd.log')}`,
    ]);
    await fn(env, dir);
  } finally {
    for (const name of ['ovs-vswitchd', 'ovsdb-server']) {
      const pidFile = join(dir, `${name}.pid`);
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function captureFrom(version: 1 | 4, env: NodeJS.ProcessEnv, dir: string, bridge: string): Promise<Buffer[]> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const vsctl = (...args: string[]) => execFileSync('ovs-vsctl', [`--db=unix:${join(dir, 'db.sock')}`, ...args], { env, stdio: 'ignore' });
  const frames: Buffer[] = [];
  let conn: OpenFlowConnection | undefined;
  try {
    vsctl(
      'add-br',
      bridge,
      '--',
      'set',
      'bridge',
      bridge,
      'datapath_type=dummy',
      'fail-mode=secure',
      `protocols=${version === 4 ? 'OpenFlow13' : 'OpenFlow10'}`,
      '--',
      'add-port',
      bridge,
      `${bridge}p1`,
      '--',
      'set',
      'interface',
      `${bridge}p1`,
      'type=dummy',
      'ofport_request=1',
      '--',
      'add-port',
      bridge,
      `${bridge}p2`,
      '--',
      'set',
      'interface',
      `${bridge}p2`,
      'type=dummy',
      'ofport_request=2',
      '--',
      'set-controller',
      bridge,
      `tcp:127.0.0.1:${port}`,
    );
    const [sock] = (await once(server, 'connection')) as [net.Socket];
    conn = new OpenFlowConnection(sock);
    conn.on('message', (_m, raw) => frames.push(Buffer.from(raw)));
    const c = conn;
    c.send({ version, type: 'hello', xid: c.nextXid(), elements: version === 4 ? [versionBitmap([4])] : [] });
    const x = () => c.nextXid();
    const asks: OfMessage[] =
      version === 4
        ? [
            { version, type: 'features_request', xid: x() },
            { version, type: 'get_config_request', xid: x() },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'desc' } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'port_desc' } },
            { version, type: 'set_config', xid: x(), flags: 0, missSendLen: 0xffff },
            {
              version,
              type: 'meter_mod',
              xid: x(),
              command: 0,
              flags: 0x9,
              meterId: 1,
              bands: [{ type: 'drop', rate: 1000, burstSize: 0 }],
            },
            {
              version,
              type: 'group_mod',
              xid: x(),
              command: 0,
              groupType: 0,
              groupId: 1,
              buckets: [{ weight: 0, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
            },
            {
              version,
              type: 'flow_mod',
              xid: x(),
              cookie: 0x42n,
              cookieMask: 0n,
              tableId: 0,
              command: 0,
              idleTimeout: 0,
              hardTimeout: 0,
              priority: 100,
              bufferId: OFP_NO_BUFFER,
              outPort: 0xffffffff,
              outGroup: 0xffffffff,
              flags: 1,
              match: [
                { field: 'in_port', value: 1 },
                { field: 'eth_type', value: 0x0800 },
                { field: 'ipv4_dst', value: '10.0.0.0', mask: '255.255.255.0' },
              ],
              instructions: [
                { type: 'meter', meterId: 1 },
                {
                  type: 'apply_actions',
                  actions: [
                    { type: 'push_vlan', ethertype: 0x8100 },
                    { type: 'set_field', field: { field: 'vlan_vid', value: 0x1000 | 5 } },
                    { type: 'output', port: 2, maxLen: 0 },
                    { type: 'group', groupId: 1 },
                  ],
                },
              ],
            },
            {
              version,
              type: 'flow_mod',
              xid: x(),
              cookie: 0n,
              cookieMask: 0n,
              tableId: 0,
              command: 0,
              idleTimeout: 0,
              hardTimeout: 0,
              priority: 0,
              bufferId: OFP_NO_BUFFER,
              outPort: 0xffffffff,
              outGroup: 0xffffffff,
              flags: 0,
              match: [],
              instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }] }],
            },
            {
              version,
              type: 'flow_mod',
              xid: x(),
              cookie: 0n,
              cookieMask: 0n,
              tableId: 0,
              command: 0,
              idleTimeout: 0,
              hardTimeout: 0,
              priority: 1,
              bufferId: OFP_NO_BUFFER,
              outPort: 0xffffffff,
              outGroup: 0xffffffff,
              flags: 0,
              match: [
                { field: 'in_port', value: 99 },
                { field: 'in_port', value: 98 },
              ],
              instructions: [],
            },
            { version, type: 'barrier_request', xid: x() },
            {
              version,
              type: 'multipart_request',
              xid: x(),
              flags: 0,
              body: { mpType: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] },
            },
            {
              version,
              type: 'multipart_request',
              xid: x(),
              flags: 0,
              body: {
                mpType: 'aggregate',
                tableId: 0xff,
                outPort: 0xffffffff,
                outGroup: 0xffffffff,
                cookie: 0n,
                cookieMask: 0n,
                match: [],
              },
            },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'port_stats', portNo: 0xffffffff } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'queue', portNo: 0xffffffff, queueId: 0xffffffff } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'meter', meterId: 0xffffffff } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'meter_config', meterId: 0xffffffff } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'meter_features' } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'group_desc' } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'table_features', data: Buffer.alloc(0) } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'group', groupId: 0xfffffffc } },
            { version, type: 'queue_get_config_request', xid: x(), port: 1 },
            { version, type: 'role_request', xid: x(), role: 2, generationId: 1n },
            { version, type: 'get_async_request', xid: x() },
            {
              version,
              type: 'packet_out',
              xid: x(),
              bufferId: OFP_NO_BUFFER,
              inPort: 0xfffffffd,
              actions: [{ type: 'output', port: 0xfffffff9, maxLen: 0 }],
              data: Buffer.from('ffffffffffff000000000001080600010800060400010000000000010a0000010000000000000a000002', 'hex'),
            },
            { version, type: 'echo_request', xid: x(), data: Buffer.from('dfvisor') },
          ]
        : [
            { version, type: 'features_request', xid: x() },
            { version, type: 'get_config_request', xid: x() },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'desc' } },
            { version, type: 'set_config', xid: x(), flags: 0, missSendLen: 0xffff },
            {
              version,
              type: 'flow_mod',
              xid: x(),
              match: { ...MATCH10_ALL, wildcards: MATCH10_ALL.wildcards & ~1, inPort: 1 },
              cookie: 7n,
              command: 0,
              idleTimeout: 0,
              hardTimeout: 0,
              priority: 100,
              bufferId: OFP_NO_BUFFER,
              outPort: 0xffff,
              flags: 1,
              actions: [
                { type: 'set_vlan_vid', vlanVid: 5 },
                { type: 'output', port: 2, maxLen: 0 },
              ],
            },
            {
              version,
              type: 'flow_mod',
              xid: x(),
              match: MATCH10_ALL,
              cookie: 0n,
              command: 0,
              idleTimeout: 0,
              hardTimeout: 0,
              priority: 0,
              bufferId: OFP_NO_BUFFER,
              outPort: 0xffff,
              flags: 0,
              actions: [{ type: 'output', port: 0xfffd, maxLen: 0xffff }],
            },
            { version, type: 'barrier_request', xid: x() },
            {
              version,
              type: 'multipart_request',
              xid: x(),
              flags: 0,
              body: { mpType: 'flow', match: MATCH10_ALL, tableId: 0xff, outPort: 0xffff },
            },
            {
              version,
              type: 'multipart_request',
              xid: x(),
              flags: 0,
              body: { mpType: 'aggregate', match: MATCH10_ALL, tableId: 0xff, outPort: 0xffff },
            },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'table' } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'port_stats', portNo: 0xffff } },
            { version, type: 'multipart_request', xid: x(), flags: 0, body: { mpType: 'queue', portNo: 0xfffc, queueId: 0xffffffff } },
            { version, type: 'queue_get_config_request', xid: x(), port: 1 },
            { version, type: 'port_mod', xid: x(), portNo: 99, hwAddr: '00:00:00:00:00:01', config: 1, mask: 1, advertise: 0 },
            {
              version,
              type: 'packet_out',
              xid: x(),
              bufferId: OFP_NO_BUFFER,
              inPort: 0xffff,
              actions: [{ type: 'output', port: 0xfff9, maxLen: 0 }],
              data: Buffer.from('ffffffffffff000000000001080600010800060400010000000000010a0000010000000000000a000002', 'hex'),
            },
            { version, type: 'echo_request', xid: x(), data: Buffer.from('dfvisor') },
          ];
    const last = asks[asks.length - 1]!;
    for (const m of asks.slice(0, -1)) c.send(m);
    await c.request(last, 10000);
    // port-status messages: delete a port while connected, then one more round trip
    vsctl('del-port', bridge, `${bridge}p2`);
    for (let i = 0; i < 50 && !frames.some((f) => f[1] === 12); i++) {
      await c.request({ version, type: 'echo_request', xid: c.nextXid(), data: Buffer.alloc(0) }, 5000);
      await new Promise((r) => setTimeout(r, 20));
    }
    return frames;
  } finally {
    conn?.close('capture done');
    server.close();
    try {
      vsctl('--if-exists', 'del-br', bridge);
    } catch {
      /* daemon may be gone */
    }
  }
}

const corpusDir = fileURLToPath(new URL('../../../test/fixtures/openflow/', import.meta.url));
const ovsReady = have('ovs-vswitchd') && have('ovsdb-server');

test('Open vSwitch 1.3 and 1.0 messages decode and re-encode byte for byte', { timeout: 60000 }, async () => {
  assert.ok(ovsReady, 'Open vSwitch is not installed: run .ci/install-system.sh (openvswitch-switch)');
  await withOvs(async (env, dir) => {
    for (const version of [4, 1] as const) {
      const frames = await captureFrom(version, env, dir, version === 4 ? 'dfv13' : 'dfv10');
      const types = new Set<string>();
      const problems: string[] = [];
      for (const f of frames) {
        const r = decodeMessage(f);
        if (!r.ok) {
          problems.push(`${f.toString('hex').slice(0, 32)}…: ${r.error.code} ${r.error.message}`);
          continue;
        }
        const label =
          r.msg.type === 'multipart_reply' || r.msg.type === 'multipart_request' ? `${r.msg.type}/${r.msg.body.mpType}` : r.msg.type;
        types.add(label);
        const again = encodeMessage(r.msg);
        if (!again.equals(f)) problems.push(`${label}: re-encoded bytes differ\n  ${f.toString('hex')}\n  ${again.toString('hex')}`);
      }
      assert.deepEqual(problems, []);
      const want =
        version === 4
          ? [
              'hello',
              'features_reply',
              'get_config_reply',
              'multipart_reply/desc',
              'multipart_reply/port_desc',
              'barrier_reply',
              'multipart_reply/flow',
              'multipart_reply/aggregate',
              'multipart_reply/port_stats',
              'multipart_reply/meter',
              'multipart_reply/meter_config',
              'multipart_reply/meter_features',
              'multipart_reply/group_desc',
              'multipart_reply/table_features',
              'queue_get_config_reply',
              'role_reply',
              'get_async_reply',
              'echo_reply',
              'error',
              'port_status',
            ]
          : [
              'hello',
              'features_reply',
              'get_config_reply',
              'multipart_reply/desc',
              'barrier_reply',
              'multipart_reply/flow',
              'multipart_reply/aggregate',
              'multipart_reply/table',
              'multipart_reply/port_stats',
              'queue_get_config_reply',
              'echo_reply',
              'error',
              'port_status',
            ];
      // OVS accepted everything we sent except the two deliberate mistakes (duplicate in_port, unknown port)
      const errors = frames
        .map((f) => decodeMessage(f))
        .flatMap((r) => (r.ok && r.msg.type === 'error' ? [`${r.msg.errType}/${r.msg.code}`] : []));
      assert.deepEqual(errors, version === 4 ? ['4/10'] : ['4/0']);
      for (const w of want) assert.ok(types.has(w), `OVS sent no ${w} (got ${[...types].join(', ')})`);
      // Table 0's capacity as the proxy learns it (OVS reports its default when no flow_limit is set).
      const capacities = frames
        .map((f) => decodeMessage(f))
        .flatMap((r) => {
          if (!r.ok || r.msg.type !== 'multipart_reply') return [];
          const b = r.msg.body;
          if (b.mpType === 'table_features') return b.features.filter((t) => t.tableId === 0).map((t) => t.maxEntries);
          if (b.mpType === 'table') return b.stats.filter((t) => t.tableId === 0).map((t) => ('maxEntries' in t ? t.maxEntries : -1));
          return [];
        });
      assert.deepEqual(capacities, [1_000_000]);
      if (process.env['DFV_WRITE_CORPUS'] === '1') {
        writeFileSync(join(corpusDir, `ovs-of${version === 4 ? '13' : '10'}.hex`), frames.map((f) => f.toString('hex')).join('\n') + '\n');
      }
    }
  });
});
