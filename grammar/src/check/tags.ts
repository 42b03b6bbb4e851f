// SL302: two slices with the same explicit overlay tag.
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import type { Program } from '../bind/program.js';
import { allocateOverlays, freeTag } from '../lower/overlay.js';
import type { OverlayStmt } from '../syntax/ast.js';

export function checkTags(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  const alloc = allocateOverlays(program.slices);
  const byTag = new Map<string, Array<{ slice: string; file: string; stmt: OverlayStmt }>>();
  for (const s of program.slices) {
    const st = s.decl.statements.find((x): x is OverlayStmt => x.kind === 'Overlay');
    if (!st || (st.mode !== 'vlan' && st.mode !== 'mpls') || st.tag?.value === undefined) continue;
    const key = `${st.mode} ${st.tag.value}`;
    let list = byTag.get(key);
    if (!list) byTag.set(key, (list = []));
    list.push({ slice: s.name, file: s.file, stmt: st });
  }
  for (const [key, list] of byTag) {
    if (list.length < 2) continue;
    const type = list[0].stmt.mode as 'vlan' | 'mpls';
    const free = freeTag(alloc, type);
    for (const me of list) {
      const others = list.filter((o) => o !== me);
      out.push(
        diagnostic(
          me.file,
          me.stmt.tag!.range,
          'error',
          'SL302',
          `overlay ${key} of slice '${me.slice}' is also used by slice${others.length > 1 ? 's' : ''} ${others.map((o) => `'${o.slice}'`).join(', ')}: their traffic would mix in the core`,
          others.map((o) => related(o.file, o.stmt.tag!.range, `slice '${o.slice}' uses overlay ${key}`)),
          { type, tag: me.stmt.tag!.value, freeTag: free },
        ),
      );
    }
  }
  return out;
}
