// What the demo and the tests need from the machine, as plain data: each "need" names the commands
// (or files) that show it is present, the Debian packages that bring it, and whether it needs root.
// The set-up (plan.mjs decides, steps.mjs does) and the test runner (scripts/test-needs.mjs) read this
// one table; nothing else in the project lists system packages.

/** Versions of the VS Code workbench tooling installed into .e2e/ (see client/e2e/README.md). */
export const WORKBENCH = { node: '24.21.0', codeServer: '4.139.1', playwright: '1.64.1' };

/**
 * @typedef {object} Need
 * @property {string} name
 * @property {string} what        one line for people
 * @property {string[]} commands  on PATH (or /usr/sbin, /sbin) when the need is met
 * @property {string[]} packages  Debian packages that bring the commands (installed when a command is missing)
 * @property {string[]} [buildPackages]  Debian packages the fetch step builds with (installed when it has to run)
 * @property {boolean} [root]     only usable as root (network namespaces, bridges)
 * @property {'hazelcast'|'workbench'} [fetch]  project-local files set-up downloads after the packages
 */

/** @type {Record<string, Need>} */
export const NEEDS = {
  ovs: {
    name: 'ovs',
    what: 'Open vSwitch, tenant controllers (ovs-testcontroller, os-ken) and network namespaces, as root',
    commands: ['ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovs-testcontroller', 'osken-manager', 'ip', 'ethtool', 'ping'],
    packages: ['openvswitch-switch', 'openvswitch-testcontroller', 'python3-os-ken', 'ethtool', 'iproute2', 'iputils-ping'],
    root: true,
  },
  iperf3: { name: 'iperf3', what: 'iperf3 (bandwidth tests)', commands: ['iperf3'], packages: ['iperf3'] },
  tshark: { name: 'tshark', what: "tshark (Wireshark's OpenFlow dissector)", commands: ['tshark'], packages: ['tshark'] },
  nvim: { name: 'nvim', what: 'neovim (the language server in another LSP editor)', commands: ['nvim'], packages: ['neovim'] },
  openssl: { name: 'openssl', what: 'openssl (TLS test certificates)', commands: ['openssl'], packages: ['openssl'] },
  promtool: { name: 'promtool', what: "promtool (Prometheus' exposition checks)", commands: ['promtool'], packages: ['prometheus'] },
  hazelcast: {
    name: 'hazelcast',
    what: 'Java, Maven and the Hazelcast member jar (.ci/hazelcast/lib/hazelcast.jar, from Maven Central)',
    commands: ['java', 'mvn'],
    packages: ['default-jre-headless', 'maven'],
    fetch: 'hazelcast',
  },
  workbench: {
    name: 'workbench',
    what: `VS Code workbench tooling: chromium, and code-server ${WORKBENCH.codeServer} on Node ${WORKBENCH.node} with playwright-core ${WORKBENCH.playwright} in .e2e/`,
    commands: ['chromium'],
    packages: ['chromium'],
    buildPackages: ['libkrb5-dev', 'build-essential', 'python3', 'pkg-config'],
    fetch: 'workbench',
  },
};

/** Debian packages whose services set-up must leave stopped and disabled (they are installed for a tool). */
export const SERVICES_TO_DISABLE = { prometheus: 'prometheus' };

/** The targets `node scripts/setup.mjs <target>` knows, and the needs each one sets up. */
export const TARGETS = {
  demo: ['ovs'],
  test: Object.keys(NEEDS),
  system: ['ovs', 'iperf3', 'tshark', 'nvim', 'openssl', 'promtool'],
  hazelcast: ['hazelcast'],
  e2e: ['workbench'],
};
