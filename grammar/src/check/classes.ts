// SL402: a class's min above its max, or the classes' minimums above the slice's cap.
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import type { Program } from '../bind/program.js';
import { formatRate } from '../notation/rate.js';
import type { CapStmt, ClassDecl } from '../syntax/ast.js';

export function checkClasses(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of program.slices) {
    let cap: CapStmt | undefined;
    const classes: ClassDecl[] = [];
    for (const st of s.decl.statements) {
      if (st.kind !== 'Qos') continue;
      for (const q of st.items) {
        if (q.kind === 'Cap' && !cap) cap = q;
        else if (q.kind === 'Class') classes.push(q);
      }
    }
    for (const c of classes) {
      const min = c.min?.bps;
      const max = c.max?.bps;
      if (min !== undefined && max !== undefined && min > max) {
        out.push(
          diagnostic(
            s.file,
            c.min!.range,
            'error',
            'SL402',
            `class '${c.name?.name ?? '?'}' of slice '${s.name}' has min ${formatRate(min, 'compact')} above its max ${formatRate(max, 'compact')}`,
            [related(s.file, c.max!.range, 'max is set here')],
            { minBps: min, maxBps: max },
          ),
        );
      }
    }
    const capBps = cap?.rate?.bps;
    if (cap && capBps !== undefined) {
      const withMin = classes.filter((c) => c.min?.bps !== undefined);
      const sum = withMin.reduce((a, c) => a + c.min!.bps!, 0);
      if (sum > capBps) {
        out.push(
          diagnostic(
            s.file,
            cap.range,
            'error',
            'SL402',
            `the class minimums of slice '${s.name}' add up to ${formatRate(sum, 'compact')}, above its cap ${formatRate(capBps, 'compact')}`,
            withMin.map((c) => related(s.file, c.min!.range, `class '${c.name?.name ?? '?'}' min ${formatRate(c.min!.bps!, 'compact')}`)),
            { sumBps: sum, capBps },
          ),
        );
      }
    }
  }
  return out;
}
