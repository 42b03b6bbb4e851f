// Starts the bundled slice language server over IPC.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

/** The bundled server next to the extension bundle; in a development checkout, the server workspace's build. */
export function serverModulePath(extensionPath: string): string | undefined {
  const candidates = [
    vscode.Uri.joinPath(vscode.Uri.file(extensionPath), 'dist-bundle', 'server.cjs').fsPath,
    vscode.Uri.joinPath(vscode.Uri.file(extensionPath), '..', 'server', 'dist', 'src', 'main.js').fsPath,
  ];
  return candidates.find((p) => existsSync(p));
}

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): Promise<LanguageClient | undefined> {
  const module = serverModulePath(context.extensionPath);
  if (!module) {
    output.appendLine('The slice language server is missing (dist-bundle/server.cjs): run `npm run build -w client`.');
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'slice' },
      { scheme: 'untitled', language: 'slice' },
      { scheme: 'vscode-remote', language: 'slice' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.slice') },
    outputChannel: output,
  };
  const client = new LanguageClient('dfvisor', 'Slice Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
