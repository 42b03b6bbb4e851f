// Inlay hint values: normalised rates and remaining link capacity.
import type { Position, RateLit, SourceFile } from '../syntax/ast.js';
import { formatRate } from '../notation/rate.js';
import { guaranteeLines, linkOfRef, remainingBps, type EditorProgram, type LinkLoad } from './editor-program.js';
import { walk } from './walk.js';
import { grantModels, type GrantModel } from '../check/grant-model.js';
import type { SliceDecl } from '../syntax/ast.js';
import { admitCore } from '../check/core-admission.js';
import { corePathText } from './core-hover.js';

export interface InlayHintValue {
  position: Position;
  label: string;
  kind: 'rate' | 'capacity' | 'ceiling';
  tooltip?: string;
}

function compact(s: string): string {
  return s.replace(/\s+/g, '').replace('bit/s', 'bps');
}

function capacityHint(l: LinkLoad): string {
  if (l.capacityBps === undefined) return 'unbounded';
  return `${formatRate(remainingBps(l)!, 'spaced')} free of ${formatRate(l.capacityBps, 'spaced')}`;
}

/** Hints for a file, limited to [startOffset, endOffset) when given. */
export function inlayHints(model: EditorProgram, file: SourceFile, startOffset = 0, endOffset = Number.MAX_SAFE_INTEGER): InlayHintValue[] {
  const out: InlayHintValue[] = [];
  const inView = (p: Position) => p.offset >= startOffset && p.offset <= endOffset;
  walk(file, (n) => {
    if (n.range.end.offset < startOffset || n.range.start.offset > endOffset) return;
    if (n.kind === 'Rate') {
      const r = n as RateLit;
      if (r.bps === undefined) return;
      const norm = formatRate(r.bps, 'spaced');
      // Only when the literal is not already in its normal form (e.g. `1500Mbps` → 1.5 Gbit/s).
      if (compact(norm).toLowerCase() !== r.text.toLowerCase()) {
        out.push({ position: r.range.end, label: `= ${norm}`, kind: 'rate', tooltip: `${r.bps} bit/s` });
      }
    }
  });
  for (const l of model.links) {
    const decl = l.link.decl;
    if (l.link.file !== file.path || !inView(decl.range.end)) continue;
    out.push({
      position: decl.range.end,
      label: capacityHint(l),
      kind: 'capacity',
      tooltip: guaranteeLines(l, '').join('\n') || 'no guarantees',
    });
  }
  for (const item of file.items) {
    if (item.kind !== 'Slice') continue;
    for (const st of item.statements) {
      if (st.kind !== 'Qos') continue;
      for (const q of st.items) {
        if (q.kind !== 'Guarantee') continue;
        for (const lr of q.links) {
          if (!inView(lr.range.end)) continue;
          const l = linkOfRef(model, lr);
          if (l) out.push({ position: lr.range.end, label: capacityHint(l), kind: 'capacity' });
          else if (lr.b) {
            const hint = virtualLinkHint(model, item, lr.a.switch.name, lr.b.switch.name);
            if (hint) out.push({ position: lr.range.end, kind: 'capacity', ...hint });
          }
        }
      }
    }
  }
  let grants: Map<string, GrantModel> | undefined;
  for (const item of file.items) {
    if (item.kind !== 'Slice' || !item.name || !inView(item.name.range.end)) continue;
    grants ??= grantModels(model.program);
    const hint = ceilingHint(item, grants);
    if (hint) out.push({ position: item.name.range.end, label: hint.label, kind: 'ceiling', tooltip: hint.tooltip });
  }
  out.sort((a, b) => a.position.offset - b.position.offset);
  return out;
}

/** `via c1, c3` after a guarantee on a virtual link: the core switches of its preferred path. */
function virtualLinkHint(model: EditorProgram, slice: SliceDecl, x: string, y: string): { label: string; tooltip: string } | undefined {
  if (model.program.core.size === 0) return undefined;
  const info = model.program.slices.find((s) => s.decl === slice);
  const v =
    info &&
    admitCore(model.program)
      .bySlice.get(info)
      ?.find((w) => (w.link.a === x && w.link.b === y) || (w.link.a === y && w.link.b === x));
  const preferred = v?.paths[0];
  if (!v || !preferred) return undefined;
  return {
    label: `via ${preferred.hops.map((h) => h.switch).join(', ')}`,
    tooltip: v.paths.map((p, i) => `${i === 0 ? 'preferred' : 'alternative'}: ${corePathText(v.link.a, v.link.b, p)}`).join('\n'),
  };
}

/** The limits a slice leaves out and takes from its owner's grant (docs/language.md, Grants). */
function ceilingHint(slice: SliceDecl, grants: Map<string, GrantModel>): { label: string; tooltip: string } | undefined {
  let owner: string | undefined;
  const stated = new Set<string>();
  for (const st of slice.statements) {
    if (st.kind === 'Owner' && st.value) owner ??= st.value.value;
    if (st.kind === 'Limits')
      for (const it of st.items) stated.add(it.kind === 'FlowEntries' ? (it.on ? `on ${it.on.name}` : 'flow') : it.kind);
  }
  const c = owner === undefined ? undefined : grants.get(owner)?.limits;
  if (!c) return undefined;
  const parts: string[] = [];
  if (c.flowEntries && !stated.has('flow')) parts.push(`flow_entries ${c.flowEntries.value}`);
  if (c.controlRate && !stated.has('ControlRate')) parts.push(`control_rate ${c.controlRate.value}/s`);
  if (c.packetInRate && !stated.has('PacketInRate')) parts.push(`packet_in_rate ${c.packetInRate.value}/s`);
  if (parts.length === 0) return undefined;
  return {
    label: `limits from grant: ${parts.join(', ')}`,
    tooltip: `ceilings of the grant of "${owner}": a limit the slice leaves out takes them`,
  };
}
