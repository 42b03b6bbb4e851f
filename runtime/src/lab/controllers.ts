// Tenant controllers for the demo and the integration tests: ovs-testcontroller (a learning switch from Open
// vSwitch) and the project's os-ken learning-switch app. Each runs in the foreground as a child
// we own, so stop() always finds it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnOwned, waitFor, type OwnedProcess } from './proc.js';
import { connect } from 'node:net';

export type OfVersionName = 'OpenFlow13' | 'OpenFlow10';

export interface TenantController {
  kind: 'ovs-testcontroller' | 'os-ken';
  port: number;
  proc: OwnedProcess;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** PEM files for a controller listening with TLS: its key and certificate, and the CA its peers' certificates chain to. */
export interface ControllerTls {
  key: string;
  cert: string;
  ca: string;
}

/**
 * ovs-testcontroller listening on 127.0.0.1:port (learning switch, flows with idle timeout);
 * with `tls`, OpenFlow over TLS (`pssl:`), peers' certificates verified against its CA.
 */
export async function startTestController(
  port: number,
  version: OfVersionName = 'OpenFlow13',
  tls?: ControllerTls,
): Promise<TenantController> {
  const rundir = mkdtempSync(join(tmpdir(), 'dfv-tc-'));
  const env = { ...process.env, OVS_RUNDIR: rundir, OVS_LOGDIR: rundir };
  const listen = tls ? ['-p', tls.key, '-c', tls.cert, '-C', tls.ca, `pssl:${port}:127.0.0.1`] : [`ptcp:${port}:127.0.0.1`];
  const proc = spawnOwned('ovs-testcontroller', 'ovs-testcontroller', ['-O', version, ...listen], env);
  proc.child.once('exit', () => rmSync(rundir, { recursive: true, force: true }));
  try {
    await waitFor(`ovs-testcontroller on ${port}`, () => listening(port), 10_000, 50);
  } catch (e) {
    await proc.stop();
    throw new Error(`${String(e)}\n${proc.output.join('')}`);
  }
  return { kind: 'ovs-testcontroller', port, proc, stop: () => proc.stop() };
}

/** The project's os-ken learning switch (runtime/src/lab/osken_learning_switch.py). */
export function oskenAppPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled to runtime/dist/src/lab; the app lives next to the sources in runtime/src/lab.
  for (const p of [join(here, 'osken_learning_switch.py'), join(here, '..', '..', '..', 'src', 'lab', 'osken_learning_switch.py')]) {
    if (existsSync(p)) return p;
  }
  throw new Error('osken_learning_switch.py not found');
}

/** With `tls`, os-ken listens for OpenFlow over TLS only, peers' certificates verified against its CA. */
export async function startOsken(port: number, tls?: ControllerTls): Promise<TenantController> {
  const listen = tls
    ? ['--ctl-privkey', tls.key, '--ctl-cert', tls.cert, '--ca-certs', tls.ca, '--ofp-ssl-listen-port', String(port)]
    : ['--ofp-tcp-listen-port', String(port)];
  const proc = spawnOwned('osken-manager', '/usr/bin/python3', [
    '/usr/bin/osken-manager',
    '--ofp-listen-host',
    '127.0.0.1',
    ...listen,
    oskenAppPath(),
  ]);
  try {
    await waitFor(`os-ken on ${port}`, () => listening(port), 20_000, 100);
  } catch (e) {
    await proc.stop();
    throw new Error(`${String(e)}\n${proc.output.join('')}`);
  }
  return { kind: 'os-ken', port, proc, stop: () => proc.stop('SIGKILL') };
}
