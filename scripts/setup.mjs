#!/usr/bin/env node
// Sets up what the demo or the tests need on this machine, then gets out of the way; `npm start` and
// `npm test` run it first. Idempotent: when everything is there it only looks (well under a second).
//   node scripts/setup.mjs demo        Open vSwitch, tenant controllers (root: the demo needs it anyway)
//   node scripts/setup.mjs test        everything any test needs (system packages, Hazelcast jar, .e2e)
//   node scripts/setup.mjs system | hazelcast | e2e    one part (what .ci/*.sh used to do)
//   --dry-run      say what would be done, do nothing
//   --best-effort  when this machine cannot be set up (no root, no apt) say what to do and exit 0
// Root with apt: says what it installs, then installs it. No root: prints the one sudo command, exit 1.
// No apt (macOS …): lists what to install by hand, exit 1. The decisions live in setup/plan.mjs.
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEEDS, TARGETS } from './setup/needs.mjs';
import { planSetup, metNeeds } from './setup/plan.mjs';
import { probeMachine, projectPaths } from './setup/probe.mjs';
import * as realSteps from './setup/steps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The one command a person without root runs for each target. */
export const SUDO = {
  demo: 'sudo npm start',
  test: 'sudo npm test',
  system: 'sudo node scripts/setup.mjs system',
  hazelcast: 'sudo node scripts/setup.mjs hazelcast',
  e2e: 'sudo node scripts/setup.mjs e2e',
};

export const usage = `Usage: node scripts/setup.mjs <${Object.keys(TARGETS).join('|')}> [--dry-run] [--best-effort]\n`;

/**
 * @param {string[]} argv
 * @param {{ machine?: () => import('./setup/plan.mjs').Machine, steps?: typeof realSteps, paths?: ReturnType<typeof projectPaths>, out?: {write(s: string): unknown}, err?: {write(s: string): unknown} }} io
 * @returns {number} exit code
 */
export function main(argv, io = {}) {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const machine = io.machine ?? (() => probeMachine(root));
  const steps = io.steps ?? realSteps;
  const paths = io.paths ?? projectPaths(root);
  const target = argv.find((a) => !a.startsWith('--'));
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--dry-run' && a !== '--best-effort');
  if (!target || !(target in TARGETS) || unknown.length) {
    err.write(usage);
    return 2;
  }
  const dryRun = argv.includes('--dry-run');
  const bestEffort = argv.includes('--best-effort');
  const names = TARGETS[target];
  const t0 = performance.now();
  const m = machine();
  const plan = planSetup(names, m, { sudo: SUDO[target] });
  const secs = () => ((performance.now() - t0) / 1000).toFixed(2);

  if (!plan.unmet.length) {
    out.write(`set-up (${target}): ready — ${names.join(', ')} (checked in ${secs()} s)\n`);
    return 0;
  }
  out.write(`set-up (${target}): missing ${plan.unmet.join(', ')}${plan.met.length ? `; ready ${plan.met.join(', ')}` : ''}\n`);
  if (plan.blocked) err.write('\n' + plan.blocked.message);
  const todo = [];
  if (!plan.blocked && plan.apt.length) todo.push(`install Debian packages: ${plan.apt.join(' ')}`);
  for (const f of plan.fetch) todo.push(f === 'hazelcast' ? `fetch ${NEEDS.hazelcast.what}` : `install ${NEEDS.workbench.what}`);
  for (const t of todo) out.write(`  will ${t}\n`);
  if (dryRun) return plan.blocked && !bestEffort ? 1 : 0;

  try {
    if (!plan.blocked && plan.apt.length) steps.step(`apt-get install ${plan.apt.join(' ')}`, () => steps.aptInstall(plan.apt), out);
    if (plan.fetch.includes('hazelcast')) steps.step('Hazelcast member jar (Maven Central)', () => steps.fetchHazelcast(paths), out);
    if (plan.fetch.includes('workbench'))
      steps.step('VS Code workbench tooling into .e2e/ (a few minutes the first time)', () => steps.fetchWorkbench(paths), out);
  } catch (e) {
    err.write(`set-up (${target}) failed: ${e.message}\n`);
    return 1;
  }
  if (plan.blocked) return bestEffort ? 0 : 1;
  const after = machine();
  const still = names.filter((n) => !metNeeds([n], after).length);
  if (still.length) {
    err.write(`set-up (${target}): still missing after installing: ${still.map((n) => NEEDS[n].what).join('; ')}\n`);
    return 1;
  }
  out.write(`set-up (${target}): ready — ${names.join(', ')} (${secs()} s)\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
