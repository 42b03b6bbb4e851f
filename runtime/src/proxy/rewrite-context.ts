// One slice on one switch as the rewriting sees it (SliceContext: the slice's view, its edge
// ports resolved against the switch, meters or not) and the questions every rewrite asks of it:
// is a port a link port or the slice's, which ports the slice has, which flowspace rules apply
// at an in-port. Below rewrite.ts and confine.ts (both use it).
import type { FlowspaceRule, SliceOnSwitch } from './slice-views.js';
import { virtualPortAt, type VirtualPortView } from './virtual-ports.js';

export interface SliceContext {
  view: SliceOnSwitch;
  /** Edge ports resolved against the switch's actual ports. */
  edgePorts: number[];
  /** Whether the switch speaks OpenFlow 1.3 (meters) or 1.0. */
  meters: boolean;
}

/** A port whose frames carry an overlay tag: a link port of the view, or a virtual port (managed core). */
export function isLinkPort(ctx: SliceContext, p: number): boolean {
  return ctx.view.linkPorts.has(p) || virtualPortAt(ctx.view.virtualPorts, p) !== undefined;
}
export function isSlicePort(ctx: SliceContext, p: number): boolean {
  return isLinkPort(ctx, p) || ctx.edgePorts.includes(p);
}
export function slicePorts(ctx: SliceContext): number[] {
  return [...new Set([...ctx.edgePorts, ...ctx.view.linkPorts, ...ctx.view.virtualPorts.map((v) => v.number)])].sort((a, b) => a - b);
}
/** The slice's virtual port `p`, if it is one. */
export function virtualPort(ctx: SliceContext, p: number): VirtualPortView | undefined {
  return virtualPortAt(ctx.view.virtualPorts, p);
}

const byPort = new WeakMap<SliceOnSwitch, Map<number, FlowspaceRule[]>>();

/** The slice's flowspace rules that apply at an in-port (its own and port-less ones, in plan order), indexed once per view. */
export function rulesAt(view: SliceOnSwitch, port: number): FlowspaceRule[] {
  let index = byPort.get(view);
  if (!index) {
    index = new Map();
    byPort.set(view, index);
  }
  let rules = index.get(port);
  if (!rules) {
    rules = view.rules.filter((r) => r.inPort === null || r.inPort === port);
    index.set(port, rules);
  }
  return rules;
}
