// The real `dfvisor` binary against a real runtime: deploy, status, slices, stats, revisions,
// rollback, undeploy, token; exit codes CI can use; tokens from a file or stdin; NDJSON from stats --watch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { dfvisor, dfvisorBin, dfvisorUntil, repoRoot } from '../support/run-cli.js';
import { startRuntime, type RuntimeProcess } from '../api/runtime-process.js';

let rt: RuntimeProcess;
const env = () => ({ DFVISOR_API: rt.url, DFVISOR_TOKEN: rt.adminToken });

before(async () => {
  rt = await startRuntime();
});
after(async () => {
  await rt?.stop();
});

test('deploy --dry-run, deploy, slices, status, revisions', async () => {
  const dry = await dfvisor(['deploy', '--dry-run', 'samples/lab'], { env: env() });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /research\s+add/);
  assert.match(dry.stdout, /dry run/);
  const d = await dfvisor(['deploy', 'samples/lab'], { env: env() });
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /revision 1 is active/);
  assert.match(d.stderr, /deploying 1 file/);

  const sl = await dfvisor(['slices'], { env: env() });
  assert.equal(sl.code, 0, sl.stderr);
  assert.match(sl.stdout, /^SLICE\s+OWNER/m);
  assert.match(sl.stdout, /research\s+alice@example\.org\s+vlan 101/);
  const slJson = JSON.parse((await dfvisor(['slices', '--json'], { env: env() })).stdout);
  assert.equal(slJson.slices.length, 2);

  const st = await dfvisor(['status', '--json'], { env: env() });
  assert.equal(st.code, 0, st.stderr);
  assert.equal(JSON.parse(st.stdout).revision, 1);
  const stT = await dfvisor(['status'], { env: env() });
  assert.match(stT.stdout, /SWITCH\s+DPID/);

  const stats = await dfvisor(['stats', 'research', '--json'], { env: env() });
  assert.equal(stats.code, 0, stats.stderr);
  assert.equal(JSON.parse(stats.stdout).slice, 'research');

  const revs = await dfvisor(['revisions'], { env: env() });
  assert.match(revs.stdout, /^1\s+\*/m);
});

test('slice stats: the proxy counters as a table and --json; usage errors exit 2', async () => {
  const t = await dfvisor(['slice', 'stats', 'research'], { env: env() });
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^slice research$/m);
  assert.match(t.stdout, /^COUNTER\s+VALUE$/m);
  for (const row of ['packet-ins dropped', 'control rate drops', 'flow-mods rejected', 'packet-outs rejected'])
    assert.match(t.stdout, new RegExp(`^${row}\\s+0$`, 'm'), 'no switch connected: nothing counted');
  assert.match(t.stdout, /^no refused messages$/m);
  const j = await dfvisor(['slice', 'stats', 'research', '--json'], { env: env() });
  assert.equal(j.code, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout), {
    slice: 'research',
    packetInsDropped: 0,
    controlRateDrops: 0,
    flowModsRejected: 0,
    packetOutsRejected: 0,
    refused: [],
  });
  const unknown = await dfvisor(['slice', 'stats', 'nosuch'], { env: env() });
  assert.equal(unknown.code, 6, unknown.stderr);
  assert.equal((await dfvisor(['slice', 'stats'], { env: env() })).code, 2);
  assert.equal((await dfvisor(['slice', 'stats', 'research', '--remove-rules'], { env: env() })).code, 2, '--remove-rules is a pause flag');
  assert.equal((await dfvisor(['slice', 'frobnicate', 'research'], { env: env() })).code, 2);
});

test('language errors: exit 1 with diagnostics on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-cli-'));
  writeFileSync(
    join(dir, 'x.slice'),
    readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8').replace('guarantee 700Mbps', 'guarantee 990Mbps'),
  );
  const r = await dfvisor(['deploy', dir], { env: env() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /SL401/);
});

test('rollback, undeploy, revisions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-cli-'));
  writeFileSync(
    join(dir, 'lab.slice'),
    readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8').replace('cap 500Mbps', 'cap 100Mbps'),
  );
  const c = await dfvisor(['deploy', '--json', dir], { env: env() });
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout).diff.changed, ['research']);
  const rb = await dfvisor(['rollback', '1'], { env: env() });
  assert.equal(rb.code, 0, rb.stderr);
  assert.match(rb.stdout, /revision 3 is active/);
  const u = await dfvisor(['undeploy', 'production'], { env: env() });
  assert.equal(u.code, 0, u.stderr);
  const revs = JSON.parse((await dfvisor(['revisions', '--json'], { env: env() })).stdout);
  assert.equal(revs.active, 4);
  assert.deepEqual(
    revs.revisions.map((r: { action: string }) => r.action),
    ['deploy', 'deploy', 'rollback', 'undeploy'],
  );
  const missing = await dfvisor(['undeploy', 'production'], { env: env() });
  assert.equal(missing.code, 6);
});

test('token create/list/revoke; a tenant token is limited; exit codes 3 and 4', async () => {
  const created = await dfvisor(['token', 'create', '--owner', 'dave', '--json'], { env: env() });
  assert.equal(created.code, 0, created.stderr);
  const { token } = JSON.parse(created.stdout);
  assert.match(token, /^dfv_/);
  const plain = await dfvisor(['token', 'create', '--owner', 'erin'], { env: env() });
  assert.match(plain.stdout.trim(), /^dfv_[a-z0-9]+_\S+$/);
  const list = await dfvisor(['token', 'list'], { env: env() });
  assert.match(list.stdout, /dave/);
  const asTenant = await dfvisor(['token', 'list'], { env: { ...env(), DFVISOR_TOKEN: token } });
  assert.equal(asTenant.code, 3);
  const id = JSON.parse((await dfvisor(['token', 'list', '--json'], { env: env() })).stdout).tokens.find(
    (t: { owner: string }) => t.owner === 'dave',
  ).id;
  assert.equal((await dfvisor(['token', 'revoke', id], { env: env() })).code, 0);
  const revoked = await dfvisor(['slices'], { env: { ...env(), DFVISOR_TOKEN: token } });
  assert.equal(revoked.code, 3);
  assert.match(revoked.stderr, /401/);
  const wrong = await dfvisor(['slices', '--token', 'nope'], { env: env() });
  assert.equal(wrong.code, 3);
  const down = await dfvisor(['slices', '--api', 'http://127.0.0.1:9'], { env: env() });
  assert.equal(down.code, 4);
  assert.match(down.stderr, /cannot reach/);
  const usage = await dfvisor(['token', 'create'], { env: env() });
  assert.equal(usage.code, 2);
});

test('--token-file and --token-stdin authenticate like --token; DFVISOR_TOKEN is not needed', { timeout: 60_000 }, async () => {
  const noToken = { DFVISOR_API: rt.url, DFVISOR_TOKEN: '' };
  const dir = mkdtempSync(join(tmpdir(), 'dfv-cli-'));
  const file = join(dir, 'token');
  writeFileSync(file, `${rt.adminToken}\n`, { mode: 0o600 });
  const viaFile = await dfvisor(['revisions', '--json', '--token-file', file], { env: noToken });
  assert.equal(viaFile.code, 0, viaFile.stderr);
  assert.ok(JSON.parse(viaFile.stdout).active >= 1);
  const viaStdin = await dfvisor(['token', 'list', '--token-stdin'], { env: noToken, input: `${rt.adminToken}\n` });
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.match(viaStdin.stdout, /^ID\s+OWNER/m);
  // A typed line is enough: the command does not wait for the end of standard input.
  const typed = spawn(process.execPath, [dfvisorBin, 'slices', '--json', '--token-stdin'], {
    cwd: repoRoot,
    env: { ...process.env, ...noToken },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let typedOut = '';
  typed.stdout.on('data', (d) => (typedOut += d));
  typed.stdin.write(`${rt.adminToken}\n`);
  const typedCode = await new Promise<number | null>((r) => typed.on('close', (c) => r(c)));
  typed.stdin.destroy();
  assert.equal(typedCode, 0);
  assert.ok(Array.isArray(JSON.parse(typedOut).slices));
  const none = await dfvisor(['token', 'list'], { env: noToken });
  assert.equal(none.code, 3, 'without a token the runtime refuses');
  writeFileSync(file, 'not-the-token\n');
  const wrong = await dfvisor(['token', 'list', '--token-file', file], { env: noToken });
  assert.equal(wrong.code, 3, 'the file is really read');
});

test('stats --watch --json prints NDJSON (one object per slice and line); the token stays out of the command line', async () => {
  const d = await dfvisor(['deploy', '--json', 'samples/lab'], { env: env() });
  assert.equal(d.code, 0, d.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'dfv-cli-'));
  writeFileSync(join(dir, 'token'), rt.adminToken, { mode: 0o600 });
  let cmdline = '';
  const lines = (out: string) => out.split('\n').filter((l) => l !== '');
  const r = await dfvisorUntil(
    ['stats', '--watch', '--json', '--interval', '0.2', '--token-file', join(dir, 'token')],
    (out) => lines(out).length >= 6,
    {
      env: { DFVISOR_API: rt.url, DFVISOR_TOKEN: '' },
      whileRunning: (pid) => (cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')),
    },
  );
  assert.equal(r.stderr, '');
  const objects = lines(r.stdout).map((l) => JSON.parse(l) as { slice: string; packets: number });
  assert.ok(objects.length >= 6);
  assert.deepEqual(new Set(objects.map((o) => o.slice)), new Set(['production', 'research']));
  for (const o of objects) assert.equal(typeof o.packets, 'number');
  assert.match(cmdline, /stats --watch --json/);
  assert.ok(!cmdline.includes(rt.adminToken), 'the token is not in the process arguments');
  const one = await dfvisorUntil(['stats', 'research', '--watch', '--json', '--interval', '0.2'], (out) => lines(out).length >= 2, {
    env: env(),
  });
  const slices = lines(one.stdout).map((l) => JSON.parse(l).slice);
  assert.ok(slices.length >= 2);
  assert.deepEqual(new Set(slices), new Set(['research']));
});

test('a reader that closes the pipe early ends stats --watch quietly (exit 0, no EPIPE crash)', async () => {
  const child = spawn(process.execPath, [dfvisorBin, 'stats', '--watch', '--json', '--interval', '0.1'], {
    cwd: repoRoot,
    env: { ...process.env, ...env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});
