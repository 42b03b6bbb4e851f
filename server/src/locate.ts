// From an LSP text position to the parsed file and offset in the current snapshot.
import { ide, type SourceFile } from '@dfvisor/grammar';
import type { Position } from 'vscode-languageserver/node.js';
import type { Snapshot } from './analysis.js';
import type { ServerContext } from './context.js';
import { normalizeUri } from './uri.js';

export function offsetOf(file: SourceFile, p: Position): number {
  return ide.offsetAt(file, p.line, p.character);
}

export interface Located {
  snap: Snapshot;
  file: SourceFile;
  /** The editor program of the file's network workspace. */
  model: ide.EditorProgram;
  offset: number;
}

export function fileOf(ctx: ServerContext, uri: string): { snap: Snapshot; file: SourceFile; model: ide.EditorProgram } | undefined {
  const snap = ctx.analysis.snapshot();
  const file = snap.byUri.get(normalizeUri(uri));
  return file ? { snap, file, model: snap.programFor(file.path) } : undefined;
}

export function locate(ctx: ServerContext, uri: string, position: Position): Located | undefined {
  const f = fileOf(ctx, uri);
  if (!f) return undefined;
  if (typeof position.line !== 'number' || typeof position.character !== 'number') throw new TypeError('invalid position');
  return { ...f, offset: offsetOf(f.file, position) };
}
