import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../src/syntax/parse.js';
import { lex } from '../../src/syntax/lex.js';
import { CAMPUS, KITCHEN_SINK } from './samples.js';
import { assertRangesValid } from './check-ranges.js';

const VOCAB = [
  'network',
  'switch',
  'dpid',
  'port',
  'speed',
  'link',
  'capacity',
  'slice',
  'owner',
  'controller',
  'overlay',
  'vlan',
  'mpls',
  'auto',
  'flowspace',
  'match',
  'on',
  'permit',
  'read',
  'write',
  'priority',
  'qos',
  'guarantee',
  'cap',
  'class',
  'min',
  'max',
  'limits',
  'flow_entries',
  'control_rate',
  'packet_in_rate',
  'all',
  's1',
  'x',
  '{',
  '}',
  ':',
  ',',
  '<->',
  '..',
  '*',
  '1',
  '0x1f',
  '1Gbps',
  '5/s',
  '"str"',
  '"open',
  '10.0.0.0/8',
  'aa:bb:cc:dd:ee:ff',
  '::1',
  '00:00:00:00:00:00:00:01',
  '// c\n',
  '/* b */',
  '/*',
  '\n',
  ' ',
  '@',
  '\u0000',
];

function check(text: string): void {
  const f = parse(text, 'fuzz');
  assert.equal(f.kind, 'File');
  assert.equal(f.text, text);
  assertRangesValid(f);
  for (const e of f.errors) assert.equal(e.code, 'SL001');
  const toks = lex(text);
  for (const t of toks) assert.ok(t.range.start.offset >= 0 && t.range.end.offset <= text.length);
}

/** Tokens of a valid file, separated so that mutations act on whole tokens. */
function tokensOf(text: string): string[] {
  return lex(text).map((t) => (t.text.startsWith('//') ? `${t.text}\n` : t.text));
}

test('random strings never throw and give well-formed trees', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 300 });
});

test('random token soup never throws', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...VOCAB), { maxLength: 200 }), (toks) => check(toks.join(' '))),
    { numRuns: 300 },
  );
});

test('mutated valid files (delete / insert / swap tokens) never throw', () => {
  const bases = [CAMPUS, KITCHEN_SINK].map(tokensOf);
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), tok: fc.constantFrom(...VOCAB) }),
    fc.record({ op: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.constantFrom(0, 1), fc.array(mutation, { minLength: 1, maxLength: 8 }), (which, muts) => {
      const toks = [...bases[which]!];
      for (const m of muts) {
        const i = m.at % Math.max(1, toks.length);
        if (m.op === 'delete') toks.splice(i, 1);
        else if (m.op === 'insert') toks.splice(i, 0, m.tok);
        else {
          const j = m.other % Math.max(1, toks.length);
          [toks[i], toks[j]] = [toks[j]!, toks[i]!];
        }
      }
      check(toks.join(' '));
    }),
    { numRuns: 300 },
  );
});

test('a single deleted token in a valid file gives errors but keeps later top-level blocks', () => {
  const toks = tokensOf(CAMPUS);
  // delete each token of the first slice's flowspace in turn: the production slice must survive
  const start = toks.indexOf('flowspace');
  for (let i = start; i < start + 40; i++) {
    const mutated = [...toks.slice(0, i), ...toks.slice(i + 1)].join(' ');
    const f = parse(mutated, 'm');
    assert.ok(
      f.items.some((it) => it.kind === 'Slice' && it.name?.name === 'production'),
      `deleting token ${i} '${toks[i]}' lost slice production`,
    );
  }
});
