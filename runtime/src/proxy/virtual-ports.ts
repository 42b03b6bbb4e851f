// A slice's virtual ports on an edge switch (docs/dataplane.md, "Managed core"): the port numbers
// its controller sees for the virtual links across the managed core, and what each stands for on
// the switch — the virtual link's overlay tag, the physical ports toward its paths (where its
// frames arrive), the group its outputs go through (OpenFlow 1.3) and the port the tenant is
// shown. Pure functions over the plan and the core state: no I/O.
import { VIRTUAL_PORT_BASE, type PlanSlice, type PlanSliceSwitchView } from '@dfvisor/grammar';
import type { CoreState } from '../dataplane/core-paths.js';
import type { Port } from './messages.js';

/** The reserved range starts here (1.0's OFPP_MAX): virtual ports lie in [VIRTUAL_PORT_BASE, this). */
const VIRTUAL_PORT_END = 0xff00;

export interface VirtualPortView {
  /** The port number the tenant sees. */
  number: number;
  /** The virtual link's id ("s1<->s3") and its position in the slice's virtualLinks. */
  link: string;
  index: number;
  /** Which end of the virtual link this switch is. */
  end: 'a' | 'b';
  /** The far end's switch name (the port is named `vl-<peer>`). */
  peer: string;
  /** The overlay tag the virtual link's frames carry in the core. */
  tag: number;
  /** bit/s reserved (the port's advertised speed; 0: none). */
  bps: number;
  /** Physical ports of this switch toward any admitted path (frames of the link arrive there). */
  ingress: number[];
}

export function isVirtualPortNumber(p: number): boolean {
  return p >= VIRTUAL_PORT_BASE && p < VIRTUAL_PORT_END;
}

/** The slice's virtual ports on one switch of its view, from the plan (empty when none). */
export function virtualPortsOf(slice: PlanSlice, view: PlanSliceSwitchView): VirtualPortView[] {
  const out: VirtualPortView[] = [];
  const links = slice.virtualLinks ?? [];
  for (const vp of view.virtualPorts ?? []) {
    const index = links.findIndex((l) => l.id === vp.link);
    const link = links[index];
    if (!link) continue;
    const end = link.a.dpid === view.dpid && link.a.port === vp.number ? 'a' : 'b';
    const ingress = [...new Set(link.paths.map((p) => (end === 'a' ? p.aPort : p.bPort)))].sort((x, y) => x - y);
    out.push({
      number: vp.number,
      link: link.id,
      index,
      end,
      peer: end === 'a' ? link.b.switch : link.a.switch,
      tag: link.tag,
      bps: link.bps,
      ingress,
    });
  }
  return out.sort((x, y) => x.number - y.number);
}

/** The virtual port `p` of a list, if it is one. */
export function virtualPortAt(ports: readonly VirtualPortView[], p: number): VirtualPortView | undefined {
  if (ports.length === 0 || !isVirtualPortNumber(p)) return undefined;
  for (const v of ports) if (v.number === p) return v;
  return undefined;
}

/** The physical port of this switch toward the virtual link's path in use, or null (no path up). */
export function activeEdgePort(core: CoreState, slice: string, vp: VirtualPortView): number | null {
  const path = core.activePath(slice, vp.link);
  if (!path) return null;
  return vp.end === 'a' ? path.aPort : path.bPort;
}

/**
 * The OpenFlow 1.3 group a virtual port's outputs go through (one level of indirection: failover
 * changes the group's bucket, not the tenant's rules): (slice id + 1) << 8 | the port's offset.
 */
export function virtualGroupId(sliceIndex: number, vp: VirtualPortView): number {
  return (((sliceIndex + 1) << 8) | (vp.number - VIRTUAL_PORT_BASE)) >>> 0;
}

/** OFPPC_PORT_DOWN / OFPPS_LINK_DOWN (1.0 and 1.3); OFPPS_LIVE (1.3). */
const PORT_DOWN = 1;
const LINK_DOWN = 1;
const LIVE = 4;

/** The port the tenant is shown for a virtual port (up: a path carries the link). */
export function tenantVirtualPort(sliceIndex: number, vp: VirtualPortView, up: boolean): Port {
  const n = vp.number - VIRTUAL_PORT_BASE;
  const kbps = Math.min(Math.round(vp.bps / 1000), 0xffffffff);
  return {
    portNo: vp.number,
    // Locally administered, unique per slice and port: 02:df:<slice id (16 bits)>:fe:<offset>.
    hwAddr: ['02', 'df', hex2((sliceIndex >> 8) & 0xff), hex2(sliceIndex & 0xff), 'fe', hex2(n)].join(':'),
    name: `vl-${vp.peer}`.slice(0, 15),
    config: up ? 0 : PORT_DOWN,
    state: up ? LIVE : LINK_DOWN,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeed: kbps,
    maxSpeed: kbps,
  };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * What a tenant's output to a virtual port becomes after the tag push: on OpenFlow 1.3 the
 * virtual port's group (its bucket outputs to the path in use); on 1.0 (no groups) an output to
 * the path's port as it is when the rule is written; nothing when no path is up.
 */
export function virtualOutput(
  sliceIndex: number,
  vp: VirtualPortView,
  groups: boolean,
  active: number | null,
  maxLen: number,
): { type: 'group'; groupId: number } | { type: 'output'; port: number; maxLen: number } | null {
  if (groups) return { type: 'group', groupId: virtualGroupId(sliceIndex, vp) };
  return active === null ? null : { type: 'output', port: active, maxLen };
}

/**
 * The virtual port a frame from the core stands for: it arrived at a port toward one of the
 * slice's virtual links carrying that link's tag (`vlan`: the frame's VLAN id, `label`: its MPLS
 * label, null when it has none).
 */
export function virtualArrival(
  view: { overlay: { type: 'vlan' | 'mpls' }; virtualPorts: readonly VirtualPortView[] },
  inPort: number,
  vlan: number | null,
  label: number | null,
): VirtualPortView | undefined {
  const tag = view.overlay.type === 'vlan' ? vlan : label;
  if (tag === null) return undefined;
  for (const vp of view.virtualPorts) if (vp.tag === tag && vp.ingress.includes(inPort)) return vp;
  return undefined;
}

/** Whether a switch port is usable: neither administratively down nor without link. */
export function portIsUp(p: Port): boolean {
  return (p.config & PORT_DOWN) === 0 && (p.state & LINK_DOWN) === 0;
}
