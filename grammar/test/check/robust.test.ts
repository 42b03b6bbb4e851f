// The checker and compiler never throw: random mutations of the samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { checkWorkspace, compile, parse, serializePlan } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../../samples/', import.meta.url));
const seeds = ['lab/lab.slice', 'broken/broken.slice', 'campus/network.slice', 'campus/tenants/staff.slice'].map((p) =>
  readFileSync(root + p, 'utf8'),
);
const pieces = [
  '{',
  '}',
  ':',
  '..',
  '<->',
  ',',
  ' s1',
  ' s9',
  ' 0x',
  ' 99999999999999999999',
  ' all',
  ' match',
  ' on',
  ' permit',
  ' 10.0.0.0/33',
  ' ::/129',
  ' tcp_dst',
  ' -1',
  ' 1.5Gbps',
  ' 0bps',
  ' "tcp:',
  '\n',
  ' slice',
  ' network x',
  ' overlay mpls',
  ' guarantee',
];

test('property: mutated inputs never make the checker or compiler throw', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 6 }),
      (which, edits) => {
        let text = seeds[which];
        for (const [at, del, ins] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + ins + text.slice(i + del);
        }
        const files = [parse(text, 'm.slice'), parse(seeds[2], 'n.slice')];
        const { diagnostics } = checkWorkspace(files);
        for (const d of diagnostics) assert.ok(d.code.startsWith('SL') && d.range.start.offset <= d.range.end.offset);
        const r = compile(files);
        if (r.plan) assert.equal(typeof serializePlan(r.plan), 'string');
      },
    ),
    { numRuns: 300 },
  );
});
