// The extension in a tenant's workspace, in a real VS Code workbench (code-server + chromium, see
// client/e2e/README.md): a live `dfvisor run` where the admin deployed samples/campus's network and grants,
// a token for alice@campus.example, and a copy of samples/campus-alice (slices, no network) opened in the
// workbench with that token. The suite (test/e2e/suite/tenant.test.ts) checks the language server's SL602
// against the runtime's grant, Deploy refusing the overreach with SL602 and deploying the in-grant slice; this
// side then checks with the admin token that the runtime holds exactly that slice, owned by alice.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RuntimeApi } from '../src/api/client.js';
import { startEmbeddedRuntime, type EmbeddedRuntime } from '../src/runtime/embedded.js';
import { locateRuntime } from '../src/runtime/locate.js';
import { clientDir, repoDir } from './helpers/paths.js';
import { checkTooling, runWorkbench } from './helpers/workbench.js';

const campus = join(repoDir, 'samples', 'campus');
const OWNER = 'alice@campus.example';
let rt: EmbeddedRuntime | undefined;
let dataDir: string | undefined;

before(() => checkTooling());
after(async () => {
  await rt?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a tenant deploys her slice from her own workspace in the workbench, inside the grant the admin deployed', {
  timeout: 600_000,
}, async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dfvisor-tenant-rt-'));
  rt = await startEmbeddedRuntime({ runtime: locateRuntime('', clientDir, process.execPath), dataDir });
  const admin = new RuntimeApi({ url: rt.url, token: rt.token });
  const read = (f: string) => ({ path: f, text: readFileSync(join(campus, f), 'utf8') });
  const deployed = await admin.deploy([read('network.slice'), read('grants.slice')]);
  assert.equal(deployed.dryRun, false);
  const { token } = await admin.request<{ token: string }>('POST', '/v1/tokens', { owner: OWNER });
  assert.ok(token, 'the admin made a token for alice');

  const { bundle } = (await import(pathToFileURL(join(clientDir, 'esbuild.mjs')).href)) as { bundle(o?: object): Promise<void> };
  await bundle({ production: false });
  const { code, out } = await runWorkbench(['--workspace', join(repoDir, 'samples', 'campus-alice'), '--suite', 'tenant'], {
    DFVISOR_E2E_TENANT_URL: rt.url,
    DFVISOR_E2E_TENANT_TOKEN: token,
  });
  const tail = out.split('\n').slice(-60).join('\n');
  assert.equal(code, 0, `tenant workspace tests failed (exit ${code}):\n${tail}`);
  assert.match(out, /\b3 passing/, `expected the three tenant tests to pass:\n${tail}`);
  assert.doesNotMatch(out, /\d+ failing/);
  console.log(
    out
      .split('\n')
      .filter((l) => /✓|✔|passing|against the runtime grant/.test(l))
      .join('\n'),
  );

  const slices = await admin.listSlices();
  assert.deepEqual(
    slices.map((s) => [s.name, s.owner]),
    [['sandbox', OWNER]],
    'the runtime holds the in-grant slice, owned by alice, and nothing of the refused one',
  );
});
