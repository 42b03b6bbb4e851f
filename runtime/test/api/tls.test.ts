// The API over HTTPS when a certificate is given (a self-signed one made with openssl for the test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { startRuntime } from './runtime-process.js';

function get(url: string, ca: Buffer, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('--tls-cert/--tls-key serve the API over HTTPS, with authentication as usual', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const rt = await startRuntime({ args: ['--tls-cert', cert, '--tls-key', key] });
  try {
    assert.match(rt.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(cert);
    assert.equal((await get(`${rt.url}/healthz`, ca)).status, 200);
    assert.equal((await get(`${rt.url}/v1/slices`, ca)).status, 401);
    const ok = await get(`${rt.url}/v1/slices`, ca, rt.adminToken);
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { slices: [] });
    // Plain HTTP on the TLS port is not served.
    await assert.rejects(fetch(rt.url.replace('https:', 'http:') + '/healthz', { signal: AbortSignal.timeout(5000) }));
  } finally {
    await rt.stop();
  }
});
