// The README's first command end to end: `dfvisor demo` brings up the runtime, Open vSwitch,
// tenant controllers, deploys samples/demo and shows both slices' pings succeeding, then cleans up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { dfvisor, dfvisorBin, repoRoot } from '../support/run-cli.js';

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

test('dfvisor demo: Ctrl-C twice (the terminal, then npm) still removes everything', { timeout: 240_000 }, async () => {
  const before = namespaces().length;
  const child = spawn(process.execPath, [dfvisorBin, 'demo', '--api', '127.0.0.1:0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('close', (code) => resolveExit(code)));
  await new Promise<void>((resolveRound, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/round 1/.test(stdout)) resolveRound();
    });
    child.on('close', () => reject(new Error(`the demo ended before its first round:\n${stdout}${stderr}`)));
  });
  // As a terminal's Ctrl-C on `npm start` does: the process group gets SIGINT, and npm signals its child again.
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  child.kill('SIGTERM');
  const code = await exited;
  assert.match(stderr, /demo stopped, everything removed/, stderr);
  assert.equal(code, 0, stderr);
  assert.equal(namespaces().length, before, 'the demo removed its namespaces');
});
