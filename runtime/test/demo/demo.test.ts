// The README's first command end to end: `dfvisor demo` brings up the runtime, Open vSwitch,
// tenant controllers, deploys samples/demo and shows both slices' pings succeeding, then cleans up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dfvisor } from '../support/run-cli.js';

const namespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('dfv'));

test('dfvisor demo: both slices ping their own hosts over the same addresses, then everything is removed', {
  timeout: 240_000,
}, async () => {
  const before = namespaces().length;
  const r = await dfvisor(['demo', '--duration', '75', '--api', '127.0.0.1:0']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /deployed revision 1: blue, red/);
  const rounds = r.stdout.split(/\n(?=\[\d\d:\d\d:\d\d\] round)/);
  assert.ok(rounds.length >= 2, r.stdout);
  const ok = (slice: string) => rounds.some((block) => new RegExp(`^${slice}\\s+\\S+ -> 10\\.0\\.0\\.2\\S*\\s+ok `, 'm').test(block));
  assert.ok(ok('red'), `red never reached its host:\n${r.stdout}`);
  assert.ok(ok('blue'), `blue never reached its host:\n${r.stdout}`);
  assert.match(r.stderr, /everything removed/);
  assert.equal(namespaces().length, before, 'the demo removed its namespaces');
});
