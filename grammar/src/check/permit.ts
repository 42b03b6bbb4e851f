// SL201 for a `permit` with no permission word after it (`… on s1 permit` or
// `… permit priority 5`). The parser keeps such a rule with `permissions: []`; the syntax
// tree has no range for the keyword, so it is found in the text after the rule's last
// location (outside comments). Not reported when a syntax error already covers the spot.
import type { Diagnostic } from '../api.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../syntax/positions.js';
import type { FlowRule, Range, SourceFile } from '../syntax/ast.js';

const WORD_CHAR = /[A-Za-z0-9_-]/;

/** The first whole word `permit` in [from, to) that is not inside a comment; its start offset. */
function findPermit(file: SourceFile, from: number, to: number): number | undefined {
  const text = file.text;
  for (let i = text.indexOf('permit', from); i >= 0 && i + 6 <= to; i = text.indexOf('permit', i + 1)) {
    if (i > 0 && WORD_CHAR.test(text[i - 1])) continue;
    if (i + 6 < text.length && WORD_CHAR.test(text[i + 6])) continue;
    if (file.comments.some((c) => c.range.start.offset <= i && i < c.range.end.offset)) continue;
    return i;
  }
  return undefined;
}

/** Where the rule's `permit` clause may start: after its last location, match field or name. */
function searchStart(rule: FlowRule): number {
  const last = rule.locations?.at(-1) ?? rule.match.at(-1) ?? rule.name;
  return last ? last.range.end.offset : rule.range.start.offset;
}

/** The offset where the next token after `offset` starts (whitespace skipped). */
function nextTokenStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

export function checkEmptyPermit(file: SourceFile, rule: FlowRule): Diagnostic | undefined {
  if (!rule.permissions || rule.permissions.length > 0) return undefined;
  const from = searchStart(rule);
  const at = findPermit(file, from, rule.range.end.offset);
  const start = at ?? rule.range.start.offset;
  const end = at !== undefined ? at + 6 : rule.range.end.offset;
  // A syntax error at the keyword or at the token right after it (`permit bogus`) says it already.
  const upTo = nextTokenStart(file.text, Math.max(end, rule.range.end.offset));
  if (file.errors.some((e) => e.range.start.offset >= start && e.range.start.offset <= upTo)) return undefined;
  const range: Range = new LineIndex(file.text).range(start, end);
  const name = rule.name?.name ?? '?';
  return diagnostic(
    file.path,
    range,
    'error',
    'SL201',
    `permit needs read, write or delegate (rule '${name}'); without \`permit\` a rule has read write`,
    [],
    { rule: name, permissions: ['read', 'write', 'delegate'] },
  );
}
