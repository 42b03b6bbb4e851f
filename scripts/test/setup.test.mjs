// The set-up's decisions against injected machines (no real installs): what is missing -> what it
// does; no root -> the one sudo command and a non-zero exit; no apt -> the list to install by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../setup.mjs';
import { NEEDS, TARGETS } from '../setup/needs.mjs';
import { planSetup } from '../setup/plan.mjs';
import { policyRcD } from '../setup/steps.mjs';

const allPackages = Object.values(NEEDS).flatMap((n) => [...n.packages, ...(n.buildPackages ?? [])]);

/** A fake machine whose state the fake steps change, so main()'s re-check after installing is real. */
function fakeMachine({ root = true, apt = true, missingPackages = [], fetched = ['hazelcast', 'workbench'], extraCommands = [] } = {}) {
  const state = {
    packages: new Set(allPackages.filter((p) => !missingPackages.includes(p))),
    fetched: new Set(fetched),
    calls: [],
    installBreaks: false,
  };
  // A command is there when every package of a need that lists it is installed (or it came another way).
  const has = (c) =>
    extraCommands.includes(c) || Object.values(NEEDS).some((n) => n.commands.includes(c) && n.packages.every((p) => state.packages.has(p)));
  const machine = () => ({
    isRoot: root,
    hasApt: apt,
    has,
    installed: (pkgs) => new Set(pkgs.filter((p) => state.packages.has(p))),
    fetched: (k) => state.fetched.has(k),
  });
  const steps = {
    step: (_title, fn) => fn(),
    aptInstall: (pkgs) => {
      state.calls.push(['apt', pkgs]);
      if (state.installBreaks) throw new Error('apt-get install failed (exit 100)');
      for (const p of pkgs) state.packages.add(p);
    },
    fetchHazelcast: () => {
      state.calls.push(['hazelcast']);
      state.fetched.add('hazelcast');
    },
    fetchWorkbench: () => {
      state.calls.push(['workbench']);
      state.fetched.add('workbench');
    },
  };
  return { state, machine, steps };
}

function runMain(argv, fake) {
  let out = '';
  let err = '';
  const code = main(argv, {
    machine: fake.machine,
    steps: fake.steps,
    paths: {},
    out: { write: (s) => (out += s) },
    err: { write: (s) => (err += s) },
  });
  return { code, out, err };
}

test('everything present: says ready, installs nothing, exits 0', () => {
  const fake = fakeMachine();
  for (const target of Object.keys(TARGETS)) {
    const r = runMain([target], fake);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^set-up \\(${target}\\): ready`));
    assert.equal(r.err, '');
  }
  assert.deepEqual(fake.state.calls, []);
});

test('root with apt, Open vSwitch missing: says which packages, installs exactly the missing ones, exits 0', () => {
  const fake = fakeMachine({ missingPackages: ['openvswitch-switch', 'python3-os-ken'] });
  const r = runMain(['demo'], fake);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /missing ovs/);
  assert.match(r.out, /will install Debian packages: openvswitch-switch python3-os-ken\n/);
  assert.deepEqual(fake.state.calls, [['apt', ['openvswitch-switch', 'python3-os-ken']]]);
  assert.match(r.out, /set-up \(demo\): ready — ovs/);
});

test('the test target installs system packages, prometheus included, and fetches the jar and the workbench', () => {
  const fake = fakeMachine({ missingPackages: ['tshark', 'prometheus', 'chromium', 'libkrb5-dev'], fetched: [] });
  const r = runMain(['test'], fake);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(fake.state.calls, [['apt', ['tshark', 'prometheus', 'chromium', 'libkrb5-dev']], ['hazelcast'], ['workbench']]);
  assert.ok(TARGETS.system.includes('promtool') && NEEDS.promtool.packages.includes('prometheus'));
});

test('Java and Maven present from elsewhere: no Debian Java is installed, only the jar is fetched', () => {
  const fake = fakeMachine({ missingPackages: ['default-jre-headless', 'maven'], fetched: ['workbench'], extraCommands: ['java', 'mvn'] });
  const r = runMain(['hazelcast'], fake);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(fake.state.calls, [['hazelcast']]);
});

test('not root: prints the one sudo command, installs nothing, exits non-zero', () => {
  const fake = fakeMachine({ root: false, missingPackages: ['openvswitch-testcontroller'] });
  const r = runMain(['demo'], fake);
  assert.equal(r.code, 1);
  assert.match(r.err, /installing Debian packages \(openvswitch-testcontroller\)/);
  assert.match(r.err, /\n {2}sudo npm start\n/);
  assert.equal((r.err.match(/sudo /g) ?? []).length, 1, 'exactly one sudo command');
  assert.deepEqual(fake.state.calls, []);
});

test('not root with everything installed: the demo still needs root, so the same sudo command', () => {
  const r = runMain(['demo'], fakeMachine({ root: false }));
  assert.equal(r.code, 1);
  assert.match(r.err, /network namespaces and Open vSwitch bridges/);
  assert.match(r.err, /sudo npm start/);
});

test('not root, --best-effort (npm test): says sudo npm test, still fetches what needs no root, exits 0', () => {
  const fake = fakeMachine({ root: false, missingPackages: ['tshark'], fetched: ['workbench'] });
  const r = runMain(['test', '--best-effort'], fake);
  assert.equal(r.code, 0);
  assert.match(r.err, /sudo npm test/);
  assert.deepEqual(fake.state.calls, [['hazelcast']]);
});

test('no apt (macOS): lists what to install by hand with the commands, exits non-zero; --best-effort exits 0', () => {
  const fake = fakeMachine({
    apt: false,
    root: false,
    missingPackages: allPackages,
    fetched: [],
    extraCommands: ['openssl', 'java', 'mvn'],
  });
  const r = runMain(['test'], fake);
  assert.equal(r.code, 1);
  assert.match(r.err, /no apt-get/);
  for (const n of ['ovs', 'iperf3', 'tshark', 'nvim', 'promtool', 'workbench'])
    assert.ok(r.err.includes(NEEDS[n].what), `${n} listed:\n${r.err}`);
  assert.match(r.err, /commands ovsdb-server, ovs-vswitchd/);
  assert.match(r.err, /run as root/);
  assert.ok(!r.err.includes(NEEDS.openssl.what), 'openssl is there, so not listed');
  assert.doesNotMatch(r.err, /sudo/);
  assert.deepEqual(fake.state.calls, [['hazelcast']], 'the jar needs only java and mvn, which are there');
  assert.equal(runMain(['test', '--best-effort'], fake).code, 0);
});

test('--dry-run says what it would do and does nothing', () => {
  const fake = fakeMachine({ missingPackages: ['iperf3'], fetched: [] });
  const r = runMain(['test', '--dry-run'], fake);
  assert.equal(r.code, 0);
  assert.match(r.out, /will install Debian packages: iperf3/);
  assert.match(r.out, /will fetch Java, Maven and the Hazelcast member jar/);
  assert.deepEqual(fake.state.calls, []);
});

test('a failing install or a need still missing afterwards exits non-zero with the reason', () => {
  const failing = fakeMachine({ missingPackages: ['neovim'] });
  failing.state.installBreaks = true;
  const r = runMain(['system'], failing);
  assert.equal(r.code, 1);
  assert.match(r.err, /set-up \(system\) failed: apt-get install failed/);

  const broken = fakeMachine({ missingPackages: ['neovim'] });
  broken.steps.aptInstall = (pkgs) => broken.state.calls.push(['apt', pkgs]); // installs, but nvim never shows up
  const r2 = runMain(['system'], broken);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /still missing after installing: neovim/);
});

test('a command missing although its package is installed is reported, not reinstalled', () => {
  const m = { isRoot: true, hasApt: true, has: (c) => c !== 'nvim', installed: (p) => new Set(p), fetched: () => true };
  const plan = planSetup(['nvim'], m, { sudo: 'sudo x' });
  assert.deepEqual(plan.apt, []);
  assert.equal(plan.blocked?.reason, 'broken');
  assert.match(plan.blocked.message, /nvim not found although neovim is installed/);
});

test('usage errors exit 2', () => {
  const fake = fakeMachine();
  assert.equal(runMain([], fake).code, 2);
  assert.equal(runMain(['everything'], fake).code, 2);
  assert.equal(runMain(['test', '--force'], fake).code, 2);
});

test('the policy-rc.d written while installing keeps only the listed services from starting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-policy-'));
  try {
    const f = join(dir, 'policy-rc.d');
    writeFileSync(f, policyRcD(['prometheus']));
    assert.equal(spawnSync('sh', [f, 'prometheus', 'start']).status, 101);
    assert.equal(spawnSync('sh', [f, 'openvswitch-switch', 'start']).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
