// What every feature module receives: the connection, the workspace, the analysis and settings.
import type { Connection } from 'vscode-languageserver/node.js';
import type { Analysis } from './analysis.js';
import type { WorkspaceFiles } from './workspace-files.js';

export interface ServerSettings {
  /** Base URL of the diagnostics' codeDescription links. */
  docsBaseUrl: string;
  /** Debounce of re-checks after an edit, in ms. */
  debounceMs: number;
  /** 'auto': pull when the client supports it, else push. */
  diagnosticsMode: 'auto' | 'push' | 'pull';
}

export interface ClientSupport {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  watchedFilesDynamic: boolean;
  snippets: boolean;
  markdown: boolean;
  hierarchicalSymbols: boolean;
}

export interface ServerContext {
  connection: Connection;
  workspace: WorkspaceFiles;
  analysis: Analysis;
  settings: ServerSettings;
  client: ClientSupport;
}
