// Conventions every `dfvisor` command shares, through the real binary: --help and --version on every command
// and subcommand, usage errors on stderr with exit 2 and nothing on stdout, --json on the language commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dfvisor, repoRoot } from '../support/run-cli.js';

const version = JSON.parse(readFileSync(join(repoRoot, 'runtime/package.json'), 'utf8')).version as string;

const commands = [
  ['check'],
  ['compile'],
  ['fmt'],
  ['run'],
  ['demo'],
  ['deploy'],
  ['undeploy'],
  ['status'],
  ['slices'],
  ['stats'],
  ['revisions'],
  ['rollback'],
  ['token'],
  ['token', 'create'],
  ['token', 'list'],
  ['token', 'revoke'],
];

test('--help on every command and subcommand: its usage on stdout, the common options, exit 0', async () => {
  for (const cmd of commands) {
    const r = await dfvisor([...cmd, '--help']);
    assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: dfvisor ${cmd[0]}\\b`), cmd.join(' '));
    assert.match(r.stdout, /--version/, `${cmd.join(' ')} --help names --version`);
    assert.equal(r.stderr, '', cmd.join(' '));
  }
  const short = await dfvisor(['check', '-h']);
  assert.equal(short.code, 0);
  assert.match(short.stdout, /--json\s+the same as --format json/);
});

test('--version on every command and subcommand, wherever it stands, ignoring other arguments', async () => {
  for (const cmd of commands) {
    const r = await dfvisor([...cmd, 'some-arg', '--version', '--no-such-flag']);
    assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, `dfvisor ${version}\n`, cmd.join(' '));
  }
  // After `--` it is a file name, not the option.
  const r = await dfvisor(['check', '--', '--version']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--version/);
});

test('usage errors: message on stderr, nothing on stdout, exit 2', async () => {
  const cases = [
    [],
    ['nosuch'],
    ['check', '--nope', 'samples/lab'],
    ['token'],
    ['token', 'nosuch'],
    ['stats', '--interval', '0'],
    ['check', '--json', '--format', 'text', 'samples/lab'],
    ['check', '--format=json', '--json', 'samples/lab'],
    ['status', '--token', 'a', '--token-file', '/dev/null'],
    ['status', '--token-file', '/nonexistent/token'],
    ['status', '--token-file', '/dev/null'],
    ['slices', '--token-stdin'],
  ];
  for (const args of cases) {
    const r = await dfvisor(args, { env: { DFVISOR_API: 'http://127.0.0.1:9' } });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.ok(r.stderr.length > 0, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const both = await dfvisor(['status', '--token', 'a', '--token-stdin']);
  assert.match(both.stderr, /give one of --token, --token-stdin/);
  const missing = await dfvisor(['status', '--token-file', '/nonexistent/token']);
  assert.match(missing.stderr, /cannot read --token-file \/nonexistent\/token: ENOENT/);
  const empty = await dfvisor(['slices', '--token-stdin']);
  assert.match(empty.stderr, /no token in standard input/);
});

test('check --json is check --format json', async () => {
  const d = mkdtempSync(join(tmpdir(), 'dfv-cli-'));
  writeFileSync(
    join(d, 'x.slice'),
    readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8').replace('guarantee 700Mbps', 'guarantee 990Mbps'),
  );
  const viaFormat = await dfvisor(['check', '--format', 'json', d]);
  const viaJson = await dfvisor(['check', d, '--json']);
  assert.equal(viaJson.code, 1, viaJson.stderr);
  assert.equal(viaJson.stdout, viaFormat.stdout);
  assert.ok((JSON.parse(viaJson.stdout) as Array<{ code: string }>).some((x) => x.code === 'SL401'));
});

test('compile --json prints the same plan', async () => {
  const plain = await dfvisor(['compile', 'samples/lab']);
  const json = await dfvisor(['compile', '--json', 'samples/lab']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout, plain.stdout);
  assert.ok(Array.isArray(JSON.parse(json.stdout).slices));
});

test('fmt --json reports each file that is not formatted, formatted or broken', async () => {
  const d = mkdtempSync(join(tmpdir(), 'dfv-cli-'));
  const ugly = join(d, 'ugly.slice');
  writeFileSync(ugly, readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8').replace(/\n {2}/g, '\n      '));
  writeFileSync(join(d, 'broken.slice'), 'slice {\n');
  const checked = await dfvisor(['fmt', '--check', '--json', d]);
  assert.equal(checked.code, 1, checked.stderr);
  assert.deepEqual(JSON.parse(checked.stdout).files, [
    { path: join(d, 'broken.slice'), status: 'syntax-error' },
    { path: ugly, status: 'unformatted' },
  ]);
  const fixed = await dfvisor(['fmt', '--json', ugly]);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.deepEqual(JSON.parse(fixed.stdout), { files: [{ path: ugly, status: 'formatted' }] });
  const again = await dfvisor(['fmt', '--json', ugly]);
  assert.deepEqual(JSON.parse(again.stdout), { files: [] });
});
