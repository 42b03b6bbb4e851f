// Carries out a set-up plan on the real machine: Debian packages with apt-get (services of tool-only
// packages such as prometheus are kept from starting and left disabled), the Hazelcast member jar from
// Maven Central (mvn, cached in ~/.m2), and the VS Code workbench tooling into .e2e/ (npm registry).
// Each step prints what it does and how long it took; a failed command's output is shown, then thrown.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SERVICES_TO_DISABLE, WORKBENCH } from './needs.mjs';

export class StepError extends Error {}

/** Runs fn as a named step: "== title" before, "   done (N s)" after. */
export function step(title, fn, out = process.stdout) {
  out.write(`== ${title}\n`);
  const t0 = performance.now();
  const r = fn();
  out.write(`   done (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  return r;
}

function run(cmd, args, o = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...o, stdio: o.inherit ? 'inherit' : 'pipe' });
  if (r.error || r.status !== 0) {
    if (!o.inherit && !o.quiet) process.stderr.write((r.stdout ?? '') + (r.stderr ?? ''));
    if (o.allowFail) return r;
    throw new StepError(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  return r;
}

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** A policy-rc.d that denies starting these services (exit 101) and allows every other. */
export function policyRcD(services) {
  return `#!/bin/sh\n# written by dfvisor set-up while installing; removed afterwards\ncase "$1" in ${services.join('|')}) exit 101;; esac\nexit 0\n`;
}

/** apt-get update + install; services of SERVICES_TO_DISABLE packages never start and end disabled. */
export function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const services = packages.filter((p) => p in SERVICES_TO_DISABLE).map((p) => SERVICES_TO_DISABLE[p]);
  // invoke-rc.d asks policy-rc.d before starting a service; exit 101 means "not now". An existing
  // policy (container images ship one that denies everything) is left as it is.
  const ownPolicy = services.length > 0 && !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, policyRcD(services), { mode: 0o755 });
  try {
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  for (const s of services) disableService(s);
}

/** Stops a service and keeps it from starting at boot, with whichever init tools the machine has. */
export function disableService(service) {
  if (existsSync('/usr/bin/systemctl') || existsSync('/bin/systemctl')) {
    // Without systemd as PID 1 this still disables (links) and only fails to stop: allowed.
    run('systemctl', ['disable', '--now', `${service}.service`], { allowFail: true, quiet: true });
  }
  if (existsSync(`/etc/init.d/${service}`)) run(`/etc/init.d/${service}`, ['stop'], { allowFail: true, quiet: true });
}

/** The Hazelcast member jar (version in .ci/hazelcast/pom.xml) into .ci/hazelcast/lib/hazelcast.jar. */
export function fetchHazelcast(paths) {
  // Captured, shown only on failure: with -q mvn prints nothing useful, only colour resets.
  run('mvn', ['-q', '-B', '-f', paths.hazelcastPom, 'dependency:copy']);
  if (!existsSync(paths.hazelcastJar)) throw new StepError(`mvn ran but ${paths.hazelcastJar} is missing`);
}

/**
 * code-server (native modules built against Node 24's headers, a few minutes on 2 cores), Node 24 and
 * playwright-core into .e2e/, each in its own folder with its own package.json so npm never walks up
 * into the project's workspaces, and the code-server install cannot remove the headers it builds with.
 */
export function fetchWorkbench(paths) {
  // Under `npm test` the parent npm exports npm_config_* (prefix, local prefix …): the installs into
  // .e2e/ must not inherit them, or they land in the project.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  for (const d of ['node24', 'tools']) {
    mkdirSync(join(paths.e2e, d), { recursive: true });
    const pkg = join(paths.e2e, d, 'package.json');
    if (!existsSync(pkg)) writeFileSync(pkg, `{ "name": "dfvisor-e2e-${d}", "private": true }\n`);
  }
  const node24 = join(paths.node24, 'bin', 'node');
  if (!existsSync(node24) || !existsSync(join(paths.node24, 'include', 'node', 'common.gypi'))) {
    run('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `node@${WORKBENCH.node}`], {
      cwd: join(paths.e2e, 'node24'),
      env: base,
      inherit: true,
    });
  }
  const env = {
    ...base,
    PATH: `${join(paths.node24, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: paths.node24,
    npm_config_build_from_source: 'true',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  };
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--save-exact',
      `code-server@${WORKBENCH.codeServer}`,
      `playwright-core@${WORKBENCH.playwright}`,
    ],
    { cwd: join(paths.e2e, 'tools'), env, inherit: true },
  );
  run(paths.codeServer, ['--version'], {
    env: { ...env, XDG_CONFIG_HOME: join(paths.e2e, 'xdg-config'), XDG_DATA_HOME: join(paths.e2e, 'xdg-data') },
    inherit: true,
  });
  for (const f of readdirSync(paths.e2e)) if (f.startsWith('.installed-')) rmSync(join(paths.e2e, f));
  writeFileSync(paths.e2eStamp, '');
}
