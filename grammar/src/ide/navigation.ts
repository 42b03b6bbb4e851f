// Definition, references and rename: position lookups on the bound Program.
import { referencesTo, symbolAt as programSymbolAt } from '../bind/lookup.js';
import type { ProgramSymbol, SymbolKind } from '../bind/program.js';
import type { Range, SourceFile } from '../syntax/ast.js';
import type { EditorProgram } from './editor-program.js';
import { positionAt } from './walk.js';

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
  symbol: ProgramSymbol;
  /** The range of the name under the cursor. */
  range: Range;
  /** Whether the hit is the declaration itself. */
  declaration: boolean;
}

/** The symbol named at an offset of a file: a declaration's name or a resolved reference. */
export function symbolAt(model: EditorProgram, file: SourceFile, offset: number): SymbolHit | undefined {
  const hit = programSymbolAt(model.program, file.path, positionAt(file, offset));
  return hit && { symbol: hit.symbol, range: hit.range, declaration: hit.isDeclaration };
}

/** Where the symbol at the offset is declared. */
export function definitionAt(model: EditorProgram, file: SourceFile, offset: number): Location[] {
  const hit = symbolAt(model, file, offset);
  return hit ? [{ file: hit.symbol.file, range: hit.symbol.range }] : [];
}

/** Every place that names a symbol: its declaration (optionally) and its references. */
export function referencesOf(model: EditorProgram, symbol: ProgramSymbol, includeDeclaration: boolean): Location[] {
  const out: Location[] = includeDeclaration ? [{ file: symbol.file, range: symbol.range }] : [];
  for (const r of referencesTo(model.program, symbol.id)) out.push({ file: r.file, range: r.range });
  return out;
}

/** Every place that names the symbol at the offset. */
export function referencesAt(model: EditorProgram, file: SourceFile, offset: number, includeDeclaration: boolean): Location[] {
  const hit = symbolAt(model, file, offset);
  return hit ? referencesOf(model, hit.symbol, includeDeclaration) : [];
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Names a user may rename (ports are numbers, links are named by their ends). */
const RENAMABLE = new Set<SymbolKind>(['network', 'switch', 'slice', 'rule', 'class']);

export type RenameResult = { ok: true; edits: FileEdit[] } | { ok: false; code: 'not-renamable' | 'invalid-name'; message: string };

/** The range and current name that a rename at this offset would change, or why it cannot. */
export function prepareRenameAt(
  model: EditorProgram,
  file: SourceFile,
  offset: number,
): { ok: true; range: Range; placeholder: string; symbol: ProgramSymbol } | { ok: false; code: 'not-renamable'; message: string } {
  const hit = symbolAt(model, file, offset);
  if (!hit) return { ok: false, code: 'not-renamable', message: 'Nothing to rename here.' };
  if (!RENAMABLE.has(hit.symbol.kind)) return { ok: false, code: 'not-renamable', message: `A ${hit.symbol.kind} cannot be renamed.` };
  return { ok: true, range: hit.range, placeholder: hit.symbol.name, symbol: hit.symbol };
}

/** The edits that rename the symbol at the offset in every file. */
export function renameAt(model: EditorProgram, file: SourceFile, offset: number, newName: string): RenameResult {
  const prep = prepareRenameAt(model, file, offset);
  if (!prep.ok) return prep;
  if (!IDENTIFIER.test(newName)) return { ok: false, code: 'invalid-name', message: `'${newName}' is not a valid name.` };
  return { ok: true, edits: referencesOf(model, prep.symbol, true).map((l) => ({ file: l.file, range: l.range, newText: newName })) };
}
