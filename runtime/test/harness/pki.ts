// A throw-away public key infrastructure for the TLS tests, made with the `openssl` command line:
// certificate authorities and leaf certificates (RSA 2048, two days, subjectAltName IP:127.0.0.1
// so a client that checks host names accepts them on loopback), all in one temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lab/proc.js';

export interface KeyPair {
  cert: string;
  key: string;
}

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'dfv-pki-'));

  private openssl(...args: string[]): void {
    run('openssl', args);
  }

  /** A self-signed certificate authority `name` (files NAME.pem, NAME.key). */
  authority(name: string): KeyPair {
    const p = this.paths(name);
    this.openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      p.key,
      '-out',
      p.cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    return p;
  }

  /** A leaf certificate `name` signed by `ca`, for both TLS client and server use. */
  leaf(name: string, ca: KeyPair): KeyPair {
    const p = this.paths(name);
    const csr = join(this.dir, `${name}.csr`);
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n');
    this.openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p.key, '-out', csr, '-subj', `/CN=${name}`);
    this.openssl(
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-out',
      p.cert,
      '-days',
      '2',
      '-extfile',
      ext,
    );
    return p;
  }

  private paths(name: string): KeyPair {
    return { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}.key`) };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
