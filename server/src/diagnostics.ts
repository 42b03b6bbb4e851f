// Diagnostics: a debounced re-check after every change (a newer change
// restarts the timer, so only the newest texts are checked), published for
// every file of the workspace (a conflict between two files shows in both).
// Push by default; pull (textDocument/diagnostic, workspace/diagnostic) when the
// client supports it. Results carry the generation they were computed for and
// a result older than what was last published is never sent.
import type { Diagnostic as CoreDiagnostic } from '@dfvisor/grammar';
import {
  DocumentDiagnosticReportKind,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toLspDiagnostic } from './convert.js';
import { guard } from './guard.js';

export class DiagnosticsFeature {
  private timer: NodeJS.Timeout | undefined;
  private warm: NodeJS.Immediate | undefined;
  private publishedGeneration = -1;
  /** What was last sent per file (version and content hash): to skip resending it, and to clear files that have gone. */
  private published = new Map<string, string>();
  readonly pull: boolean;

  constructor(private readonly ctx: ServerContext) {
    const mode = ctx.settings.diagnosticsMode;
    this.pull = mode === 'pull' || (mode === 'auto' && ctx.client.pullDiagnostics);
  }

  register(): void {
    const { connection } = this.ctx;
    if (!this.pull) return;
    connection.languages.diagnostics.on(
      guard(connection, 'textDocument/diagnostic', (params): DocumentDiagnosticReport => {
        const result = this.ctx.analysis.check();
        const ds = this.lsp(result.byUri.get(params.textDocument.uri) ?? []);
        const resultId = `${result.generation}:${hash(ds)}`;
        if (params.previousResultId && params.previousResultId.split(':')[1] === resultId.split(':')[1]) {
          return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
        }
        return { kind: DocumentDiagnosticReportKind.Full, resultId, items: ds };
      }),
    );
    connection.languages.diagnostics.onWorkspace(
      guard(connection, 'workspace/diagnostic', (params) => {
        const result = this.ctx.analysis.check();
        const prev = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
        const items: WorkspaceDocumentDiagnosticReport[] = [];
        for (const [uri, core] of result.byUri) {
          const ds = this.lsp(core);
          const resultId = `${result.generation}:${hash(ds)}`;
          const version = this.ctx.workspace.document(uri)?.version ?? null;
          if (prev.get(uri)?.split(':')[1] === resultId.split(':')[1])
            items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId });
          else items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version, resultId, items: ds });
        }
        // Files the client still holds results for that are gone (deleted, moved): report them empty,
        // or their diagnostics would stay in the client's problem list.
        for (const uri of prev.keys()) {
          if (!result.byUri.has(uri))
            items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: `${result.generation}:gone`, items: [] });
        }
        return { items };
      }),
    );
  }

  private lsp(ds: CoreDiagnostic[]): Diagnostic[] {
    return ds.map((d) => toLspDiagnostic(d, this.ctx.settings.docsBaseUrl));
  }

  /** Called after every change: (re)starts the debounce timer. */
  schedule(delay = this.ctx.settings.debounceMs): void {
    if (this.timer) clearTimeout(this.timer);
    // Parse the changed texts while the debounce waits (idle time), so only the check remains after it.
    if (!this.warm) {
      this.warm = setImmediate(() => {
        this.warm = undefined;
        try {
          this.ctx.analysis.snapshot();
        } catch {
          /* the check reports it */
        }
      });
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, delay);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Checks the current texts and publishes (or asks the client to pull). */
  run(): void {
    const { connection, analysis, workspace } = this.ctx;
    let result: ReturnType<typeof analysis.check>;
    try {
      result = analysis.check();
    } catch (e) {
      connection.console.error(`check failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return;
    }
    // A newer change arrived while checking: its own timer will publish.
    if (result.generation !== workspace.generation || result.generation < this.publishedGeneration) return;
    this.publishedGeneration = result.generation;
    if (this.pull) {
      if (this.ctx.client.diagnosticRefresh) connection.languages.diagnostics.refresh();
      return;
    }
    const seen = new Set<string>();
    for (const [uri, core] of result.byUri) {
      seen.add(uri);
      const diagnostics = this.lsp(core);
      const version = workspace.document(uri)?.version;
      // A file whose diagnostics and version are what the client already has is not sent again:
      // after a one-line edit usually only the edited file goes over the wire.
      const key = `${version ?? ''}|${hash(diagnostics)}`;
      if (this.published.get(uri) === key) continue;
      this.published.set(uri, key);
      void connection.sendDiagnostics({ uri, version, diagnostics });
    }
    for (const uri of [...this.published.keys()]) {
      if (seen.has(uri)) continue;
      this.published.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }
}

function hash(ds: Diagnostic[]): string {
  const s = JSON.stringify(ds);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
