// What the commands share. Built once in activate().
import type * as vscode from 'vscode';
import type { Connection } from './settings.js';
import type { RuntimeWatch } from './views/runtime-watch.js';
import type { EmbeddedRuntime } from './runtime/embedded.js';

export interface Services {
  context: vscode.ExtensionContext;
  connection: Connection;
  model: RuntimeWatch;
  output: vscode.OutputChannel;
  /** Diagnostics the runtime returned for the last deploy (separate from the language server's). */
  deployDiagnostics: vscode.DiagnosticCollection;
  embedded: { current: EmbeddedRuntime | undefined };
}

/** What a command returns to its caller (tests, other commands): the outcome as a value. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };
