// Semantic token classes from the syntax tree (names by their role), plus
// comments. Keywords and punctuation are left to the TextMate grammar.
import type { SourceFile } from '../syntax/ast.js';
import { walk, type AnyRanged } from './walk.js';

export const SEMANTIC_TOKEN_TYPES = [
  'namespace',
  'type',
  'class',
  'function',
  'property',
  'enumMember',
  'variable',
  'number',
  'string',
  'comment',
  'keyword',
] as const;
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];
export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'readonly'] as const;
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

/** Tokens for one file, sorted, one line each. */
export function semanticTokens(file: SourceFile): SemanticToken[] {
  const out: SemanticToken[] = [];
  const add = (n: AnyRanged, type: SemanticTokenType, modifiers: SemanticTokenModifier[] = []) => {
    const { start, end } = n.range;
    if (end.line === start.line) {
      if (end.character > start.character)
        out.push({ line: start.line, character: start.character, length: end.character - start.character, type, modifiers });
      return;
    }
    // Multi-line (block comments): one token per line.
    const text = file.text.slice(start.offset, end.offset).split(/\r?\n/);
    text.forEach((t, i) => {
      if (t.length) out.push({ line: start.line + i, character: i === 0 ? start.character : 0, length: t.length, type, modifiers });
    });
  };
  walk(file, (n, parents) => {
    const parent = parents[parents.length - 1] as (AnyRanged & Record<string, unknown>) | undefined;
    switch (n.kind) {
      case 'Ident': {
        const decl = parent && parent['name'] === n;
        switch (parent?.kind) {
          case 'Network':
            add(n, 'namespace', ['declaration']);
            break;
          case 'Switch':
            add(n, 'type', ['declaration']);
            break;
          case 'PortRef':
          case 'FlowEntries':
          case 'Core':
            add(n, 'type');
            break;
          case 'Slice':
            add(n, 'class', ['declaration']);
            break;
          case 'FlowRule':
            add(n, 'function', ['declaration']);
            break;
          case 'Class':
            add(n, 'variable', ['declaration']);
            break;
          case 'FieldMatch':
            add(n, 'property');
            break;
          default:
            if (decl) add(n, 'variable', ['declaration']);
        }
        break;
      }
      case 'Number':
      case 'Rate':
      case 'MessageRate':
      case 'Dpid':
      case 'Mac':
      case 'Ipv4':
      case 'Ipv6':
        add(n, 'number');
        break;
      case 'Name':
        add(n, 'enumMember', ['readonly']);
        break;
      case 'String':
        add(n, 'string');
        break;
      case 'Permission':
        add(n, 'keyword');
        break;
    }
  });
  for (const c of file.comments) add(c, 'comment');
  out.sort((a, b) => a.line - b.line || a.character - b.character);
  // Drop overlaps (a NumberRange contains its Numbers): keep the first of overlapping tokens.
  const res: SemanticToken[] = [];
  for (const t of out) {
    const prev = res[res.length - 1];
    if (prev && prev.line === t.line && t.character < prev.character + prev.length) continue;
    res.push(t);
  }
  return res;
}
