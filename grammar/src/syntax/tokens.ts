// The token types of the slice language and the (single, reused) Chevrotain lexer.
//
// Ambiguities between `s1:3`, MACs, dpids and IPv6 are settled lexically:
// a run of hex groups with at least two colons (or a `::`) is one HexColon
// token (`aa:bb:cc:dd:ee:ff`, `00:00:00:00:00:00:00:01`, `2001:db8::/32`, `::1`);
// `s1:3` has a single colon and lexes as Identifier, Colon, Number. The parser
// decides from context (dpid position, field name) what a HexColon means, and
// malformed ones (5 pairs, 9 pairs, bad prefix) stay tokens so the checker can
// report SL201 with a range.
//
// Keywords are "soft": each keyword token has the Identifier category, so a
// switch may be called `port` or `all` wherever a name is expected.
import { createToken, Lexer, type ILexingResult, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_-]*/, label: 'a name' });

function keyword(word: string): TokenType {
  return createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Identifier],
    label: `'${word}'`,
  });
}

export const Network = keyword('network');
export const Switch = keyword('switch');
export const Dpid = keyword('dpid');
export const Ovsdb = keyword('ovsdb');
export const Port = keyword('port');
export const Speed = keyword('speed');
export const Link = keyword('link');
export const Capacity = keyword('capacity');
export const Core = keyword('core');
export const Slice = keyword('slice');
export const Owner = keyword('owner');
export const Controller = keyword('controller');
export const Overlay = keyword('overlay');
export const Vlan = keyword('vlan');
export const Mpls = keyword('mpls');
export const Auto = keyword('auto');
export const Flowspace = keyword('flowspace');
export const Match = keyword('match');
export const On = keyword('on');
export const Permit = keyword('permit');
export const Read = keyword('read');
export const Write = keyword('write');
export const Delegate = keyword('delegate');
export const Priority = keyword('priority');
export const Qos = keyword('qos');
export const Guarantee = keyword('guarantee');
export const Cap = keyword('cap');
export const Class = keyword('class');
export const Min = keyword('min');
export const Max = keyword('max');
export const Limits = keyword('limits');
export const FlowEntries = keyword('flow_entries');
export const ControlRate = keyword('control_rate');
export const PacketInRate = keyword('packet_in_rate');
export const Grant = keyword('grant');
export const Under = keyword('under');
export const Ports = keyword('ports');
export const Bandwidth = keyword('bandwidth');
export const Slices = keyword('slices');
export const Controllers = keyword('controllers');

export const keywordTokens: TokenType[] = [
  Network,
  Switch,
  Dpid,
  Ovsdb,
  Port,
  Speed,
  Link,
  Capacity,
  Core,
  Slice,
  Owner,
  Controller,
  Overlay,
  Vlan,
  Mpls,
  Auto,
  Flowspace,
  Match,
  On,
  Permit,
  Read,
  Write,
  Delegate,
  Priority,
  Qos,
  Guarantee,
  Cap,
  Class,
  Min,
  Max,
  Limits,
  FlowEntries,
  ControlRate,
  PacketInRate,
  Grant,
  Under,
  Ports,
  Bandwidth,
  Slices,
  Controllers,
];

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff\u2028\u2029]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments' });
/** Also matches an unclosed comment up to the end of the text (reported by the parser). */
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchBlockComment },
  start_chars_hint: ['/'],
  group: 'comments',
  line_breaks: true,
});

function matchBlockComment(text: string, offset: number): RegExpExecArray | null {
  if (text.charCodeAt(offset) !== 0x2f || text.charCodeAt(offset + 1) !== 0x2a) return null;
  const close = text.indexOf('*/', offset + 2);
  const end = close < 0 ? text.length : close + 2;
  const result = [text.slice(offset, end)] as unknown as RegExpExecArray;
  return result;
}
/** Also matches an unclosed string up to the end of its line (reported by the parser). */
export const StringLiteral = createToken({ name: 'String', pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"?/, label: 'a string' });

/** Colon-separated hex groups with at least two colons: MAC, dpid, IPv6 (with optional /prefix). */
export const HexColon = createToken({
  name: 'HexColon',
  pattern: /(?:[0-9A-Fa-f]*:){2,}(?:[0-9]+(?:\.[0-9]+){3}|[0-9A-Fa-f]*)(?:\/[0-9]*)?(?![A-Za-z0-9_])/,
  label: 'an address',
});
/** Dotted decimal with optional prefix; also malformed ones (`10.0.0`, `10.0.0.0/33`). */
export const Ipv4 = createToken({ name: 'Ipv4', pattern: /[0-9]+(?:\.[0-9]+){2,}(?:\/[0-9]*)?/, label: 'an IPv4 address' });
/** `100/s`. */
export const MessageRate = createToken({
  name: 'MessageRate',
  pattern: /[0-9]+(?:\.[0-9]+)?\/s(?![A-Za-z0-9_])/,
  label: 'a message rate (N/s)',
});
/** A number with a unit suffix: `1Gbps`, `2.5Mbps`; unknown units (`5Xbps`) lex too and are malformed. */
export const Rate = createToken({ name: 'Rate', pattern: /[0-9]+(?:\.[0-9]+)?[A-Za-z_][A-Za-z0-9_]*/, label: 'a rate (e.g. 1Gbps)' });
export const NumberLiteral = createToken({
  name: 'Number',
  pattern: /0[xX][0-9A-Fa-f]+|[0-9]+(?:\.[0-9]+)?/,
  longer_alt: [Rate, MessageRate],
  label: 'a number',
});

export const Arrow = createToken({ name: 'Arrow', pattern: /<->/, label: "'<->'" });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: "'..'" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });

/** Every token type the parser knows (keywords included). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLiteral,
  HexColon,
  Ipv4,
  NumberLiteral,
  MessageRate,
  Rate,
  Arrow,
  DotDot,
  Colon,
  Comma,
  Star,
  LCurly,
  RCurly,
  ...keywordTokens,
  Identifier,
];

/**
 * What the lexer matches: keywords are not patterns of their own (32 patterns
 * tried at every word); a word lexes as an Identifier and `tokenize` turns the
 * exact keyword spellings into keyword tokens (a longer word stays a name).
 */
const lexerTokens: TokenType[] = allTokens.filter((t) => !keywordTokens.includes(t));

const KEYWORD_BY_WORD = new Map<string, TokenType>(keywordTokens.map((k) => [(k.PATTERN as RegExp).source, k]));

/** Built once; Chevrotain lexers are reusable and stateless between calls. */
export const sliceLexer = new Lexer(lexerTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: false,
  skipValidations: false,
});

/**
 * Lexes a text: tokens (keywords classified, each with its inclusive `endOffset`,
 * which Chevrotain's node location tracking reads), comments and errors. Never throws.
 */
export function tokenize(text: string): ILexingResult {
  const result = sliceLexer.tokenize(text);
  const toks = result.tokens;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.tokenType === Identifier) {
      const kw = KEYWORD_BY_WORD.get(t.image);
      if (kw !== undefined) {
        t.tokenType = kw;
        t.tokenTypeIdx = kw.tokenTypeIdx!;
      }
    }
    t.endOffset = t.startOffset + t.image.length - 1;
  }
  return result;
}
