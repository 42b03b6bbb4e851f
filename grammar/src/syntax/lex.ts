// lex(text): the token stream with a highlighting class per token (for LSP semantic tokens).
import type { TokenType } from 'chevrotain';
import type { Range } from './ast.js';
import { LineIndex } from './positions.js';
import * as T from './tokens.js';

export type TokenClass =
  | 'keyword'
  | 'identifier'
  | 'number'
  | 'rate'
  | 'messageRate'
  | 'string'
  | 'comment'
  | 'mac'
  | 'ipv4'
  | 'ipv6'
  | 'dpid'
  | 'operator'
  | 'punctuation'
  | 'invalid';

export interface LexToken {
  class: TokenClass;
  /** The token type's name in the grammar (e.g. `Kw_port`, `HexColon`). */
  type: string;
  text: string;
  range: Range;
}

const CLASS_OF = new Map<TokenType, TokenClass>([
  [T.Identifier, 'identifier'],
  [T.NumberLiteral, 'number'],
  [T.Rate, 'rate'],
  [T.MessageRate, 'messageRate'],
  [T.StringLiteral, 'string'],
  [T.LineComment, 'comment'],
  [T.BlockComment, 'comment'],
  [T.Ipv4, 'ipv4'],
  [T.Arrow, 'operator'],
  [T.DotDot, 'operator'],
  [T.Star, 'operator'],
  [T.Colon, 'punctuation'],
  [T.Comma, 'punctuation'],
  [T.LCurly, 'punctuation'],
  [T.RCurly, 'punctuation'],
  ...T.keywordTokens.map((k): [TokenType, TokenClass] => [k, 'keyword']),
]);

/** A HexColon token by shape: 8 pairs → dpid, 6 pairs → MAC, otherwise IPv6. */
function hexColonClass(text: string): TokenClass {
  if (/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}$/.test(text)) return 'dpid';
  if (/^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}$/.test(text)) return 'mac';
  return 'ipv6';
}

/** Every token and comment in source order; unlexable characters come out as `invalid`. Never throws. */
export function lex(text: string): LexToken[] {
  const index = new LineIndex(text);
  const result = T.tokenize(text);
  const out: LexToken[] = [];
  for (const t of [...result.tokens, ...(result.groups['comments'] ?? [])]) {
    const cls = t.tokenType === T.HexColon ? hexColonClass(t.image) : (CLASS_OF.get(t.tokenType) ?? 'invalid');
    out.push({ class: cls, type: t.tokenType.name, text: t.image, range: index.range(t.startOffset, t.startOffset + t.image.length) });
  }
  for (const e of result.errors) {
    out.push({
      class: 'invalid',
      type: 'Invalid',
      text: text.slice(e.offset, e.offset + e.length),
      range: index.range(e.offset, e.offset + e.length),
    });
  }
  return out.sort((a, b) => a.range.start.offset - b.range.start.offset);
}
