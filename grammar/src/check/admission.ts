// SL401 (guarantees above a link's capacity) and SL403 (guarantee on an unbounded link).
// Guarantees are summed per link in either direction.
import type { Diagnostic, RelatedInfo } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import type { LinkInfo, Program } from '../bind/program.js';
import { linkKey } from '../bind/program.js';
import { formatRate } from '../notation/rate.js';
import type { Range } from '../syntax/ast.js';

export interface Reservation {
  slice: string;
  file: string;
  range: Range;
  bps: number;
}

/** Guarantees per link key (only resolved links and valid rates). */
export function reservationsByLink(program: Program): Map<string, Reservation[]> {
  const out = new Map<string, Reservation[]>();
  for (const s of program.slices) {
    for (const st of s.decl.statements) {
      if (st.kind !== 'Qos') continue;
      for (const q of st.items) {
        if (q.kind !== 'Guarantee' || q.rate?.bps === undefined) continue;
        for (const l of q.links) {
          if (!l.b || l.a.ports.form !== 'single' || l.b.ports.form !== 'single') continue;
          const pa = l.a.ports.port.value;
          const pb = l.b.ports.port.value;
          if (pa === undefined || pb === undefined) continue;
          const key = linkKey({ switch: l.a.switch.name, port: pa }, { switch: l.b.switch.name, port: pb });
          if (!program.linkByKey.has(key)) continue;
          let list = out.get(key);
          if (!list) out.set(key, (list = []));
          list.push({ slice: s.name, file: s.file, range: l.range, bps: q.rate.bps });
        }
      }
    }
  }
  return out;
}

function linkDeclRange(l: LinkInfo): Range {
  return l.decl.range;
}

export function checkAdmission(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  const res = reservationsByLink(program);
  for (const link of program.links) {
    const list = res.get(link.key);
    if (!list) continue;
    const sum = list.reduce((a, r) => a + r.bps, 0);
    const linkRel = related(link.file, linkDeclRange(link), `link ${link.id} is declared here`);
    if (link.capacityBps === null) {
      for (const r of list) {
        out.push(
          diagnostic(
            r.file,
            r.range,
            'warning',
            'SL403',
            `guarantee of ${formatRate(r.bps, 'compact')} for slice '${r.slice}' on link ${link.id}, which is unbounded (no capacity and no port speed): nothing can be admitted against it`,
            [linkRel],
            { link: link.id },
          ),
        );
      }
      continue;
    }
    if (sum <= link.capacityBps) continue;
    const parts = list.map((r) => `${r.slice} ${formatRate(r.bps, 'compact')}`).join(', ');
    for (const r of list) {
      const rel: RelatedInfo[] = [linkRel];
      for (const o of list)
        if (o !== r) rel.push(related(o.file, o.range, `slice '${o.slice}' guarantees ${formatRate(o.bps, 'compact')} here`));
      const fits = Math.max(0, link.capacityBps - (sum - r.bps));
      out.push(
        diagnostic(
          r.file,
          r.range,
          'error',
          'SL401',
          `guarantees on link ${link.id} add up to ${formatRate(sum, 'compact')}, more than its capacity ${formatRate(link.capacityBps, 'compact')} (${parts})`,
          rel,
          { link: link.id, sumBps: sum, capacityBps: link.capacityBps, fitsBps: fits, fits: formatRate(fits, 'compact') },
        ),
      );
    }
  }
  return out;
}
