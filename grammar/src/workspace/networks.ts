// Several networks in one folder tree. The rule, used by the CLI, the language server and the extension:
// each `.slice` file belongs to the workspace of the nearest folder at or above it that declares a network
// (`campus/tenants/*.slice` -> `campus/`). Two networks in one folder stay one workspace (SL106 there).
// Files with no network at or above them are "unplaced": they are checked without a network
// (check/unplaced.ts) and, when deployed, against the runtime's network.
// Paths and URIs alike: folders are found by the last `/` (or `\`).
import type { SourceFile } from '../syntax/ast.js';

/** The files of one network: its folder and every file at or below it that no nearer network claims. */
export interface NetworkWorkspace {
  /** The folder that declares the network (the path's or URI's folder part, no trailing separator). */
  root: string;
  /** Sorted by path. */
  files: SourceFile[];
}

export interface WorkspacePartition {
  /** Sorted by root. */
  workspaces: NetworkWorkspace[];
  /** Files with no network at or above their folder (sorted by path). */
  unplaced: SourceFile[];
}

/** What the CLI prints, once, about the unplaced files. */
export const NO_NETWORK_MESSAGE = 'no network for these slices';

/** The folder part of a path or URI: `a/b/c.slice` -> `a/b`; `c.slice` -> ``. */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '' : path.slice(0, i);
}

/** Whether the file declares (a block of) a network. */
export function declaresNetwork(file: SourceFile): boolean {
  return file.items.some((item) => item.kind === 'Network');
}

/** The nearest folder at or above `path` that is one of `networkFolders`, if any. */
export function networkRootOf(path: string, networkFolders: ReadonlySet<string>): string | undefined {
  let folder = folderOf(path);
  for (;;) {
    if (networkFolders.has(folder)) return folder;
    const up = folderOf(folder);
    if (up === folder || folder === '') return undefined;
    folder = up;
  }
}

const byPath = (a: SourceFile, b: SourceFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Splits files into network workspaces by the rule above. */
export function partitionByNetwork(files: readonly SourceFile[]): WorkspacePartition {
  const networkFolders = new Set(files.filter(declaresNetwork).map((f) => folderOf(f.path)));
  const byRoot = new Map<string, SourceFile[]>();
  const unplaced: SourceFile[] = [];
  for (const f of files) {
    const root = networkRootOf(f.path, networkFolders);
    if (root === undefined) unplaced.push(f);
    else byRoot.set(root, [...(byRoot.get(root) ?? []), f]);
  }
  const workspaces = [...byRoot.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([root, fs]) => ({ root, files: fs.sort(byPath) }));
  return { workspaces, unplaced: unplaced.sort(byPath) };
}
