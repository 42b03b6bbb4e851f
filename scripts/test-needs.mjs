// Which system parts (needs, see scripts/setup/needs.mjs) each test file uses, read from the test's
// own code: a test needs Open vSwitch when it (or a test helper it imports) imports the lab's OVS
// sandbox or controllers, calls ovs-ofctl, uses network namespaces, and so on. scripts/test.mjs runs
// only the files whose needs this machine meets and names the rest; the language-only tests (grammar,
// language server, codecs …) need nothing and run everywhere. A new test that drives a new tool adds
// its marker here (scripts/test/test-needs.test.mjs checks the classification of the real tree).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/** [need, pattern in a test's code]: the pattern shows the test drives that part. */
export const MARKERS = [
  ['ovs', /\/lab\/(ovs|controllers)\.js['"]/],
  ['ovs', /['"`](ovs-ofctl|ovs-vsctl|ovsdb-server|ovs-vswitchd|ovs-testcontroller|osken-manager)['"`]/],
  ['ovs', /['"`]netns['"`]/],
  ['iperf3', /['"`]iperf3['"`]/],
  ['tshark', /['"`]tshark['"`]/],
  ['nvim', /['"`]nvim['"`]/],
  ['openssl', /['"`]openssl['"`]/],
  ['promtool', /['"`]promtool['"`]/],
  ['hazelcast', /hazelcast-cluster\.js['"]/],
  ['workbench', /code-server/],
];

const importRe = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.js)['"]/g;

/**
 * The needs of one compiled test file, following its relative imports that stay inside `testRoot`
 * (the workspace's dist/test folder: helpers are followed, the code under test is not).
 * @param {string} file
 * @param {string} testRoot
 * @param {(path: string) => string} read
 * @returns {string[]} sorted need names
 */
export function needsOf(file, testRoot, read = (p) => readFileSync(p, 'utf8')) {
  const needs = new Set();
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    const text = read(f);
    for (const [need, re] of MARKERS) if (re.test(text)) needs.add(need);
    for (const [, rel] of text.matchAll(importRe)) {
      const target = resolve(dirname(f), rel);
      if (target.startsWith(testRoot + sep) && existsSync(target)) visit(target);
    }
  };
  visit(file);
  return [...needs].sort();
}

/**
 * Splits test files into those this machine can run and those it cannot.
 * @param {Array<{ file: string, needs: string[] }>} tests
 * @param {Set<string>} met  the needs this machine meets
 */
export function selectRunnable(tests, met) {
  const run = [];
  const left = [];
  for (const t of tests) (t.needs.every((n) => met.has(n)) ? run : left).push(t);
  return { run, left };
}
