// The DFVisor view's per-slice control counters (slice-control-counters.ts): the summary, the
// tooltip and the leaves for refused messages by reason, rate-limit drops and dropped packet-ins.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { anyHeldBack, controlLeaves, controlSummary, controlTooltip, refusedTotal } from '../src/views/slice-control-counters.js';

const counters = {
  packetInsDropped: 7,
  controlRateDrops: 2,
  flowModsRejected: 4,
  packetOutsRejected: 1,
  refused: [
    { message: 'packet_out', reason: 'bad_port', count: 1 },
    { message: 'flow_mod', reason: 'eperm_flow', count: 3 },
    { message: 'flow_mod', reason: 'table_full', count: 1 },
  ],
};
const quiet = { packetInsDropped: 0, controlRateDrops: 0, flowModsRejected: 0, packetOutsRejected: 0, refused: [] };

test('the summary counts refusals over all reasons, rate drops and dropped packet-ins', () => {
  assert.equal(refusedTotal(counters), 5);
  assert.equal(controlSummary(counters), '5 refused · 2 rate drops · 7 packet-ins dropped');
  assert.equal(controlSummary(quiet), '0 refused · 0 rate drops · 0 packet-ins dropped');
  assert.equal(anyHeldBack(counters), true);
  assert.equal(anyHeldBack(quiet), false);
  assert.equal(anyHeldBack({ ...quiet, packetInsDropped: 1 }), true);
});

test('the leaves give each counter, then each refusal by message and reason, most first', () => {
  const leaves = controlLeaves(counters);
  assert.deepEqual(
    leaves.map((l) => [l.label, l.description]),
    [
      ['packet-ins dropped', '7'],
      ['control rate drops', '2'],
      ['flow-mods rejected', '4'],
      ['packet-outs rejected', '1'],
      ['refused flow_mod', 'eperm_flow · 3'],
      ['refused flow_mod', 'table_full · 1'],
      ['refused packet_out', 'bad_port · 1'],
    ],
  );
  assert.equal(leaves[4]!.tooltip, '3 flow_mod messages refused with eperm_flow');
  assert.equal(leaves[6]!.tooltip, '1 packet_out message refused with bad_port');
  assert.equal(counters.refused[0]!.message, 'packet_out', 'the input is not reordered');
  assert.equal(controlLeaves(quiet).length, 4, 'no refusal leaves without refusals');
});

test('the tooltip lists the counters and the refusals by reason', () => {
  assert.equal(
    controlTooltip(counters),
    [
      'packet-ins dropped: 7',
      'control rate drops: 2',
      'flow-mods rejected: 4',
      'packet-outs rejected: 1',
      '',
      '**refused by reason**',
      'flow_mod · eperm_flow: 3',
      'flow_mod · table_full: 1',
      'packet_out · bad_port: 1',
    ].join('  \n'),
  );
  assert.ok(!controlTooltip(quiet).includes('refused by reason'));
});
