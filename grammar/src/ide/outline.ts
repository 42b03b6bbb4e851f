// Document outline, workspace symbol search, folding and selection ranges.
import type { Range, SourceFile } from '../syntax/ast.js';
import type { SymbolKind } from '../bind/program.js';
import type { EditorProgram } from './editor-program.js';
import { pathAt } from './walk.js';

export interface OutlineItem {
  name: string;
  kind: SymbolKind | 'flowspace' | 'qos' | 'limits' | 'guarantee' | 'grant' | 'core';
  detail?: string;
  range: Range;
  selectionRange: Range;
  children: OutlineItem[];
}

/** The outline of one file: networks with switches and links, slices with rules and classes. */
export function outline(file: SourceFile): OutlineItem[] {
  const out: OutlineItem[] = [];
  for (const item of file.items) {
    if (item.kind === 'Network') {
      const children: OutlineItem[] = [];
      for (const m of item.members) {
        if (m.kind === 'Switch' && m.name) {
          const ports = (m.ports ?? [])
            .filter((p) => p.first)
            .map((p) => ({
              name: `port ${p.first!.text}${p.last ? `..${p.last.text}` : ''}`,
              kind: 'port' as const,
              detail: [p.label?.value, p.speed?.text].filter(Boolean).join(' ') || undefined,
              range: p.range,
              selectionRange: p.first!.range,
              children: [],
            }));
          children.push({
            name: m.name.name,
            kind: 'switch',
            detail: m.dpid ? `dpid ${m.dpid.text}` : undefined,
            range: m.range,
            selectionRange: m.name.range,
            children: ports,
          });
        } else if (m.kind === 'Link' && m.a && m.b) {
          const txt = (r: typeof m.a) => file.text.slice(r!.range.start.offset, r!.range.end.offset);
          children.push({
            name: `${txt(m.a)} <-> ${txt(m.b)}`,
            kind: 'link',
            detail: m.capacity?.text,
            range: m.range,
            selectionRange: m.range,
            children: [],
          });
        } else if (m.kind === 'Core' && m.switches.length) {
          children.push({
            name: `core ${m.switches.map((s) => s.name).join(', ')}`,
            kind: 'core',
            range: m.range,
            selectionRange: m.switches[0]!.range,
            children: [],
          });
        }
      }
      out.push({
        name: item.name?.name ?? '(network)',
        kind: 'network',
        range: item.range,
        selectionRange: item.name?.range ?? item.range,
        children,
      });
    } else if (item.kind === 'Slice') {
      const children: OutlineItem[] = [];
      for (const st of item.statements) {
        if (st.kind === 'Flowspace') {
          children.push({
            name: 'flowspace',
            kind: 'flowspace',
            range: st.range,
            selectionRange: st.range,
            children: st.rules
              .filter((r) => r.name)
              .map((r) => ({ name: r.name!.name, kind: 'rule' as const, range: r.range, selectionRange: r.name!.range, children: [] })),
          });
        } else if (st.kind === 'Qos') {
          children.push({
            name: 'qos',
            kind: 'qos',
            range: st.range,
            selectionRange: st.range,
            children: st.items.flatMap((q): OutlineItem[] => {
              if (q.kind === 'Class' && q.name)
                return [{ name: q.name.name, kind: 'class', range: q.range, selectionRange: q.name.range, children: [] }];
              if (q.kind === 'Guarantee')
                return [
                  {
                    name: `guarantee ${q.rate?.text ?? ''}`.trim(),
                    kind: 'guarantee',
                    range: q.range,
                    selectionRange: q.range,
                    children: [],
                  },
                ];
              return [];
            }),
          });
        } else if (st.kind === 'Limits') {
          children.push({ name: 'limits', kind: 'limits', range: st.range, selectionRange: st.range, children: [] });
        }
      }
      out.push({
        name: item.name?.name ?? '(slice)',
        kind: 'slice',
        range: item.range,
        selectionRange: item.name?.range ?? item.range,
        children,
      });
    } else if (item.kind === 'Grant') {
      out.push({
        name: `grant ${item.owner?.text ?? ''}`.trim(),
        kind: 'grant',
        detail: item.parent ? `under ${item.parent.text}` : undefined,
        range: item.range,
        selectionRange: item.owner?.range ?? item.range,
        children: [],
      });
    }
  }
  return out;
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  container?: string;
  file: string;
  range: Range;
}

/** Case-insensitive subsequence match, as editors do for symbol search. */
export function fuzzyMatch(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (let j = 0; j < n.length && i < q.length; j++) if (n[j] === q[i]) i++;
  return i === q.length;
}

/** Named declarations across the workspace matching a query (ports and links left out). */
export function workspaceSymbols(model: EditorProgram, query: string, limit = 500): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const s of model.program.symbols) {
    if (s.kind === 'port' || s.kind === 'link') continue;
    if (!fuzzyMatch(query, s.name)) continue;
    out.push({ name: s.name, kind: s.kind, container: s.container, file: s.file, range: s.range });
    if (out.length >= limit) break;
  }
  return out;
}

export interface FoldRange {
  startLine: number;
  endLine: number;
  kind: 'region' | 'comment';
}

/** Folding ranges: multi-line blocks and comments (runs of line comments fold together). */
export function foldingRanges(file: SourceFile): FoldRange[] {
  const out: FoldRange[] = [];
  const block = (r: Range) => {
    if (r.end.line > r.start.line) out.push({ startLine: r.start.line, endLine: r.end.line, kind: 'region' });
  };
  for (const item of file.items) {
    block(item.range);
    if (item.kind === 'Network') {
      for (const m of item.members) block(m.range);
    } else if (item.kind === 'Grant') {
      for (const g of item.items) block(g.range);
    } else {
      for (const st of item.statements) {
        block(st.range);
        if (st.kind === 'Qos') for (const q of st.items) if (q.kind === 'Class') block(q.range);
        if (st.kind === 'Flowspace') for (const r of st.rules) block(r.range);
      }
    }
  }
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: 'comment' });
    run = undefined;
  };
  for (const c of [...file.comments].sort((a, b) => a.range.start.offset - b.range.start.offset)) {
    if (c.block) {
      flush();
      if (c.range.end.line > c.range.start.line) out.push({ startLine: c.range.start.line, endLine: c.range.end.line, kind: 'comment' });
      continue;
    }
    if (run && c.range.start.line === run.end + 1) run.end = c.range.start.line;
    else {
      flush();
      run = { start: c.range.start.line, end: c.range.start.line };
    }
  }
  flush();
  out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  return out.filter((r, i) => i === 0 || r.startLine !== out[i - 1]!.startLine || r.endLine !== out[i - 1]!.endLine);
}

/** Nested ranges around an offset, innermost first (for "expand selection"). */
export function selectionRanges(file: SourceFile, offset: number): Range[] {
  const path = pathAt(file, offset).map((n) => n.range);
  const out: Range[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const r = path[i]!;
    const prev = out[out.length - 1];
    if (prev && prev.start.offset === r.start.offset && prev.end.offset === r.end.offset) continue;
    out.push(r);
  }
  return out;
}
