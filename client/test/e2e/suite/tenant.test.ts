// Extension tests for a tenant's workspace in a real VS Code workbench: a folder with slices and no network
// (a copy of samples/campus-alice), connected with the tenant's token to a live `dfvisor run` where the admin
// deployed samples/campus's network and grants (test/e2e-tenant.test.ts starts it and passes
// DFVISOR_E2E_TENANT_URL / DFVISOR_E2E_TENANT_TOKEN). The language server checks the slices against the
// runtime's grant; Deploy refuses an overreaching slice with the runtime's SL602 and deploys the in-grant one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RuntimeApi } from '../../../src/api/client.js';
import type { DeployResult } from '../../../src/api/types.js';
import type { DfvisorApi } from '../../../src/extension.js';
import type { Outcome } from '../../../src/services.js';
import { codeOf, waitForDiagnostics, workspaceUri } from './helpers.js';

const EXTENSION_ID = 'dfvisor.dfvisor-vscode';
const OWNER = 'alice@campus.example';
// Inside alice's ports (physics:13..20) but outside her header space (10.50.0.0/16): netops' addresses.
const SPY = `// spy.slice: alice's slice over netops' addresses on her own ports
slice spy {
  owner "${OWNER}"
  controller "tcp:127.0.0.1:6660"
  flowspace {
    peek: match ip_src 10.10.0.0/16 on physics:13
  }
}
`;
const SPY_RULE_LINE = 5;

describe('a tenant workspace (slices, no network) against the runtime grant', function () {
  this.timeout(120_000);
  let api: DfvisorApi;
  let url: string;
  let token: string;

  before(async () => {
    url = process.env.DFVISOR_E2E_TENANT_URL ?? '';
    token = process.env.DFVISOR_E2E_TENANT_TOKEN ?? '';
    assert.ok(url && token, 'run through test/e2e-tenant.test.ts: DFVISOR_E2E_TENANT_URL and DFVISOR_E2E_TENANT_TOKEN are unset');
    const ext = vscode.extensions.getExtension<DfvisorApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    // What a tenant does: point the (machine) setting at the runtime, store her token with Set API Token.
    await vscode.workspace.getConfiguration('dfvisor').update('api.url', url, vscode.ConfigurationTarget.Global);
    const set = await vscode.commands.executeCommand<Outcome<{ set: boolean }>>('dfvisor.setToken', token);
    assert.ok(set.ok && set.value.set, 'Set API Token stored the token');
    const conn = await api.connection();
    assert.equal(conn.url, url);
    assert.equal(conn.token, token);
  });

  it('the language server checks the slices against the tenant grant from the runtime (SL602 on the overreach)', async () => {
    const spy = workspaceUri('spy.slice');
    await vscode.workspace.fs.writeFile(spy, new TextEncoder().encode(SPY));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spy));
    const diags = await waitForDiagnostics(
      spy,
      (d) => d.some((x) => codeOf(x) === 'SL602' && x.source !== 'dfvisor deploy'),
      'the language server SL602 against the runtime grant',
    );
    const d = diags.find((x) => codeOf(x) === 'SL602')!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(
      d.message,
      /rule spy\.peek claims packets like .*ip_src=10\.10\.\S+ at physics:13, outside the grant of "alice@campus\.example"/,
    );
    assert.equal(d.range.start.line, SPY_RULE_LINE, 'on the rule line');
    assert.ok(!diags.some((x) => codeOf(x) === 'SL107'), `the runtime answered: ${diags.map((x) => x.message).join(' | ')}`);
    // The in-grant slice is clean against the same grant (no network file in the workspace, yet no SL1xx).
    const sandbox = workspaceUri('sandbox.slice');
    await vscode.workspace.openTextDocument(sandbox);
    const clean = await waitForDiagnostics(
      sandbox,
      (ds) => !ds.some((x) => x.severity === vscode.DiagnosticSeverity.Error || codeOf(x) === 'SL107'),
      'sandbox.slice clean against the grant',
    );
    assert.deepEqual(clean.filter((x) => x.severity === vscode.DiagnosticSeverity.Error).map(codeOf), []);
  });

  it('Deploy refuses the workspace with the overreaching slice and shows the runtime SL602 on it', async () => {
    const spy = workspaceUri('spy.slice');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spy));
    const r = await vscode.commands.executeCommand<Outcome<DeployResult>>('dfvisor.deploy');
    assert.equal(r.ok, false, 'an overreaching slice must not deploy');
    if (r.ok) return;
    assert.equal(r.code, 'LANGUAGE_ERRORS', r.message);
    const diags = await waitForDiagnostics(
      spy,
      (d) => d.some((x) => x.source === 'dfvisor deploy' && codeOf(x) === 'SL602'),
      'the deploy diagnostic SL602',
    );
    const d = diags.find((x) => x.source === 'dfvisor deploy' && codeOf(x) === 'SL602')!;
    assert.equal(d.range.start.line, SPY_RULE_LINE);
    assert.match(d.message, /outside the grant of "alice@campus\.example"/);
    const slices = await new RuntimeApi({ url, token }).listSlices();
    assert.deepEqual(
      slices.map((s) => s.name),
      [],
      'nothing of the refused submission was deployed',
    );
  });

  it('Deploy deploys the in-grant slice; the runtime lists it, owned by the tenant', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(workspaceUri('spy.slice'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceUri('sandbox.slice')));
    const r = await vscode.commands.executeCommand<Outcome<DeployResult>>('dfvisor.deploy');
    assert.ok(r.ok, `deploy failed: ${!r.ok ? `${r.code} ${r.message}` : ''}`);
    assert.equal(r.value.dryRun, false);
    assert.deepEqual([...r.value.diff.added], ['sandbox']);
    const slices = await new RuntimeApi({ url, token }).listSlices();
    assert.deepEqual(
      slices.map((s) => [s.name, s.owner]),
      [['sandbox', OWNER]],
    );
    // The refusal's diagnostics are gone with the successful deploy.
    assert.ok(!vscode.languages.getDiagnostics().some(([, ds]) => ds.some((x) => x.source === 'dfvisor deploy')));
    assert.deepEqual(
      (await api.slicesView()).map((row) => row.split(' — ')[0]),
      ['sandbox'],
    );
  });
});
