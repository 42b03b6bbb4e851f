// Position lookups on a Program, for go-to-definition, references, rename and hover.
import type { Position, Range } from '../syntax/ast.js';
import type { Program, ProgramSymbol, SymbolReference } from './program.js';

export interface SymbolHit {
  symbol: ProgramSymbol;
  /** The range under the position (a declaration's name or a reference). */
  range: Range;
  isDeclaration: boolean;
}

function contains(r: Range, pos: { line: number; character: number }): boolean {
  const afterStart = pos.line > r.start.line || (pos.line === r.start.line && pos.character >= r.start.character);
  const beforeEnd = pos.line < r.end.line || (pos.line === r.end.line && pos.character <= r.end.character);
  return afterStart && beforeEnd;
}

function size(r: Range): number {
  return r.end.offset - r.start.offset;
}

/** The innermost declaration name or reference at a position (line/character) in a file. */
export function symbolAt(program: Program, file: string, pos: Pick<Position, 'line' | 'character'>): SymbolHit | undefined {
  let best: SymbolHit | undefined;
  const consider = (hit: SymbolHit): void => {
    if (!best || size(hit.range) < size(best.range)) best = hit;
  };
  for (const s of program.symbols) {
    if (s.file === file && contains(s.range, pos)) consider({ symbol: s, range: s.range, isDeclaration: true });
  }
  for (const r of program.references) {
    if (r.file === file && contains(r.range, pos)) consider({ symbol: program.symbols[r.symbolId], range: r.range, isDeclaration: false });
  }
  return best;
}

/** Every reference to a symbol (not its declaration). */
export function referencesTo(program: Program, symbolId: number): SymbolReference[] {
  return program.references.filter((r) => r.symbolId === symbolId);
}

/** The declaration a position refers to (itself when on a declaration). */
export function definitionAt(program: Program, file: string, pos: Pick<Position, 'line' | 'character'>): ProgramSymbol | undefined {
  return symbolAt(program, file, pos)?.symbol;
}

/** Symbols declared in a file, in source order (for document outline). */
export function symbolsInFile(program: Program, file: string): ProgramSymbol[] {
  return program.symbols.filter((s) => s.file === file).sort((a, b) => a.declRange.start.offset - b.declRange.start.offset);
}
