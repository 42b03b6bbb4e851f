// Extension tests in a real VS Code workbench: language contribution, live diagnostics from the language
// server, completion, and Deploy against a real embedded runtime (`dfvisor run`).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RuntimeApi } from '../../../src/api/client.js';
import type { DeployResult } from '../../../src/api/types.js';
import type { DfvisorApi } from '../../../src/extension.js';
import type { Outcome } from '../../../src/services.js';
import { codeOf, guarded, nextEvent, screenshot, waitForDiagnostics, workspaceUri } from './helpers.js';

const EXTENSION_ID = 'dfvisor.dfvisor-vscode';
const BROKEN = `// broken.slice: a slice that uses a switch the network does not have
slice broken {
  controller "tcp:127.0.0.1:6640"
  overlay vlan 300
  flowspace {
    r1: match ip_src 10.9.0.0/16 on s9:1
  }
}
`;

describe('DFVisor extension in a VS Code workbench', () => {
  let api: DfvisorApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<DfvisorApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    // Run against the .vsix installed into the extensions folder (run.ts --vsix), not the development path.
    const installedIn = process.env.DFVISOR_E2E_INSTALLED_IN;
    if (installedIn) {
      assert.ok(
        ext.extensionPath.startsWith(installedIn + '/'),
        `the extension runs from ${ext.extensionPath}, not from the installed package in ${installedIn}`,
      );
      assert.equal(ext.packageJSON.icon, 'media/icon.png');
      // vsce stores README.md and CHANGELOG.md as readme.md and changelog.md.
      const files = readdirSync(ext.extensionPath).map((f) => f.toLowerCase());
      assert.ok(
        existsSync(join(ext.extensionPath, 'media', 'icon.png')) && files.includes('changelog.md') && files.includes('readme.md'),
        `icon, README and CHANGELOG are installed: ${files.join(', ')}`,
      );
      assert.ok(!existsSync(join(ext.extensionPath, 'src')), 'no sources in the installed package');
    }
    api = await ext.activate();
    console.log(
      `  (VS Code ${vscode.version}, extension ${installedIn ? 'installed from the .vsix' : 'from the development path'}, uiKind ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, remote ${vscode.env.remoteName ?? 'none'})`,
    );
  });

  it('registers the slice language and the DFVisor commands', async () => {
    const langs = await vscode.languages.getLanguages();
    assert.ok(langs.includes('slice'), 'language "slice" is not registered');
    const doc = await vscode.workspace.openTextDocument(workspaceUri('lab.slice'));
    assert.equal(doc.languageId, 'slice');
    const cmds = await vscode.commands.getCommands(true);
    for (const c of [
      'dfvisor.deploy',
      'dfvisor.undeploy',
      'dfvisor.showStatus',
      'dfvisor.startRuntime',
      'dfvisor.openPlan',
      'dfvisor.setToken',
      'dfvisor.deploySlice',
      'dfvisor.checkAdmission',
    ]) {
      assert.ok(cmds.includes(c), `command ${c} is not registered`);
    }
  });

  it('shows the language server diagnostics of a broken file (SL101 unknown switch)', async () => {
    const uri = workspaceUri('broken.slice');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(BROKEN));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const diags = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'SL101'), 'an SL101 diagnostic');
    const d = diags.find((x) => codeOf(x) === 'SL101')!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /s9/);
    assert.equal(d.range.start.line, 5, 'the diagnostic is on the line that names s9');
    // Show it: cursor on the error, the inline peek and the Problems panel, then a screenshot.
    editor.selection = new vscode.Selection(d.range.start, d.range.start);
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('editor.action.marker.next');
    const file = await screenshot('workbench-diagnostic', '.markers-panel .monaco-list-row');
    if (file) console.log(`  screenshot: ${file}`);
  });

  it('completes switch names after "on" and match fields after "match"', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceUri('lab.slice'));
    await vscode.window.showTextDocument(doc);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('arp: match eth_type arp on'));
    assert.ok(line > 0, 'lab.slice has the arp rule');
    const lineText = doc.lineAt(line).text;
    const afterOn = new vscode.Position(line, lineText.indexOf(' on ') + 4);
    const switches = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, afterOn);
    const labels = switches.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const s of ['s1', 's2', 's3'])
      assert.ok(
        labels.some((l) => l === s || l.startsWith(`${s}:`)),
        `no completion for switch ${s}; got ${labels.slice(0, 30).join(', ')}`,
      );
    const afterMatch = new vscode.Position(line, lineText.indexOf('match ') + 6);
    const fields = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, afterMatch);
    const fieldLabels = fields.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const f of ['ip_src', 'tcp_dst', 'eth_type'])
      assert.ok(fieldLabels.includes(f), `no completion for field ${f}; got ${fieldLabels.slice(0, 30).join(', ')}`);
  });

  it('keeps the API URL and the runtime path out of workspace settings (machine scope)', async () => {
    const config = () => vscode.workspace.getConfiguration('dfvisor');
    for (const key of ['api.url', 'runtime.path']) {
      await assert.rejects(
        Promise.resolve(config().update(key, 'http://attacker.invalid:1', vscode.ConfigurationTarget.Workspace)),
        (e: Error) => /user settings|machine|does not support/i.test(e.message),
        `a workspace could set dfvisor.${key}`,
      );
    }
    assert.equal(config().get('api.url'), 'http://127.0.0.1:8181');
    // The same call succeeds for a setting that a workspace may change: the refusal above is the scope.
    await config().update('stats.refreshSeconds', 7, vscode.ConfigurationTarget.Workspace);
    assert.equal(config().inspect('stats.refreshSeconds')?.workspaceValue, 7);
    await config().update('stats.refreshSeconds', undefined, vscode.ConfigurationTarget.Workspace);
  });

  describe('deploy to a real embedded runtime', function () {
    this.timeout(120_000);
    let started = false;

    before(async () => {
      const repo = process.env.DFVISOR_REPO;
      const cli = repo ? join(repo, 'runtime', 'dist', 'src', 'cli', 'main.js') : undefined;
      assert.ok(
        cli && existsSync(cli),
        `the runtime is not built (${cli ?? 'DFVISOR_REPO unset'}): run \`npx tsc -b runtime\` — the deploy tests need \`dfvisor run\``,
      );

      // Installed from the .vsix there is no repository next to the extension: name the runtime in the
      // (machine) setting, as a user without `dfvisor` on the PATH would.
      if (!process.env.DFVISOR_E2E_INSTALLED_IN) return;
      const program = join(process.env.DFVISOR_REPO!, 'runtime', 'bin', 'dfvisor.js');
      await vscode.workspace.getConfiguration('dfvisor').update('runtime.path', program, vscode.ConfigurationTarget.Global);
      assert.equal(vscode.workspace.getConfiguration('dfvisor').get('runtime.path'), program);
    });

    after(async () => {
      if (started) await vscode.commands.executeCommand('dfvisor.stopRuntime');
    });

    it('starts the embedded runtime from the command palette command', async () => {
      const r = await vscode.commands.executeCommand<Outcome<{ url: string; pid: number }>>('dfvisor.startRuntime');
      assert.ok(r.ok, `Start Embedded Runtime failed: ${!r.ok ? r.message : ''}`);
      started = true;
      // From the development path the runtime next to the extension is found; installed, the setting names it.
      assert.equal((r.value as { source?: string }).source, process.env.DFVISOR_E2E_INSTALLED_IN ? 'setting' : 'repository');
      const conn = await api.connection();
      assert.equal(conn.url, r.value.url);
      assert.ok(conn.token, 'the extension generated an admin token');
      assert.deepEqual(await new RuntimeApi(conn).healthz(), { ok: true });
    });

    it('reports the language errors the API returns as diagnostics', async () => {
      const r = await vscode.commands.executeCommand<Outcome<DeployResult>>('dfvisor.deploy');
      assert.equal(r.ok, false, 'a workspace with errors must not deploy');
      if (r.ok) return;
      assert.equal(r.code, 'LANGUAGE_ERRORS', r.message);
      const uri = workspaceUri('broken.slice');
      await waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'dfvisor deploy' && codeOf(x) === 'SL101'), 'the deploy diagnostic');
    });

    it('deploys the workspace and the slices appear in GET /v1/slices', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(workspaceUri('broken.slice'));
      const r = await vscode.commands.executeCommand<Outcome<DeployResult>>('dfvisor.deploy');
      assert.ok(r.ok, `deploy failed: ${!r.ok ? `${r.code} ${r.message}` : ''}`);
      assert.equal(r.value.dryRun, false);
      assert.deepEqual([...r.value.diff.added].sort(), ['production', 'research']);
      const slices = await new RuntimeApi(await api.connection()).listSlices();
      assert.deepEqual(slices.map((s) => s.name).sort(), ['production', 'research']);
      const research = slices.find((s) => s.name === 'research')!;
      assert.equal(research.owner, 'alice@example.org');
      assert.deepEqual(research.overlay, { type: 'vlan', tag: 101 });
    });

    it('shows the deployed slices with their counters in the DFVisor view', async () => {
      const rows = await api.slicesView();
      assert.equal(rows.length, 2, rows.join(' | '));
      assert.match(rows.find((r) => r.startsWith('research'))!, /^research — vlan 101 · 3 sw · \d+ pkts · \d+ flows$/);
      assert.match(rows.find((r) => r.startsWith('production'))!, /^production — mpls 5001 · 2 sw · \d+ pkts/);
      await vscode.commands.executeCommand('workbench.view.extension.dfvisor');
      const file = await screenshot('workbench-slices-view', '.monaco-list-row[aria-label*="research"]');
      if (file) console.log(`  screenshot: ${file}`);
    });

    it('draws the network and each slice in the network map (webview, cytoscape) and highlights a picked slice', async () => {
      await vscode.commands.executeCommand('dfvisor.showNetworkMap');
      const report = await guarded(
        api.networkMapRendered((r) => r.slices.length === 2),
        'the network map to draw both slices',
      );
      console.log(`  network map: ${JSON.stringify(report)}`);
      const topo = await new RuntimeApi(await api.connection()).topology();
      // lab.slice: three switches in a line, two declared links.
      assert.equal(report.classes.switch, 3, JSON.stringify(report));
      assert.equal(topo.switches.length, 3);
      assert.equal(report.classes.link, 2, 'one edge per declared link (no switch connects here, so none is discovered)');
      const states = ['declared', 'seen', 'missing', 'miswired'].reduce((n, c) => n + (report.classes[c] ?? 0), 0);
      assert.equal(states, 2, 'each declared link carries its discovery state');
      assert.deepEqual(report.slices, ['production', 'research']);
      // research spans s1-s2-s3 over both links (its `arp` rule takes every port of each switch, so it has no
      // single edge ports); production is on s1:2 and s3:2, with no link between its two switches.
      assert.equal(report.classes['slice-link'], 2, JSON.stringify(report));
      assert.equal(report.classes['edge-port'], 2, JSON.stringify(report));
      assert.equal(report.nodes, 3 + (report.classes.port ?? 0));
      assert.equal(report.edges, (report.classes.link ?? 0) + (report.classes['slice-link'] ?? 0));

      // Picking a slice (as in the DFVisor view) highlights its elements and fades the rest.
      const lit = nextEvent(api.onNetworkMapHighlight, (h) => h.slice === 'research');
      api.highlightInNetworkMap('research');
      const h = await guarded(lit, 'the map to highlight research');
      assert.ok(h.picked >= 3 && h.faded >= 1, JSON.stringify(h));
      // No switch connects in this test, so once discovery has settled (two intervals after the runtime
      // started) the runtime reports both declared links missing (a `topology` event): the map marks them.
      const marked = await guarded(
        api.networkMapRendered((r) => r.classes.missing === 2),
        'the map to mark the two declared links missing once discovery settles',
        60_000,
      );
      assert.equal(marked.classes.link, 2, JSON.stringify(marked));
      assert.equal(marked.classes.declared ?? 0, 0, 'every link carries its discovery state now');

      await vscode.commands.executeCommand('workbench.action.closePanel');
      const file = await screenshot('workbench-network-map', '.webview.ready');
      if (file) console.log(`  screenshot: ${file}`);
    });

    it('shows the runtime status and opens the compiled plan', async () => {
      const st = await vscode.commands.executeCommand<Outcome<{ revision: number | null }>>('dfvisor.showStatus');
      assert.ok(st.ok, !st.ok ? st.message : '');
      assert.ok(typeof st.value.revision === 'number' && st.value.revision >= 1);
      const plan = await vscode.commands.executeCommand<Outcome<{ document: vscode.TextDocument }>>('dfvisor.openPlan');
      assert.ok(plan.ok, !plan.ok ? plan.message : '');
      const json = JSON.parse(plan.value.document.getText()) as { format: string; slices: { name: string }[] };
      assert.equal(json.format, 'dfvisor-plan');
      assert.deepEqual(json.slices.map((x) => x.name).sort(), ['production', 'research']);
    });

    it('undeploys a slice', async () => {
      const r = await vscode.commands.executeCommand<Outcome<{ slice: string; revision: number }>>('dfvisor.undeploy', 'production');
      assert.ok(r.ok, `undeploy failed: ${!r.ok ? r.message : ''}`);
      const slices = await new RuntimeApi(await api.connection()).listSlices();
      assert.deepEqual(
        slices.map((s) => s.name),
        ['research'],
      );
      assert.deepEqual(
        (await api.slicesView()).map((r) => r.split(' — ')[0]),
        ['research'],
      );
    });
  });
});
