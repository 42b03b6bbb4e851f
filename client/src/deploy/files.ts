// Which .slice files a deploy sends, and how API paths map back to documents.
import { parse, partitionByNetwork } from '@dfvisor/grammar';
import * as vscode from 'vscode';
import type { SliceFile } from '../api/types.js';

export interface CollectedFiles {
  files: SliceFile[];
  /** API path → document URI, to place diagnostics the runtime returns. */
  uris: Map<string, vscode.Uri>;
}

/**
 * The .slice files of the active document's network workspace (the grammar's rule: the nearest folder at or
 * above a file that declares a network; the language server uses the same), with the text of open editors
 * (unsaved changes included). Without an active .slice document among them: every file (the runtime then
 * reports a second network). Without a workspace folder: the active .slice document alone.
 */
export async function collectSliceFiles(active?: vscode.Uri): Promise<CollectedFiles> {
  const uris = new Map<string, vscode.Uri>();
  const files: SliceFile[] = [];
  const folders = vscode.workspace.workspaceFolders ?? [];
  let found: vscode.Uri[] = [];
  if (folders.length > 0) found = await vscode.workspace.findFiles('**/*.slice', '**/{node_modules,.git,dist}/**');
  if (found.length === 0 && active) found = [active];
  found.sort((a, b) => a.toString().localeCompare(b.toString()));
  const texts = new Map<string, string>();
  for (const uri of found) texts.set(uri.toString(), await readText(uri));
  for (const uri of sameNetwork(found, texts, active)) {
    const text = texts.get(uri.toString()) ?? '';
    const path = apiPathOf(uri, folders.length > 1);
    files.push({ path, text });
    uris.set(path, uri);
  }
  return { files, uris };
}

/** The files in the active file's network workspace (or its group of files with no network above them). */
function sameNetwork(found: vscode.Uri[], texts: Map<string, string>, active: vscode.Uri | undefined): vscode.Uri[] {
  const { workspaces, unplaced } = partitionByNetwork(found.map((u) => parse(texts.get(u.toString()) ?? '', u.toString())));
  const groups = [...workspaces.map((w) => w.files), unplaced].map((fs) => new Set(fs.map((f) => f.path)));
  const key = active?.toString();
  const mine = key === undefined ? undefined : groups.find((g) => g.has(key));
  if (mine) return found.filter((u) => mine.has(u.toString()));
  return found;
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
