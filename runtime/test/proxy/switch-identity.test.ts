// Switch identity in the slicing proxy, driven with in-memory switch channels: only datapath ids
// the deployed network declares are served (others get HELLO_FAILED/EPERM, are closed, counted
// and logged once per interval); a second connection naming a live switch's dpid is kept
// unserved while the live one answers echoes, and takes over only when it fails one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP13 } from '../../src/proxy/messages.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import type { Logger } from '../../src/proxy/channel.js';
import { FakeSwitchChannel, port } from './session/fake.js';
import { plan } from './session/plan.js';

/** A switch connection through hello and features (dpid); the 1.3 port descriptions are answered if asked. */
function connect(proxy: SlicingProxy, dpid: bigint, address = '192.0.2.9:40000'): FakeSwitchChannel {
  const ch = new FakeSwitchChannel();
  proxy.attach(ch, address);
  ch.negotiate(OFP13);
  ch.inject({
    type: 'features_reply',
    xid: ch.last('features_request').xid,
    dpid,
    nBuffers: 0,
    nTables: 254,
    auxiliaryId: 0,
    capabilities: 0x4f,
    actions: 0,
    ports: [],
  });
  answerPortDesc(ch);
  return ch;
}

function answerPortDesc(ch: FakeSwitchChannel): void {
  const pd = ch.of('multipart_request').find((m) => m.mpType === 'port_desc');
  if (pd) ch.inject({ type: 'multipart_reply', xid: pd.xid, mpType: 'port_desc', flags: 0, ports: [port(1), port(2), port(3), port(4)] });
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const l: Logger & { warnings: string[] } = {
    warnings,
    debug() {},
    info() {},
    warn(_o, msg) {
      warnings.push(String(msg));
    },
    error() {},
    child: () => l,
  };
  return l;
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

const served = (proxy: SlicingProxy) => proxy.status().switches.map((s) => s.dpid);

test('with no plan every switch is served; a deploy refuses and closes the undeclared ones', async () => {
  const proxy = new SlicingProxy();
  const declared = connect(proxy, 1n);
  const stranger = connect(proxy, 0x99n, '192.0.2.7:5555');
  assert.deepEqual(served(proxy), ['0000000000000001', '0000000000000099']);
  const applying = proxy.applyPlan(plan);
  assert.equal(stranger.closed, true, 'the undeclared switch is closed at the deploy');
  assert.equal(declared.closed, false);
  declared.answerBarriers();
  await applying;
  assert.deepEqual(served(proxy), ['0000000000000001']);
  assert.deepEqual(
    proxy.status().refused.map((r) => [r.dpid, r.address, r.count]),
    [['0000000000000099', '192.0.2.7:5555', 1]],
  );
  await proxy.stop();
});

test('after a deploy an undeclared dpid gets HELLO_FAILED/EPERM and is closed, counted, logged once per interval', async () => {
  const log = recordingLogger();
  const proxy = new SlicingProxy({ logger: log });
  await proxy.applyPlan(plan);
  const attempts = [1, 2, 3].map((i) => connect(proxy, 0xbadn, `192.0.2.66:${4000 + i}`));
  for (const ch of attempts) {
    assert.equal(ch.closed, true);
    const err = ch.last('error');
    assert.deepEqual([err.errType, err.code], [0, 1]);
    assert.match(err.data.toString(), /not declared/);
    assert.equal(ch.of('multipart_request').length, 0, 'nothing asked of a refused switch');
  }
  assert.deepEqual(served(proxy), []);
  const [r] = proxy.status().refused;
  assert.deepEqual([r?.dpid, r?.address, r?.count], ['0000000000000bad', '192.0.2.66:4003', 3]);
  assert.ok(r && !Number.isNaN(Date.parse(r.lastSeen)));
  assert.equal(log.warnings.filter((w) => w.startsWith('switch refused')).length, 1, 'one log line for three refusals');
  // A declared dpid is still served.
  const ok = connect(proxy, 2n);
  assert.equal(ok.closed, false);
  assert.deepEqual(served(proxy), ['0000000000000002']);
  await proxy.stop();
});

test('an impostor naming a live switch dpid is kept unserved while the live one answers echoes', async () => {
  const proxy = new SlicingProxy({ echoTimeoutMs: 20 });
  const real = connect(proxy, 1n);
  const impostor = connect(proxy, 1n, '192.0.2.13:6666');
  assert.equal(impostor.closed, false);
  assert.equal(impostor.of('multipart_request').length, 0, 'the impostor is not asked for its ports');
  assert.equal(impostor.of('set_config').length, 0);
  // The real switch answers every echo the proxy sends while the impostor waits.
  let echoes = 0;
  const answer = () => {
    for (const e of real.of('echo_request').slice(echoes)) {
      echoes++;
      real.inject({ type: 'echo_reply', xid: e.xid, data: e.data });
    }
  };
  await until('three echo rounds', () => {
    answer();
    return echoes >= 3;
  });
  assert.equal(real.closed, false, 'a live switch that answers is never displaced');
  assert.deepEqual(served(proxy), ['0000000000000001']);
  assert.equal(proxy.status().switches.length, 1);
  // The impostor leaves: the real switch goes on being served, and the echoes stop.
  impostor.close('impostor gone');
  answer();
  const sent = real.of('echo_request').length;
  await new Promise((r) => setTimeout(r, 100));
  answer();
  assert.ok(real.of('echo_request').length <= sent + 1, 'no echo rounds without a waiting connection');
  assert.equal(real.closed, false);
  assert.deepEqual(served(proxy), ['0000000000000001']);
  await proxy.stop();
});

test('when the live switch fails an echo it is closed and the waiting connection takes over', async () => {
  const proxy = new SlicingProxy({ echoTimeoutMs: 20 });
  const dead = connect(proxy, 1n);
  const successor = connect(proxy, 1n);
  assert.equal(successor.of('multipart_request').length, 0);
  await until('the silent live session is closed', () => dead.closed);
  await until('the successor is asked for its ports', () => successor.of('multipart_request').length > 0);
  answerPortDesc(successor);
  assert.deepEqual(served(proxy), ['0000000000000001']);
  assert.equal(successor.closed, false);
  assert.equal(successor.of('set_config').length, 1, 'the successor went through the handshake');
  await proxy.stop();
});

test('when the live connection closes, the oldest waiting one takes over', async () => {
  const proxy = new SlicingProxy({ echoTimeoutMs: 60_000 });
  const first = connect(proxy, 1n);
  const second = connect(proxy, 1n);
  const third = connect(proxy, 1n);
  first.close('switch reconnecting');
  answerPortDesc(second);
  assert.equal(second.of('set_config').length, 1);
  assert.equal(third.of('multipart_request').length, 0, 'the third still waits');
  assert.deepEqual(served(proxy), ['0000000000000001']);
  await proxy.stop();
});

test('at most 8 connections wait for one dpid; more are refused', async () => {
  const proxy = new SlicingProxy({ echoTimeoutMs: 60_000 });
  connect(proxy, 1n);
  const waiting = Array.from({ length: 8 }, () => connect(proxy, 1n));
  assert.ok(waiting.every((w) => !w.closed));
  const ninth = connect(proxy, 1n);
  assert.equal(ninth.closed, true);
  assert.deepEqual([ninth.last('error').errType, ninth.last('error').code], [0, 1]);
  await proxy.stop();
});
