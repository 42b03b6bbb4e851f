// Inlay hint values: normalised rates and remaining link capacity.
import type { Position, RateLit, SourceFile } from '../syntax/ast.js';
import { formatRate } from '../notation/rate.js';
import { linkOfRef, remainingBps, type EditorProgram, type LinkLoad } from './editor-program.js';
import { walk } from './walk.js';

export interface InlayHintValue {
  position: Position;
  label: string;
  kind: 'rate' | 'capacity';
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
      tooltip: l.guarantees.map((g) => `${g.slice}: ${formatRate(g.bps, 'spaced')}`).join('\n') || 'no guarantees',
    });
  }
  for (const item of file.items) {
    if (item.kind !== 'Slice') continue;
    for (const st of item.statements) {
      if (st.kind !== 'Qos') continue;
      for (const q of st.items) {
        if (q.kind !== 'Guarantee') continue;
        for (const lr of q.links) {
          const l = linkOfRef(model, lr);
          if (!l || !inView(lr.range.end)) continue;
          out.push({ position: lr.range.end, label: capacityHint(l), kind: 'capacity' });
        }
      }
    }
  }
  out.sort((a, b) => a.position.offset - b.position.offset);
  return out;
}
