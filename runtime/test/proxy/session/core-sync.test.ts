// The managed core on one session against a fake switch (core-sync.ts): an edge's virtual-port
// group is written with the plan and modified when the path's edge port changes (1.3); on 1.0 (no
// groups) the tenant's rules that output to the virtual port are written again with the new port;
// the slice's controller hears its virtual port go down and come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP10, OFP13, type OfVersion } from '../../../src/proxy/messages.js';
import { OFPFC } from '../../../src/openflow/constants.js';
import { connectSession, flowMod } from './fake.js';
import { corePlan } from '../core-fixtures.js';

const V = 0xfe00;
const E1 = '0000000000000001';

/** The sample's plan, with the backup path leaving e1 by port 5 (so a path change moves the edge port). */
function rig(version: OfVersion) {
  const plan = corePlan([{ name: 'red', controllerPort: 1, vlan: 101, linkTag: 201, hostPort: 1 }]);
  const link = plan.slices[0]!.virtualLinks![0]!;
  const side = {
    id: 'e1:5<->c1:4',
    a: { switch: 'e1', dpid: E1, port: 5 },
    b: { switch: 'c1', dpid: '0000000000000011', port: 4 },
    capacityBps: 1e9,
  };
  plan.network.links.push(side);
  const backup = link.paths[1]!;
  link.paths = [link.paths[0]!, { ...backup, aPort: 5, links: [side.id, ...backup.links.slice(1)] }];
  const r = connectSession(plan, { version, dpid: 1n, ports: [1, 2, 5] });
  r.channel.answerBarriers();
  const red = r.host.tenants.get('red')!;
  red.ready(version);
  return { ...r, red, core: r.views!.core };
}

test('1.0 edge: a path change that moves the edge port writes the rules that output to the virtual port again', () => {
  const { channel, red, core, session } = rig(OFP10);
  red.sendToProxy(
    flowMod({
      xid: 1,
      match: { in_port: { value: 1n } },
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: V, maxLen: 0 }] }],
    }),
  );
  red.sendToProxy(flowMod({ xid: 2, match: { in_port: { value: 1n }, eth_dst: { value: 0x020000000001n } } }));
  const out = (m: { instructions: Array<{ type: string; actions?: Array<{ type: string; port?: number }> }> }) =>
    m.instructions.flatMap((i) => i.actions ?? []).find((a) => a.type === 'output')?.port;
  assert.equal(out(channel.last('flow_mod')), 1);
  const added = channel.of('flow_mod').filter((m) => m.command === OFPFC.ADD && m.priority > 15 && m.priority < 65520);
  assert.deepEqual(added.map(out), [2, 1], 'output to the virtual port is the path port 2');
  const before = channel.of('flow_mod').length;
  core.portChanged(E1, 2, false); // the preferred path's edge port goes down: the backup leaves by 5
  session.syncCore();
  const again = channel.of('flow_mod').slice(before);
  assert.deepEqual(
    again.map((m) => [m.command, out(m)]),
    [[OFPFC.MODIFY_STRICT, 5]],
    'only the rule that outputs to the virtual port, now to port 5',
  );
  assert.equal(again[0]!.cookie, added[0]!.cookie, 'under its own cookie');
});

test('1.3 edge: the virtual port group follows the path; with no path the tenant sees its virtual port down, then up', () => {
  const { channel, red, core, session } = rig(OFP13);
  const groups = () => channel.raw.filter((b) => b[1] === 15);
  assert.equal(groups().length, 1, 'the group is added with the plan');
  core.portChanged(E1, 2, false);
  session.syncCore();
  assert.equal(groups().length, 2, 'modified to the backup port');
  assert.equal(groups()[1]!.readUInt16BE(8), 1, 'OFPGC_MODIFY');
  core.portChanged(E1, 5, false);
  session.syncCore();
  const down = red.of('port_status').at(-1)!;
  assert.deepEqual([down.port.portNo, down.port.state & 1, down.port.name], [V, 1, 'vl-e2']);
  core.portChanged(E1, 2, true);
  session.syncCore();
  assert.equal(red.of('port_status').at(-1)!.port.state & 1, 0);
  assert.equal(red.of('port_status').length, 2);
});
