// The workspace files: every `.slice` file under the workspace folders, read
// from disk at initialize; open documents override the disk text; kept in step
// with document events and didChangeWatchedFiles. Every change bumps
// `generation`, which versions everything computed from the texts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeUri, pathToUri, uriToPath } from './uri.js';

export interface OpenDocument {
  text: string;
  version: number;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.e2e', '.artifacts']);

export class WorkspaceFiles {
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, OpenDocument>();
  generation = 0;
  folders: string[] = [];

  /** Reads every `.slice` file under the folders (URIs or paths). */
  loadFolders(folders: string[]): void {
    this.folders = folders.map((f) => (f.startsWith('file:') ? (uriToPath(f) ?? f) : f));
    for (const dir of this.folders) {
      for (const p of findSliceFiles(dir)) {
        const text = readText(p);
        if (text !== undefined) this.disk.set(pathToUri(p), text);
      }
    }
    this.generation++;
  }

  isInWorkspace(uri: string): boolean {
    const p = uriToPath(uri);
    return p !== undefined && this.folders.some((f) => p === f || p.startsWith(f.endsWith('/') ? f : `${f}/`));
  }

  openDocument(uri: string, text: string, version: number): void {
    this.open.set(normalizeUri(uri), { text, version });
    this.generation++;
  }

  changeDocument(uri: string, text: string, version: number): void {
    const u = normalizeUri(uri);
    const cur = this.open.get(u);
    if (cur && cur.version > version) return; // an older change arriving late is ignored
    this.open.set(u, { text, version });
    this.generation++;
  }

  closeDocument(uri: string): void {
    const u = normalizeUri(uri);
    this.open.delete(u);
    // Back to the disk text (re-read: the editor may have saved it).
    const p = uriToPath(u);
    if (p && this.isInWorkspace(u)) {
      const text = readText(p);
      if (text !== undefined) this.disk.set(u, text);
      else this.disk.delete(u);
    }
    this.generation++;
  }

  /** A file created, changed or deleted on disk. */
  diskChanged(uri: string, deleted: boolean): void {
    const u = normalizeUri(uri);
    if (!u.endsWith('.slice')) return;
    if (deleted) this.disk.delete(u);
    else {
      const p = uriToPath(u);
      const text = p ? readText(p) : undefined;
      if (text === undefined) this.disk.delete(u);
      else this.disk.set(u, text);
    }
    this.generation++;
  }

  /** Something the texts are checked with changed (the runtime's grant): everything is computed again. */
  touch(): void {
    this.generation++;
  }

  document(uri: string): OpenDocument | undefined {
    return this.open.get(normalizeUri(uri));
  }

  /** The text of a file: the open document's, else the disk's. */
  text(uri: string): string | undefined {
    const u = normalizeUri(uri);
    return this.open.get(u)?.text ?? this.disk.get(u);
  }

  /** Every file of the program: workspace files plus open `.slice` documents outside it. */
  uris(): string[] {
    const all = new Set<string>(this.disk.keys());
    for (const u of this.open.keys()) all.add(u);
    return [...all].sort();
  }
}

function readText(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

export function findSliceFiles(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 20) return out;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) findSliceFiles(p, out, depth + 1);
    else if (name.endsWith('.slice')) out.push(p);
  }
  return out;
}
