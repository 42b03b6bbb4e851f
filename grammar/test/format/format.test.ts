import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { format, formatRange, formatResult } from '../../src/format/format.js';
import { parse } from '../../src/syntax/parse.js';
import { lex } from '../../src/syntax/lex.js';
import { CAMPUS, KITCHEN_SINK } from '../syntax/samples.js';
import { shape } from '../syntax/walk.js';

const COMMENTED = `network n { // after brace
  /* own line */ switch s1 dpid 1 /* inline */ { port 1 // trailing
  port 2 /* trailing block */
  }


  // before link


  link s1:1 /* mid */ <-> s1 : 2 // end
  link s1:3 <-> // broken
    s1:4
} // after close
/* eof
   multi */
slice s { flowspace { r: match /* c */ tcp_dst 1 .. 3 on s1 } qos { class c { match ip_proto tcp // x
 min 1Mbps } } }
// last
`;

const SAMPLES = [CAMPUS, KITCHEN_SINK, COMMENTED, '', '// only\n', 'slice a {}', 'network n { switch s dpid 1 {} }'];

/** Tree shape with whitespace-insensitive literal texts (`1 .. 3` and `1..3` are the same value). */
function meaning(text: string): unknown {
  return JSON.parse(
    JSON.stringify(shape(parse(text, 't')), (k, v: unknown) =>
      k === 'text' && typeof v === 'string' && !v.startsWith('/') ? v.replace(/\s+/g, '') : v,
    ),
  );
}

function commentTexts(text: string): string[] {
  return parse(text, 't').comments.map((c) => c.text);
}

test('the language page example formats to the canonical layout', () => {
  const out = format(CAMPUS);
  assert.ok(out.includes('  switch s2 dpid 2 {\n    port 1..4 speed 10Gbps\n  }\n'));
  assert.ok(out.includes('\n  link s1:3 <-> s2:3 capacity 1Gbps\n'));
  assert.ok(out.includes('\n    class video { match udp_dst 5004..5010 min 50Mbps max 100Mbps priority 6 }\n'));
  assert.ok(out.includes('}\n\nslice research {\n  owner'));
  assert.ok(out.startsWith('// campus.slice: two tenants on a three-switch line\nnetwork campus {\n'));
  assert.ok(out.endsWith('  qos {\n    guarantee 700Mbps on s1:3 <-> s2:3\n  }\n}\n'));
});

test('canonical spacing and literal spellings kept', () => {
  const out = format(
    'network  n{switch s1 dpid 0x0A{port 1..2   "a\\"b"  speed 2.50Mbps}\nlink s1 : 1<->s1:2}\nslice t{limits{control_rate 5/s}}',
  );
  assert.equal(
    out,
    'network n {\n  switch s1 dpid 0x0A {\n    port 1..2 "a\\"b" speed 2.50Mbps\n  }\n  link s1:1 <-> s1:2\n}\n\nslice t {\n  limits {\n    control_rate 5/s\n  }\n}\n',
  );
});

test('comments stay in place', () => {
  const out = format(COMMENTED);
  assert.equal(
    out,
    `network n { // after brace
  /* own line */
  switch s1 dpid 1 /* inline */ {
    port 1 // trailing
    port 2 /* trailing block */
  }

  // before link

  link s1:1 /* mid */ <-> s1:2 // end
  link s1:3 <-> // broken
    s1:4
} // after close

/* eof
   multi */
slice s {
  flowspace {
    r: match /* c */ tcp_dst 1..3 on s1
  }
  qos {
    class c { match ip_proto tcp // x
      min 1Mbps }
  }
}

// last
`,
  );
});

for (const [i, sample] of SAMPLES.entries()) {
  test(`sample ${i}: idempotent, comments kept, same meaning`, () => {
    const once = format(sample);
    assert.equal(format(once), once);
    assert.deepEqual(commentTexts(once), commentTexts(sample));
    assert.deepEqual(meaning(once), meaning(sample));
    assert.deepEqual(parse(once, 't').errors, []);
  });
}

test('text with syntax errors is returned unchanged', () => {
  const bad = 'slice a {\n  owner 42\n}\n';
  const r = formatResult(bad);
  assert.equal(r.text, bad);
  assert.equal(r.changed, false);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'SL001');
  assert.equal(format(bad), bad);
  assert.deepEqual(formatRange(bad, 0, bad.length), []);
});

test('formatResult reports whether anything changed', () => {
  const canonical = format(CAMPUS);
  assert.deepEqual(formatResult(canonical), { text: canonical, changed: false, errors: [] });
  assert.equal(formatResult(CAMPUS).changed, true);
});

test('CRLF files stay CRLF', () => {
  const out = format('slice a { owner "x" }\r\n');
  assert.equal(out, 'slice a {\r\n  owner "x"\r\n}\r\n');
});

test('formatRange edits only the top-level blocks touching the range', () => {
  const text = 'network n { switch s1 dpid 1 }\nslice a { owner "x" }\nslice b { owner "y" }\n';
  const at = text.indexOf('owner "x"');
  const edits = formatRange(text, at, at + 3);
  assert.equal(edits.length, 1);
  assert.equal(edits[0]!.newText, 'slice a {\n  owner "x"\n}');
  assert.equal(text.slice(edits[0]!.range.start.offset, edits[0]!.range.end.offset), 'slice a { owner "x" }');
  assert.deepEqual(edits[0]!.range.start, { line: 1, character: 0, offset: 31 });
  const all = formatRange(text, 0, text.length);
  assert.equal(all.length, 3);
  assert.deepEqual(formatRange(format(text), 0, text.length), []);
});

// ---------------------------------------------------------------- fuzzed valid files

const WS = fc.constantFrom(' ', '  ', '\n', '\n\n', '\t', ' \n  ', '\n\n\n');
const COMMENT = fc.constantFrom('// c1\n', '/* c2 */', '/* multi\n line */', '//\n', '/**/');

/** A valid file re-spaced at random, with random comments between tokens. */
function respaced(base: string): fc.Arbitrary<string> {
  const toks = lex(base)
    .filter((t) => t.class !== 'comment')
    .map((t) => t.text);
  return fc
    .array(fc.tuple(WS, fc.option(COMMENT, { freq: 6 })), { minLength: toks.length + 1, maxLength: toks.length + 1 })
    .map((seps) => toks.map((t, i) => `${seps[i]![0]}${seps[i]![1] ?? ''}${seps[i]![1] ? ' ' : ''}${t}`).join('') + seps[toks.length]![0]);
}

const IDENT = fc.constantFrom('s1', 's2', 'port', 'all', 'x-y', 'a_b');
const FIELD = fc.constantFrom(
  'ip_src 10.0.0.0/8',
  'tcp_dst 80',
  'udp_src 1..9',
  'eth_type arp',
  'eth_src aa:bb:cc:dd:ee:ff',
  'ipv6_dst ::1',
);
const LOC = fc.constantFrom('s1', 's1:1', 's2:1..3', 'port:*', 'all');
const rule = fc
  .tuple(
    IDENT,
    fc.array(FIELD, { maxLength: 3 }),
    fc.array(LOC, { minLength: 1, maxLength: 3 }),
    fc.option(fc.constantFrom('permit read', 'permit read write', 'permit')),
    fc.option(fc.nat(65535)),
  )
  .map(([n, f, l, p, pr]) => `${n}: match ${f.join(' ')} on ${l.join(', ')}${p ? ` ${p}` : ''}${pr !== null ? ` priority ${pr}` : ''}`);
const sliceStmt = fc.oneof(
  fc.constant('owner "o@x"'),
  fc.constant('controller "tcp:127.0.0.1:1", "tcp:127.0.0.1:2"'),
  fc.constantFrom('overlay vlan 7', 'overlay mpls 100', 'overlay auto'),
  fc.array(rule, { maxLength: 4 }).map((rs) => `flowspace { ${rs.join('\n')} }`),
  fc.constant(
    'qos { guarantee 1Mbps on s1:1 <-> s2:1, s2:2 <-> s3:1 cap 2Gbps class k { match tcp_dst 1 min 1bps max 2Kbps priority 3 } }',
  ),
  fc.constant('limits { flow_entries 5 on s1 control_rate 5/s packet_in_rate 1/s }'),
);
const sliceDecl = fc.tuple(IDENT, fc.array(sliceStmt, { maxLength: 5 })).map(([n, st]) => `slice ${n} { ${st.join('\n')} }`);
const networkDecl = fc
  .array(
    fc.constantFrom(
      'switch s1 dpid 1',
      'switch s2 dpid 0x2 { port 1..4 speed 1Gbps }',
      'switch s3 dpid 00:00:00:00:00:00:00:03 {}',
      'link s1:1 <-> s2:1 capacity 1Gbps',
      'link s2:2<->s3:1',
    ),
    { maxLength: 5 },
  )
  .map((ms) => `network n { ${ms.join(' ')} }`);
const generated = fc.array(fc.oneof(sliceDecl, networkDecl), { maxLength: 4 }).map((items) => items.join('\n'));

function checkFormatting(text: string): void {
  assert.deepEqual(parse(text, 't').errors, [], text);
  const once = format(text);
  assert.equal(format(once), once, `not idempotent for:\n${text}\n---\n${once}`);
  assert.deepEqual(commentTexts(once), commentTexts(text));
  assert.deepEqual(meaning(once), meaning(text));
}

test('fuzz: re-spaced and commented samples format idempotently with comments and meaning kept', () => {
  fc.assert(fc.property(fc.oneof(respaced(CAMPUS), respaced(KITCHEN_SINK)), checkFormatting), { numRuns: 150 });
});

test('fuzz: generated valid files format idempotently with meaning kept', () => {
  fc.assert(
    fc.property(
      generated.chain((g) => fc.oneof(fc.constant(g), respaced(g))),
      checkFormatting,
    ),
    { numRuns: 200 },
  );
});
