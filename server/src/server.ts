// Wires the workspace model, the analysis and every feature module onto a connection.
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import type { ide } from '@dfvisor/grammar';
import { Analysis } from './analysis.js';
import { registerCodeActions } from './code-actions.js';
import { registerCodeLens } from './code-lens.js';
import { registerCompletion } from './completion.js';
import type { ClientSupport, ServerContext, ServerSettings } from './context.js';
import { DEFAULT_DOCS_BASE } from './convert.js';
import { registerDefinition } from './definition.js';
import { DiagnosticsFeature } from './diagnostics.js';
import { registerFolding } from './folding.js';
import { registerFormatting } from './formatting.js';
import { guardNotification } from './guard.js';
import { registerHover } from './hover.js';
import { registerInlayHints } from './inlay-hints.js';
import { registerReferences } from './references.js';
import { registerRename } from './rename.js';
import { registerSelection } from './selection.js';
import { registerSemanticTokens, semanticTokensLegend } from './semantic-tokens.js';
import { registerSymbols } from './symbols.js';
import { uriToPath } from './uri.js';
import { RuntimeGrant, runtimeConnectionOf, type RuntimeGrantState } from './runtime-grant.js';
import { WorkspaceFiles } from './workspace-files.js';

export const SERVER_NAME = 'slice-language-server';
/** Client → server notification: what the connected runtime sees of its network (ide.RuntimeTopology, or null). */
export const RUNTIME_TOPOLOGY = 'dfvisor/runtimeTopology';

function isRuntimeTopology(t: unknown): t is ide.RuntimeTopology {
  const x = t as Partial<ide.RuntimeTopology> | null;
  const end = (e: unknown) => typeof e === 'object' && e !== null && typeof (e as { port?: unknown }).port === 'number';
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.network === 'string' &&
    Array.isArray(x.links) &&
    x.links.every(
      (l) => end(l?.a) && end(l?.b) && ['seen', 'missing', 'miswired'].includes(l.state) && (l.seen === undefined || Array.isArray(l.seen)),
    ) &&
    Array.isArray(x.portsDown) &&
    x.portsDown.every((p) => typeof p?.port === 'number') &&
    (x.virtualLinks === undefined ||
      (Array.isArray(x.virtualLinks) &&
        x.virtualLinks.every(
          (v) => typeof v?.slice === 'string' && typeof v.id === 'string' && (v.links === null || Array.isArray(v.links)),
        )))
  );
}
export const SERVER_VERSION = '0.1.0';

function settingsFrom(init: InitializeParams): ServerSettings {
  const o = (init.initializationOptions ?? {}) as Partial<ServerSettings>;
  return {
    docsBaseUrl: typeof o.docsBaseUrl === 'string' ? o.docsBaseUrl : DEFAULT_DOCS_BASE,
    debounceMs: typeof o.debounceMs === 'number' && o.debounceMs >= 0 ? o.debounceMs : 150,
    diagnosticsMode: o.diagnosticsMode === 'push' || o.diagnosticsMode === 'pull' ? o.diagnosticsMode : 'auto',
  };
}

function clientSupport(init: InitializeParams): ClientSupport {
  const c = init.capabilities;
  return {
    pullDiagnostics: !!c.textDocument?.diagnostic,
    diagnosticRefresh: !!c.workspace?.diagnostics?.refreshSupport,
    watchedFilesDynamic: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    snippets: !!c.textDocument?.completion?.completionItem?.snippetSupport,
    markdown: !!c.textDocument?.hover?.contentFormat?.includes('markdown') || !c.textDocument?.hover?.contentFormat,
    hierarchicalSymbols: !!c.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport,
  };
}

function isSliceDocument(doc: TextDocument): boolean {
  return doc.languageId === 'slice' || doc.uri.endsWith('.slice');
}

/** Starts the server on a connection and returns a handle for in-process use (tests). */
export function startServer(connection: Connection): { context: () => ServerContext | undefined } {
  const workspace = new WorkspaceFiles();
  let diagnostics: DiagnosticsFeature | undefined;
  const runtimeGrant = new RuntimeGrant((now, before) =>
    runtimeChanged(connection, now, before, () => {
      workspace.touch();
      diagnostics?.schedule(0);
    }),
  );
  let initialRuntime: unknown;
  const analysis = new Analysis(workspace, () => runtimeGrant.state);
  const documents = new TextDocuments(TextDocument);
  let ctx: ServerContext | undefined;

  connection.onInitialize((init): InitializeResult => {
    const folders = init.workspaceFolders?.map((f) => f.uri) ?? (init.rootUri ? [init.rootUri] : init.rootPath ? [init.rootPath] : []);
    try {
      workspace.loadFolders(folders.map((f) => (f.startsWith('file:') ? (uriToPath(f) ?? f) : f)));
    } catch (e) {
      connection.console.error(`reading the workspace failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    ctx = { connection, workspace, analysis, settings: settingsFrom(init), client: clientSupport(init) };
    initialRuntime = (init.initializationOptions as { runtime?: unknown } | undefined)?.runtime;
    diagnostics = new DiagnosticsFeature(ctx);
    diagnostics.register();
    registerCompletion(ctx);
    registerHover(ctx);
    registerDefinition(ctx);
    registerReferences(ctx);
    registerRename(ctx);
    registerSymbols(ctx);
    registerFolding(ctx);
    registerSelection(ctx);
    registerSemanticTokens(ctx);
    registerFormatting(ctx);
    registerCodeActions(ctx);
    // The client tells what its connected runtime sees of the deployed network (null: not connected).
    connection.onNotification(
      RUNTIME_TOPOLOGY,
      guardNotification(connection, RUNTIME_TOPOLOGY, (t: unknown) => {
        if (t !== null && !isRuntimeTopology(t)) {
          connection.console.error(`${RUNTIME_TOPOLOGY}: not a runtime topology (network, links[], portsDown[]); ignored`);
          return;
        }
        analysis.setRuntimeTopology(t ?? undefined);
        diagnostics?.schedule(0);
      }),
    );
    registerInlayHints(ctx);
    registerCodeLens(ctx);
    return {
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: [':', ' ', ','], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: false },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        inlayHintProvider: { resolveProvider: false },
        codeLensProvider: { resolveProvider: false },
        diagnosticProvider: diagnostics.pull ? { interFileDependencies: true, workspaceDiagnostics: true } : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
    };
  });

  connection.onInitialized(() => {
    if (ctx?.client.watchedFilesDynamic) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.slice' }] })
        .catch(() => undefined);
    }
    // First diagnostics for the whole workspace, without waiting for an edit.
    diagnostics?.schedule(0);
    runtimeGrant.configure(runtimeConnectionOf(initialRuntime));
  });
  connection.onDidChangeConfiguration(
    guardNotification(connection, 'didChangeConfiguration', (p) => {
      const settings = p.settings as { dfvisor?: { runtime?: unknown } } | undefined;
      if (settings?.dfvisor && 'runtime' in settings.dfvisor) runtimeGrant.configure(runtimeConnectionOf(settings.dfvisor.runtime));
    }),
  );

  documents.onDidOpen(
    guardNotification(connection, 'didOpen', (e) => {
      if (!isSliceDocument(e.document)) return;
      workspace.openDocument(e.document.uri, e.document.getText(), e.document.version);
      diagnostics?.schedule();
    }),
  );
  documents.onDidChangeContent(
    guardNotification(connection, 'didChange', (e) => {
      if (!isSliceDocument(e.document)) return;
      workspace.changeDocument(e.document.uri, e.document.getText(), e.document.version);
      diagnostics?.schedule();
    }),
  );
  documents.onDidClose(
    guardNotification(connection, 'didClose', (e) => {
      if (!isSliceDocument(e.document)) return;
      workspace.closeDocument(e.document.uri);
      diagnostics?.schedule();
    }),
  );
  connection.onDidChangeWatchedFiles(
    guardNotification(connection, 'didChangeWatchedFiles', (p) => {
      for (const c of p.changes) {
        // An open document's text wins over the disk; the model keeps both.
        workspace.diskChanged(c.uri, c.type === FileChangeType.Deleted);
      }
      diagnostics?.schedule();
    }),
  );
  connection.onShutdown(() => {
    runtimeGrant.dispose();
    diagnostics?.dispose();
  });

  documents.listen(connection);
  connection.listen();
  return { context: () => ctx };
}

/** Tells the user when the runtime's grant comes or goes, and re-checks. */
function runtimeChanged(connection: Connection, now: RuntimeGrantState, before: RuntimeGrantState, recheck: () => void): void {
  if (now.kind === 'offline' && before.kind !== 'offline')
    void connection.window.showWarningMessage(
      `DFVisor: the runtime at ${now.url} is offline or gave no grant (${now.reason}); slices without a network are not checked against it.`,
    );
  else if (now.kind === 'online')
    connection.console.info(`DFVisor: checking slices without a network against the grant of ${now.owner} from ${now.url}`);
  recheck();
}
