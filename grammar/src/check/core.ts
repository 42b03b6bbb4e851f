// The managed core's checks (docs/language.md, "Managed core"): SL801 a flowspace location on a
// core switch; SL802 a slice whose edge switches nothing joins; SL803 a virtual-link guarantee that
// no path through the core admits; SL804 a two-switch guarantee that names no virtual link of the
// slice; SL805 a virtual link that cannot be numbered (no overlay tag or virtual port left).
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import { sliceCoreView, virtualLinkBetween, type SliceCoreView } from '../bind/core-paths.js';
import { findPort, type Program, type SliceInfo } from '../bind/program.js';
import { linksBySwitch, sliceViewPorts } from '../bind/view.js';
import { formatRate } from '../notation/rate.js';
import { allocateOverlays, allocateVirtualLinkTags } from '../lower/overlay.js';
import { allocateVirtualPorts } from '../lower/virtual-ports.js';
import { admitCore, customerVlanIds, virtualGuarantees, type AdmittedVirtualLink, type VirtualGuarantee } from './core-admission.js';

export function checkCore(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of program.slices) {
    coreLocations(program, s, out);
    const view = sliceCoreView(program, s);
    for (const g of virtualGuarantees(s)) guaranteeTarget(program, s, view, g, out);
    if (view && view.groups.length > 1) split(s, view, out);
  }
  for (const list of admitCore(program).bySlice.values()) for (const v of list) if (v.refused) refused(v, out);
  numbering(program, out);
  return out;
}

/** SL801: a rule's location on a core switch. */
function coreLocations(program: Program, s: SliceInfo, out: Diagnostic[]): void {
  for (const r of s.rules) {
    for (const loc of r.decl.locations ?? []) {
      if (loc.kind !== 'PortRef') continue;
      const core = program.core.get(loc.switch.name);
      if (!core) continue;
      out.push(
        diagnostic(
          s.file,
          loc.range,
          'error',
          'SL801',
          `rule ${s.name}.${r.name} is on core switch '${core.switch}': the core holds no slice's ports (slices cross it over virtual links between their edge switches)`,
          [related(core.file, core.range, `'${core.switch}' is in the network's core`)],
          { slice: s.name, rule: r.name, switch: core.switch },
        ),
      );
    }
  }
}

/** SL802: the slice's edge switches fall apart in groups nothing joins. */
function split(s: SliceInfo, view: SliceCoreView, out: Diagnostic[]): void {
  const text = view.groups.map((g) => `{${g.join(', ')}}`).join(' and ');
  const [x, y] = [view.groups[0]![0]!, view.groups[1]![0]!];
  out.push(
    diagnostic(
      s.file,
      s.decl.name!.range,
      'error',
      'SL802',
      `slice '${s.name}' is split: no declared link and no path through the core joins ${x} and ${y} (its switches fall into ${text})`,
      [],
      { slice: s.name, groups: view.groups },
    ),
  );
}

/** SL804: `guarantee RATE on A <-> B` where A <-> B is no virtual link of the slice. */
function guaranteeTarget(program: Program, s: SliceInfo, view: SliceCoreView | undefined, g: VirtualGuarantee, out: Diagnostic[]): void {
  if (!program.switches.has(g.a) || !program.switches.has(g.b)) return; // SL101
  if (view && virtualLinkBetween(view, g.a, g.b)) return;
  const pair = `${g.a} <-> ${g.b}`;
  let reason: string;
  let why: string;
  const edge = sliceViewPorts(program, s).edge;
  const direct = (linksBySwitch(program).get(g.a) ?? []).find(
    (l) => (l.a.switch === g.a && l.b.switch === g.b) || (l.a.switch === g.b && l.b.switch === g.a),
  );
  if (program.core.size === 0) {
    reason = 'no-core';
    why = `the network declares no core, so a guarantee names a link by its ports (${direct ? direct.id.replace('<->', ' <-> ') : 's1:3 <-> s2:3'})`;
  } else if (program.core.has(g.a) || program.core.has(g.b)) {
    reason = 'core-switch';
    why = `'${program.core.has(g.a) ? g.a : g.b}' is a core switch; a virtual link joins two of the slice's edge switches`;
  } else if (!edge.has(g.a) || !edge.has(g.b)) {
    reason = 'not-in-view';
    why = `'${edge.has(g.a) ? g.b : g.a}' is not a switch of slice '${s.name}' (its flowspace names no port there)`;
  } else if (direct) {
    reason = 'direct-link';
    why = `a declared link joins them: guarantee it by its ports (${direct.id.replace('<->', ' <-> ')})`;
  } else if (g.a === g.b) {
    reason = 'same-switch';
    why = 'both ends are the same switch';
  } else {
    reason = 'no-path';
    why = 'no path through the core joins them';
  }
  out.push(
    diagnostic(s.file, g.range, 'error', 'SL804', `guarantee on ${pair} names no virtual link of slice '${s.name}': ${why}`, [], {
      slice: s.name,
      a: g.a,
      b: g.b,
      reason,
      ...(direct ? { link: direct.id.replace('<->', ' <-> ') } : {}),
    }),
  );
}

/** SL803: no candidate path has room for the guarantee. */
function refused(v: AdmittedVirtualLink, out: Diagnostic[]): void {
  const r = v.refused!;
  const rate = (n: number) => formatRate(n, 'compact');
  const paths = r.paths
    .map(
      ({ path, full }) =>
        `${path.links.map((l) => l.id).join(', ')} (full: ${full.map((f) => `${f.link.id} has ${rate(f.remainingBps)} left`).join(', ')})`,
    )
    .join('; ');
  for (const g of v.guarantees) {
    out.push(
      diagnostic(
        g.file,
        g.range,
        'error',
        'SL803',
        `no path through the core admits slice '${v.slice.name}''s guarantee of ${rate(v.bps)} on virtual link ${v.link.id}: ${paths}`,
        r.paths.flatMap(({ full }) =>
          full.map((f) => related(f.link.file, f.link.decl.range, `link ${f.link.id} has ${rate(f.remainingBps)} left`)),
        ),
        {
          slice: v.slice.name,
          link: v.link.id,
          bps: v.bps,
          fitsBps: r.fitsBps,
          fits: rate(r.fitsBps),
          full: [...new Set(r.paths.flatMap(({ full }) => full.map((f) => f.link.id)))],
        },
      ),
    );
  }
}

/** SL805: a virtual link without an overlay tag (pool exhausted) or a virtual port (256 per switch). */
function numbering(program: Program, out: Diagnostic[]): void {
  if (program.core.size === 0) return;
  const slices = [...program.sliceByName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const overlays = allocateOverlays(slices);
  const requests = slices.flatMap((s) =>
    (sliceCoreView(program, s)?.virtualLinks ?? []).map((v) => ({ key: `${s.name} ${v.id}`, type: overlays.get(s.name)!.type })),
  );
  const tags = allocateVirtualLinkTags(requests, overlays, undefined, customerVlanIds(program));
  for (const s of slices) {
    const view = sliceCoreView(program, s);
    if (!view) continue;
    const problems: string[] = [];
    const untagged = view.virtualLinks.filter((v) => tags.get(`${s.name} ${v.id}`) === undefined).map((v) => v.id);
    if (untagged.length) problems.push(`no free ${overlays.get(s.name)!.type} tag for ${untagged.join(', ')}`);
    for (const e of view.edges) {
      const ids = view.virtualLinks.filter((v) => v.a === e || v.b === e).map((v) => v.id);
      const sw = program.switches.get(e)!;
      const ports = allocateVirtualPorts(ids, (n) => findPort(sw, n) !== undefined);
      const missing = ids.filter((id) => ports.get(id) === undefined);
      if (missing.length) problems.push(`no free virtual port on ${e} for ${missing.join(', ')}`);
    }
    if (problems.length === 0) continue;
    out.push(
      diagnostic(
        s.file,
        s.decl.name!.range,
        'error',
        'SL805',
        `slice '${s.name}' has more virtual links than can be numbered: ${problems.join('; ')}`,
        [],
        {
          slice: s.name,
        },
      ),
    );
  }
}
