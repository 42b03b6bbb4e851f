// Which tokens start a line, and which braces open an indented block, read off a parsed tree.
import type * as A from '../syntax/ast.js';

export interface Layout {
  /** Offsets of tokens that begin a statement (a new line at the current indent). */
  lineStarts: Set<number>;
  /** Offset ranges [start, end) whose braces stay inline (class bodies). */
  inlineSpans: Array<[number, number]>;
}

export function layoutOf(file: A.SourceFile): Layout {
  const lineStarts = new Set<number>();
  const inlineSpans: Array<[number, number]> = [];
  const start = (n: { range: A.Range }): void => {
    lineStarts.add(n.range.start.offset);
  };
  for (const item of file.items) {
    start(item);
    if (item.kind === 'Network') {
      for (const m of item.members) {
        start(m);
        if (m.kind === 'Switch') m.ports?.forEach(start);
      }
      continue;
    }
    if (item.kind === 'Grant') {
      for (const g of item.items) {
        start(g);
        if (g.kind === 'Limits') g.items.forEach(start);
      }
      continue;
    }
    for (const st of item.statements) {
      start(st);
      if (st.kind === 'Flowspace') st.rules.forEach(start);
      else if (st.kind === 'Limits') st.items.forEach(start);
      else if (st.kind === 'Qos') {
        for (const q of st.items) {
          start(q);
          if (q.kind === 'Class') inlineSpans.push([q.range.start.offset, q.range.end.offset]);
        }
      }
    }
  }
  return { lineStarts, inlineSpans };
}
