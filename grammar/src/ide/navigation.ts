// Definition, references and rename over the workspace index.
import type { Range } from '../syntax/ast.js';
import { keyId, type SymbolDecl, type SymbolKey, type WorkspaceIndex } from './index-model.js';
import { touches } from './walk.js';

/** A text edit in some file (editor-agnostic). */
export interface FileEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Location {
  file: string;
  range: Range;
}

export interface SymbolHit {
  key: SymbolKey;
  /** The range of the name under the cursor. */
  range: Range;
  /** Whether the hit is the declaration itself. */
  declaration: boolean;
}

function narrowest<T extends { range: Range }>(xs: T[]): T | undefined {
  let best: T | undefined;
  for (const x of xs) {
    if (!best || x.range.end.offset - x.range.start.offset < best.range.end.offset - best.range.start.offset) best = x;
  }
  return best;
}

/** The symbol named at an offset of a file: a declaration's name or a reference. */
export function symbolAt(index: WorkspaceIndex, file: string, offset: number): SymbolHit | undefined {
  const refs = index.refs.filter((r) => r.file === file && touches(r.range, offset));
  const decls = index.decls.filter((d) => d.file === file && touches(d.nameRange, offset));
  const ref = narrowest(refs);
  const decl = narrowest(decls.map((d) => ({ ...d, range: d.nameRange })));
  if (ref && (!decl || ref.range.end.offset - ref.range.start.offset <= decl.range.end.offset - decl.range.start.offset)) {
    return { key: ref.key, range: ref.range, declaration: false };
  }
  if (decl) return { key: decl.key, range: decl.nameRange, declaration: true };
  return undefined;
}

export function declarationsOf(index: WorkspaceIndex, key: SymbolKey): SymbolDecl[] {
  const id = keyId(key);
  return index.decls.filter((d) => keyId(d.key) === id);
}

/** Where the symbol at the offset is declared (several places for a split network or a duplicate). */
export function definitionAt(index: WorkspaceIndex, file: string, offset: number): Location[] {
  const hit = symbolAt(index, file, offset);
  if (!hit) return [];
  return declarationsOf(index, hit.key).map((d) => ({ file: d.file, range: d.nameRange }));
}

/** Every place that names the symbol at the offset. */
export function referencesAt(index: WorkspaceIndex, file: string, offset: number, includeDeclaration: boolean): Location[] {
  const hit = symbolAt(index, file, offset);
  if (!hit) return [];
  const id = keyId(hit.key);
  const out: Location[] = [];
  if (includeDeclaration) for (const d of declarationsOf(index, hit.key)) out.push({ file: d.file, range: d.nameRange });
  for (const r of index.refs) if (keyId(r.key) === id) out.push({ file: r.file, range: r.range });
  return dedupe(out);
}

function dedupe(xs: Location[]): Location[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = `${x.file}#${x.range.start.offset}-${x.range.end.offset}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export type RenameResult =
  | { ok: true; edits: FileEdit[] }
  | { ok: false; code: 'not-renamable' | 'invalid-name'; message: string };

/** The range and current name that a rename at this offset would change, or why it cannot. */
export function prepareRenameAt(index: WorkspaceIndex, file: string, offset: number):
  { ok: true; range: Range; placeholder: string } | { ok: false; code: 'not-renamable'; message: string } {
  const hit = symbolAt(index, file, offset);
  if (!hit) return { ok: false, code: 'not-renamable', message: 'Nothing to rename here.' };
  const decls = declarationsOf(index, hit.key);
  const renamable = ['network', 'switch', 'slice', 'rule', 'class'].includes(hit.key.kind);
  if (!renamable || (decls.length > 0 && decls.some((d) => !d.renamable))) {
    return { ok: false, code: 'not-renamable', message: `A ${hit.key.kind} cannot be renamed.` };
  }
  return { ok: true, range: hit.range, placeholder: hit.key.name };
}

/** The edits that rename the symbol at the offset in every file. */
export function renameAt(index: WorkspaceIndex, file: string, offset: number, newName: string): RenameResult {
  const prep = prepareRenameAt(index, file, offset);
  if (!prep.ok) return prep;
  if (!IDENTIFIER.test(newName)) return { ok: false, code: 'invalid-name', message: `'${newName}' is not a valid name.` };
  const locs = referencesAt(index, file, offset, true);
  return { ok: true, edits: locs.map((l) => ({ file: l.file, range: l.range, newText: newName })) };
}
