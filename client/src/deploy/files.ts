// Which .slice files a deploy sends, and how API paths map back to documents.
import * as vscode from 'vscode';
import type { SliceFile } from '../api/types.js';

export interface CollectedFiles {
  files: SliceFile[];
  /** API path → document URI, to place diagnostics the runtime returns. */
  uris: Map<string, vscode.Uri>;
}

/**
 * All .slice files of the workspace (the workspace is one program), with the text of open editors (unsaved
 * changes included). Without a workspace folder: the active .slice document alone.
 */
export async function collectSliceFiles(active?: vscode.Uri): Promise<CollectedFiles> {
  const uris = new Map<string, vscode.Uri>();
  const files: SliceFile[] = [];
  const folders = vscode.workspace.workspaceFolders ?? [];
  let found: vscode.Uri[] = [];
  if (folders.length > 0) found = await vscode.workspace.findFiles('**/*.slice', '**/{node_modules,.git,dist}/**');
  if (found.length === 0 && active) found = [active];
  found.sort((a, b) => a.toString().localeCompare(b.toString()));
  for (const uri of found) {
    const text = await readText(uri);
    const path = apiPathOf(uri, folders.length > 1);
    files.push({ path, text });
    uris.set(path, uri);
  }
  return { files, uris };
}

async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  const bytes = await vscode.workspace.fs.readFile(uri);
  return new TextDecoder().decode(bytes);
}

/** `tenants/alice.slice` relative to its workspace folder (prefixed by the folder name in a multi-root workspace). */
export function apiPathOf(uri: vscode.Uri, multiRoot: boolean): string {
  const rel = vscode.workspace.asRelativePath(uri, multiRoot);
  return rel.replace(/\\/g, '/');
}
