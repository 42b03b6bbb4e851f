// VLAN slicing and the overlay (docs/dataplane.md, "Tagged edge traffic"):
// SL304: a slice whose overlay is (or `auto` resolves to) a VLAN tag matches `vlan_vid` in its
//   flowspace: its tagged edge frames cannot take the overlay's tag on top, so they reach nothing.
// SL305: a customer VLAN tag N that an MPLS slice writes and so carries across a link (the label is pushed
//   inside the tag) on which another slice's overlay is `vlan N`: that slice would take the
//   frames for its own.
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import type { Program, SliceInfo } from '../bind/program.js';
import { sliceViewPorts } from '../bind/view.js';
import { allocateOverlays, freeTag, type OverlayAssignment } from '../lower/overlay.js';
import type { FieldMatch, OverlayStmt, Range } from '../syntax/ast.js';

interface VlanUse {
  slice: SliceInfo;
  vid: number;
  field: FieldMatch;
  /** Whether the rule lets the slice send those frames (only then do they cross its links). */
  write: boolean;
}

/** Every `vlan_vid N` of a slice's flowspace, with its syntax node. */
function vlanUses(slice: SliceInfo): VlanUse[] {
  const out: VlanUse[] = [];
  for (const r of slice.rules) {
    const write = !r.decl.permissions || r.decl.permissions.some((p) => p.value === 'write');
    for (const fm of r.decl.match)
      if (fm.field.name === 'vlan_vid' && fm.value?.kind === 'Number' && fm.value.value !== undefined)
        out.push({ slice, vid: fm.value.value, field: fm, write });
  }
  return out;
}

/** Where a slice's overlay is declared: its `overlay` line, else its name. */
function overlayRange(slice: SliceInfo): Range {
  const st = slice.decl.statements.find((x): x is OverlayStmt => x.kind === 'Overlay');
  return st?.range ?? slice.decl.name?.range ?? slice.decl.range;
}

/** "switch:port" of every link port in a slice's view. */
function linkPorts(program: Program, slice: SliceInfo): Set<string> {
  const out = new Set<string>();
  for (const [sw, ports] of sliceViewPorts(program, slice).link) for (const p of ports) out.add(`${sw}:${p}`);
  return out;
}

export function checkVlanSlicing(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  const uses = program.slices.map(vlanUses);
  if (uses.every((u) => u.length === 0)) return out;
  const alloc: Map<string, OverlayAssignment> = allocateOverlays(program.slices);
  const freeMpls = freeTag(alloc, 'mpls');
  const vlanOverlays = program.slices.filter((s) => alloc.get(s.name)?.type === 'vlan');
  const ports = new Map<SliceInfo, Set<string>>();
  const portsOf = (s: SliceInfo): Set<string> => {
    let p = ports.get(s);
    if (!p) ports.set(s, (p = linkPorts(program, s)));
    return p;
  };
  for (const list of uses) {
    for (const u of list) {
      const own = alloc.get(u.slice.name);
      if (!own) continue;
      if (own.type === 'vlan') {
        out.push(
          diagnostic(
            u.slice.file,
            u.field.range,
            'warning',
            'SL304',
            `slice '${u.slice.name}' slices by VLAN (vlan_vid ${u.vid}) but its overlay is vlan ${own.tag}${own.auto ? ' (auto)' : ''}: ` +
              `tagged edge frames cannot take a second VLAN tag across the core, so the slice receives none of them; ` +
              `give it an MPLS overlay (overlay mpls ${freeMpls ?? 'N'})`,
            [related(u.slice.file, overlayRange(u.slice), `slice '${u.slice.name}' has overlay vlan ${own.tag}`)],
            { slice: u.slice.name, vid: u.vid, overlay: { type: own.type, tag: own.tag }, freeTag: freeMpls },
          ),
        );
        continue;
      }
      // MPLS: a frame the slice may send crosses each link of its view with the customer tag outermost.
      if (!u.write) continue;
      const mine = portsOf(u.slice);
      for (const other of vlanOverlays) {
        if (other === u.slice || alloc.get(other.name)!.tag !== u.vid) continue;
        const shared = [...portsOf(other)].filter((p) => mine.has(p)).sort();
        if (shared.length === 0) continue;
        out.push(
          diagnostic(
            u.slice.file,
            u.field.range,
            'error',
            'SL305',
            `customer VLAN tag ${u.vid} of slice '${u.slice.name}' crosses link port${shared.length > 1 ? 's' : ''} ${shared.join(', ')} ` +
              `where slice '${other.name}' uses overlay vlan ${u.vid}: '${other.name}' would take these frames for its own`,
            [related(other.file, overlayRange(other), `slice '${other.name}' uses overlay vlan ${u.vid}`)],
            { slice: u.slice.name, vid: u.vid, otherSlice: other.name, ports: shared },
          ),
        );
      }
    }
  }
  return out;
}
