// The DFVisor extension: the slice language client, deploy/undeploy/status/runtime/plan commands, the
// "DFVisor" view, the network map and a status bar item.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import type { ApiConnection } from './api/client.js';
import { deploySlices, lensArgs } from './commands/deploy.js';
import { openPlan } from './commands/plan.js';
import { startRuntime, stopRuntime } from './commands/runtime.js';
import { showStatus } from './commands/status.js';
import { setToken } from './commands/token.js';
import { undeploySlice } from './commands/undeploy.js';
import { startLanguageClient } from './languageClient.js';
import { NetworkMapPanel, type Highlighted } from './map/panel.js';
import type { RenderReport } from './map/protocol.js';
import { forwardRuntimeTopology } from './views/topology-diagnostics.js';
import type { Services } from './services.js';
import { Connection } from './settings.js';
import { RuntimeWatch } from './views/runtime-watch.js';
import { SlicesTreeProvider, type Node } from './views/slicesTree.js';
import { createStatusBar } from './views/statusBar.js';

/** What activate() returns: for other extensions and for the extension tests. */
export interface DfvisorApi {
  /** The runtime connection the commands use now (the embedded runtime's while it runs). */
  connection(): Promise<ApiConnection>;
  languageClient(): LanguageClient | undefined;
  /** Re-reads the runtime and returns the "Deployed Slices" view's top-level rows (label — description). */
  slicesView(): Promise<string[]>;
  /** The network map's next render report that `accept` holds for (what the webview drew). */
  networkMapRendered(accept: (r: RenderReport) => boolean): Promise<RenderReport>;
  /** Highlights a slice in the network map, as picking it in the DFVisor view does. */
  highlightInNetworkMap(slice: string | null): void;
  /** Fires with what the network map's webview highlighted (elements picked and faded). */
  onNetworkMapHighlight: vscode.Event<Highlighted>;
}

let services: Services | undefined;
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<DfvisorApi> {
  const output = vscode.window.createOutputChannel('DFVisor');
  const connection = new Connection(context.secrets);
  const model = new RuntimeWatch(connection, (l) => output.appendLine(`[view] ${l}`));
  const deployDiagnostics = vscode.languages.createDiagnosticCollection('dfvisor-deploy');
  const s: Services = { context, connection, model, output, deployDiagnostics, embedded: { current: undefined } };
  services = s;
  const tree = new SlicesTreeProvider(model);
  const treeView = vscode.window.createTreeView('dfvisor.slices', { treeDataProvider: tree, showCollapseAll: true });
  const map = new NetworkMapPanel(context.extensionUri, model, connection, (l) => output.appendLine(`[map] ${l}`));
  context.subscriptions.push(
    output,
    connection,
    model,
    deployDiagnostics,
    tree,
    treeView,
    map,
    // A slice picked in the DFVisor view is highlighted in the network map.
    treeView.onDidChangeSelection((e) => map.highlight(sliceOf(e.selection[0]))),
    createStatusBar(model),
    vscode.commands.registerCommand('dfvisor.deploy', (uri?: unknown) =>
      deploySlices(s, { uri: uri instanceof vscode.Uri ? uri : undefined }),
    ),
    vscode.commands.registerCommand('dfvisor.deploySlice', (...args: unknown[]) => deploySlices(s, lensArgs(args))),
    vscode.commands.registerCommand('dfvisor.checkAdmission', (...args: unknown[]) => deploySlices(s, { ...lensArgs(args), dryRun: true })),
    vscode.commands.registerCommand('dfvisor.undeploy', (arg?: unknown) => undeploySlice(s, arg)),
    vscode.commands.registerCommand('dfvisor.showStatus', () => showStatus(s)),
    vscode.commands.registerCommand('dfvisor.startRuntime', () => startRuntime(s)),
    vscode.commands.registerCommand('dfvisor.stopRuntime', () => stopRuntime(s)),
    vscode.commands.registerCommand('dfvisor.openPlan', () => openPlan(s)),
    vscode.commands.registerCommand('dfvisor.setToken', (arg?: unknown) => setToken(s, arg)),
    vscode.commands.registerCommand('dfvisor.refreshSlices', () => model.refresh()),
    vscode.commands.registerCommand('dfvisor.showNetworkMap', () => map.show()),
  );
  // Declared vs discovered: the runtime's view of its network goes to the language server (SL701-SL703).
  const topology = forwardRuntimeTopology(model, () => client);
  context.subscriptions.push(topology);
  model.start();
  try {
    client = await startLanguageClient(context, output);
    topology.flush();
  } catch (e) {
    output.appendLine(`The slice language server did not start: ${e instanceof Error ? e.message : String(e)}`);
  }
  // A tenant workspace without the network's files is checked against the connected runtime's grant
  // (server/README.md, "runtime"): the server is told the connection, and told again when it changes.
  const tellServer = async () => {
    const c = await connection.current();
    await client?.sendNotification('workspace/didChangeConfiguration', {
      settings: { dfvisor: { runtime: c.token ? { url: c.url, token: c.token } : null } },
    });
  };
  if (client) {
    void tellServer().catch(() => undefined);
    context.subscriptions.push(connection.onDidChange(() => void tellServer().catch(() => undefined)));
  }
  const slicesView = async (): Promise<string[]> => {
    await model.refresh();
    return tree.getChildren().map((n) => {
      const item = tree.getTreeItem(n);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return item.description ? `${label} — ${String(item.description)}` : label;
    });
  };
  return {
    connection: () => connection.current(),
    languageClient: () => client,
    slicesView,
    networkMapRendered: (accept) => map.whenRendered(accept),
    highlightInNetworkMap: (slice) => map.highlight(slice),
    onNetworkMapHighlight: map.onDidHighlight,
  };
}

function sliceOf(node: Node | undefined): string | null {
  return node && (node.kind === 'slice' || node.kind === 'group') ? node.slice.name : null;
}

export async function deactivate(): Promise<void> {
  const s = services;
  services = undefined;
  await Promise.allSettled([client?.stop(), s?.embedded.current?.stop()]);
  client = undefined;
}
