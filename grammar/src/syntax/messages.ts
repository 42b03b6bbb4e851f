// SL001 messages: "expected X, found 'y'", phrased in the language's terms.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';

/** What else may stand where a closing brace was expected, per grammar rule. */
const BLOCK_CONTENT: Record<string, string> = {
  file: "'network' or 'slice'",
  network: 'a switch, link or core line',
  switchBody: 'a port line',
  slice: 'a slice statement (owner, controller, overlay, flowspace, qos, limits)',
  flowspaceBlock: 'a rule (NAME: match …)',
  qosBlock: 'guarantee, cap or class',
  classDecl: 'min, max or priority',
  limitsBlock: 'flow_entries, control_rate or packet_in_rate',
};

/** How a token is shown in "found …". */
export function describeFound(token: IToken | undefined): string {
  if (token === undefined || token.tokenType === EOF) return 'end of file';
  return `'${shorten(token.image)}'`;
}

export function shorten(image: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this escapes
  const oneLine = image.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return oneLine.length > 24 ? `${oneLine.slice(0, 23)}…` : oneLine;
}

export function describeExpected(type: TokenType): string {
  if (type === EOF) return 'end of file';
  return type.LABEL ?? `'${type.name}'`;
}

function joinAlternatives(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function mismatch(expected: TokenType, actual: IToken, ruleName: string): string {
  let what = describeExpected(expected);
  if (expected === EOF && ruleName === 'file') what = BLOCK_CONTENT['file']!;
  else if (what === "'}'" && BLOCK_CONTENT[ruleName] !== undefined) what = `'}' or ${BLOCK_CONTENT[ruleName]}`;
  return `expected ${what}, found ${describeFound(actual)}`;
}

export const sliceErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    return mismatch(expected, actual, ruleName);
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected 'network' or 'slice', found ${describeFound(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription }) {
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => (path[0] ? describeExpected(path[0]) : '')));
    const what = customUserDescription ?? joinAlternatives(firsts.filter((s) => s !== ''));
    return `expected ${what}, found ${describeFound(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription }) {
    const firsts = expectedIterationPaths.map((path) => (path[0] ? describeExpected(path[0]) : ''));
    const what = customUserDescription ?? joinAlternatives(firsts.filter((s) => s !== ''));
    return `expected at least one ${what}, found ${describeFound(actual[0])}`;
  },
};
