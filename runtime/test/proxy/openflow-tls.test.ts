// The TLS listener's bounds and the TLS configuration, without Open vSwitch (certificates made with
// openssl): connections in their TLS handshake count against the connection cap; a switch with a
// certificate the CA signed is served after the handshake; `dfvisor run` flags and config keys for
// TLS go together and unusable material stops the proxy at construction with a clear error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SlicingProxy } from '../../src/proxy/index.js';
import { limitCounts } from '../../src/proxy/channel-limits.js';
import { buildConfig } from '../../src/cli/commands/run.js';
import { readConfigFile } from '../../src/node/config.js';
import { TestPki, type KeyPair } from '../harness/pki.js';

const pki = new TestPki();
const ca = pki.authority('ca');
const node = pki.leaf('node', ca);
const sw = pki.leaf('switch', ca);
const material = (kp: KeyPair) => ({ cert: readFileSync(kp.cert), key: readFileSync(kp.key), ca: readFileSync(ca.cert) });
const overCap = () => limitCounts().find((x) => x.peer === 'switch' && x.cause === 'over_cap')?.count ?? 0;
after(() => pki.remove());

const io = { out() {}, err() {}, env: {}, stdinLine: async () => '' };

test('connections in their TLS handshake count against the cap; a verified switch gets the hello', async () => {
  const proxy = new SlicingProxy({
    ofListen: '127.0.0.1:0',
    ofTls: material(node),
    limits: { maxSwitchConnections: 2, handshakeMs: 30_000 },
  });
  const { port } = await proxy.start();
  const open: Socket[] = [];
  try {
    const before = overCap();
    // Two peers that never start TLS hold both slots.
    for (let i = 0; i < 2; i++) {
      const s = tcpConnect(port, '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      open.push(s);
    }
    const third = tcpConnect(port, '127.0.0.1');
    third.on('error', () => {});
    await new Promise((r) => third.once('close', r));
    assert.equal(overCap(), before + 1, 'the third connection was refused over the cap');
    // A slot freed, a switch with a certificate the CA signed gets the proxy's OpenFlow hello over TLS.
    open.shift()!.destroy();
    const hello = await new Promise<Buffer>((resolve, reject) => {
      let done = false;
      const retry = (n: number) => {
        if (done) return;
        const s = tlsConnect({
          host: '127.0.0.1',
          port,
          ca: readFileSync(ca.cert),
          cert: readFileSync(sw.cert),
          key: readFileSync(sw.key),
        });
        s.on('data', (d) => {
          done = true;
          resolve(d);
          s.destroy();
        });
        s.on('error', () => {});
        s.on('close', () => (n > 0 ? setTimeout(() => retry(n - 1), 50) : reject(new Error('no hello'))));
      };
      retry(20);
    });
    assert.equal(hello[1], 0, 'an OpenFlow hello');
  } finally {
    for (const s of open) s.destroy();
    await proxy.stop();
  }
});

test('unusable TLS material is refused when the proxy is built, naming what it is', () => {
  assert.throws(
    () => new SlicingProxy({ ofTls: { cert: readFileSync(sw.cert), key: readFileSync(node.key), ca: readFileSync(ca.cert) } }),
    /the OpenFlow listener TLS certificate, key and CA are not usable/,
  );
  assert.throws(
    () => new SlicingProxy({ tenantTls: { cert: 'not a certificate', key: 'nor a key', ca: readFileSync(ca.cert) } }),
    /the tenant controller TLS certificate, key and CA are not usable/,
  );
});

test('dfvisor run: TLS flags go together, the plain listener only with TLS; config keys alike', async () => {
  const cfg = await buildConfig(
    [
      '--of-tls-cert',
      'c.pem',
      '--of-tls-key',
      'k.pem',
      '--of-tls-ca',
      'ca.pem',
      '--of-plain-listen',
      '127.0.0.1:6654',
      '--tenant-tls-cert',
      't.pem',
      '--tenant-tls-key',
      'tk.pem',
      '--tenant-tls-ca',
      'tca.pem',
    ],
    io,
  );
  assert.deepEqual(cfg?.ofTls, { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem' });
  assert.deepEqual(cfg?.ofPlainListen, { host: '127.0.0.1', port: 6654 });
  assert.deepEqual(cfg?.tenantTls, { certFile: 't.pem', keyFile: 'tk.pem', caFile: 'tca.pem' });
  await assert.rejects(
    buildConfig(['--of-tls-cert', 'c.pem', '--of-tls-key', 'k.pem'], io),
    /--of-tls-cert, --of-tls-key and --of-tls-ca go together/,
  );
  await assert.rejects(
    buildConfig(['--tenant-tls-ca', 'ca.pem'], io),
    /--tenant-tls-cert, --tenant-tls-key and --tenant-tls-ca go together/,
  );
  await assert.rejects(
    buildConfig(['--of-plain-listen', '127.0.0.1:6654'], io),
    /--of-plain-listen \(ofPlainListen\) goes with --of-tls-\*/,
  );

  const file = join(pki.dir, 'node.json');
  writeFileSync(
    file,
    JSON.stringify({ ofTls: { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem' }, ofPlainListen: '127.0.0.1:6654' }),
  );
  const fromFile = await readConfigFile(file);
  assert.deepEqual(fromFile.ofPlainListen, { host: '127.0.0.1', port: 6654 });
  writeFileSync(file, JSON.stringify({ tenantTls: { certFile: 'c.pem', keyFile: 'k.pem' } }));
  await assert.rejects(readConfigFile(file), /does not match its schema/);
});
