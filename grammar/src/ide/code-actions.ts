// Quick fixes for checker diagnostics, as plain edits: add the missing port or
// switch, pick a free overlay tag, move a VLAN-slicing slice to an MPLS overlay, rename a duplicate, lower a guarantee to fit
// (on a link, or on a virtual link across the core), guarantee a declared link instead of two switches it joins.
import type { Diagnostic } from '../api.js';
import type { LinkDecl, NetworkDecl, PortRef, Range, SliceDecl, SourceFile } from '../syntax/ast.js';
import { formatRate, rateLiteral } from '../notation/rate.js';
import { freeTag as firstFreeTag } from './completion.js';
import { linkLabel, linkOfRef, type EditorProgram, type LinkLoad } from './editor-program.js';
import type { FileEdit } from './navigation.js';
import { pathAt, positionAt, touches, type AnyRanged } from './walk.js';
import { refText } from './runtime-topology.js';

export interface QuickFix {
  title: string;
  /** The diagnostic code it fixes. */
  code: string;
  edits: FileEdit[];
  preferred: boolean;
}

function lineIndent(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n') s--;
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

/** The innermost node of `kind` around the diagnostic's start. */
function nodeAt<T>(file: SourceFile, range: Range, kind: string): T | undefined {
  const path = pathAt(file, range.start.offset);
  for (let i = path.length - 1; i >= 0; i--) if (path[i]!.kind === kind) return path[i] as unknown as T;
  return undefined;
}

function portRefAt(file: SourceFile, range: Range): PortRef | undefined {
  return nodeAt<PortRef>(file, range, 'PortRef') ?? nodeAt<PortRef>(file, { start: range.end, end: range.end }, 'PortRef');
}

/** An edit that adds `line` as the last line inside a block whose range ends with `}`. */
function appendInBlock(file: SourceFile, block: Range, line: string): FileEdit | undefined {
  const close = block.end.offset - 1;
  if (file.text[close] !== '}') return undefined;
  const indent = lineIndent(file.text, block.start.offset);
  const innerIndent = `${indent}  `;
  // Find the start of the line holding `}`; if `}` shares its line with content, break it.
  let ls = close;
  while (ls > 0 && file.text[ls - 1] !== '\n') ls--;
  const onlySpaceBefore = /^[ \t]*$/.test(file.text.slice(ls, close));
  const pos = onlySpaceBefore ? ls : close;
  const text = onlySpaceBefore ? `${innerIndent}${line}\n` : `\n${innerIndent}${line}\n${indent}`;
  const p = positionAt(file, pos);
  return { file: file.path, range: { start: p, end: p }, newText: text };
}

function addPort(model: EditorProgram, file: SourceFile, d: Diagnostic): QuickFix[] {
  const ref = portRefAt(file, d.range);
  const swName = (d.data?.['switch'] as string | undefined) ?? ref?.switch.name;
  const port = (d.data?.['port'] as number | undefined) ?? (ref?.ports.form === 'single' ? ref.ports.port.value : undefined);
  if (!swName || port === undefined) return [];
  const info = model.program.switches.get(swName);
  if (!info?.decl.ports) return [];
  const swFile = model.files.get(info.file);
  if (!swFile) return [];
  const edit = appendInBlock(swFile, info.decl.range, `port ${port}`);
  return edit ? [{ title: `Add port ${port} to switch ${swName}`, code: d.code, edits: [edit], preferred: true }] : [];
}

function freeDpid(model: EditorProgram): number {
  let max = 0n;
  for (const sw of model.program.switches.values()) if (sw.dpid !== undefined && sw.dpid > max) max = sw.dpid;
  return Number(max + 1n);
}

function addSwitch(model: EditorProgram, file: SourceFile, d: Diagnostic): QuickFix[] {
  const ref = portRefAt(file, d.range);
  const ident = nodeAt<{ name: string }>(file, d.range, 'Ident');
  const name = (d.data?.['switch'] as string | undefined) ?? ref?.switch.name ?? ident?.name;
  if (!name) return [];
  const line = `switch ${name} dpid ${freeDpid(model)}`;
  const net = model.program.network;
  if (net) {
    const netFile = model.files.get(net.file);
    const edit = netFile && appendInBlock(netFile, net.decl.range, line);
    return edit
      ? [{ title: `Add switch ${name} to network ${net.decl.name?.name ?? ''}`.trim(), code: d.code, edits: [edit], preferred: true }]
      : [];
  }
  const p = positionAt(file, 0);
  return [
    {
      title: `Add switch ${name} in a new network`,
      code: d.code,
      edits: [{ file: file.path, range: { start: p, end: p }, newText: `network net {\n  ${line}\n}\n\n` }],
      preferred: true,
    },
  ];
}

function freeTag(file: SourceFile, model: EditorProgram, d: Diagnostic): QuickFix[] {
  const ov = nodeAt<{ kind: 'Overlay'; mode?: string; tag?: { range: Range; value?: number } }>(file, d.range, 'Overlay');
  if (!ov?.tag || (ov.mode !== 'vlan' && ov.mode !== 'mpls')) return [];
  let tag = d.data?.['freeTag'] as number | undefined;
  tag ??= firstFreeTag(model, ov.mode, ov.mode === 'vlan' ? 1 : 16);
  return [
    {
      title: `Use free ${ov.mode} tag ${tag}`,
      code: d.code,
      edits: [{ file: file.path, range: ov.tag.range, newText: String(tag) }],
      preferred: true,
    },
  ];
}

/** SL304's quick fix: the slice's overlay becomes `overlay mpls N` (its line replaced, or one added first). */
function useMplsOverlay(file: SourceFile, d: Diagnostic): QuickFix[] {
  const tag = d.data?.['freeTag'];
  const slice = nodeAt<SliceDecl>(file, d.range, 'Slice');
  if (typeof tag !== 'number' || !slice) return [];
  const line = `overlay mpls ${tag}`;
  const ov = slice.statements.find((x) => x.kind === 'Overlay');
  const first = slice.statements[0];
  let edit: FileEdit;
  if (ov) edit = { file: file.path, range: ov.range, newText: line };
  else if (first)
    edit = {
      file: file.path,
      range: { start: first.range.start, end: first.range.start },
      newText: `${line}\n${lineIndent(file.text, first.range.start.offset)}`,
    };
  else return [];
  return [{ title: `Give slice ${slice.name?.name ?? ''} the MPLS overlay ${tag}`, code: d.code, edits: [edit], preferred: true }];
}

function renameDuplicate(model: EditorProgram, file: SourceFile, d: Diagnostic): QuickFix[] {
  const ident = nodeAt<{ kind: 'Ident'; name: string; range: Range }>(file, d.range, 'Ident');
  if (!ident) return [];
  const taken = new Set(model.program.symbols.map((x) => x.name));
  let i = 2;
  while (taken.has(`${ident.name}_${i}`)) i++;
  const name = `${ident.name}_${i}`;
  return [{ title: `Rename to ${name}`, code: d.code, edits: [{ file: file.path, range: ident.range, newText: name }], preferred: true }];
}

function linkFor(model: EditorProgram, file: SourceFile, d: Diagnostic): LinkLoad | undefined {
  const id = d.data?.['link'];
  if (typeof id === 'string') {
    const norm = id.replace(/\s/g, '');
    const l = model.links.find(
      (x) =>
        x.link.id === norm ||
        linkLabel(x).replace(/\s/g, '') === norm ||
        `${x.link.b.switch}:${x.link.b.port}<->${x.link.a.switch}:${x.link.a.port}` === norm,
    );
    if (l) return l;
  }
  const lr = nodeAt<never>(file, d.range, 'LinkRef');
  if (lr) return linkOfRef(model, lr);
  const ld = nodeAt<AnyRanged>(file, d.range, 'Link');
  if (ld) return model.links.find((x) => x.link.decl === (ld as unknown));
  return model.links.find((x) => x.link.file === file.path && touches(x.link.decl.range, d.range.start.offset));
}

function lowerGuarantee(model: EditorProgram, file: SourceFile, d: Diagnostic): QuickFix[] {
  const link = linkFor(model, file, d);
  if (!link || link.capacityBps === undefined) return [];
  const out: QuickFix[] = [];
  const seen = new Set<string>();
  for (const g of link.guarantees) {
    const others = link.reservedBps - g.bps;
    const fit = link.capacityBps - others;
    const key = `${g.file}#${g.range.start.offset}`;
    if (fit <= 0 || fit >= g.bps || seen.has(key)) continue;
    seen.add(key);
    const gFile = model.files.get(g.file);
    const stmt = gFile && nodeAt<{ kind: 'Guarantee'; rate?: { range: Range } }>(gFile, g.range, 'Guarantee');
    if (!stmt?.rate) continue;
    const here = g.file === file.path && touches(g.range, d.range.start.offset);
    out.push({
      title: `Lower the guarantee of slice ${g.slice} to ${formatRate(fit, 'spaced')}`,
      code: d.code,
      edits: [{ file: g.file, range: stmt.rate.range, newText: rateLiteral(fit) }],
      preferred: here,
    });
  }
  // The guarantee the diagnostic is on comes first.
  out.sort((a, b) => Number(b.preferred) - Number(a.preferred));
  if (out.length && !out.some((x) => x.preferred)) out[0]!.preferred = true;
  return out;
}

/** Quick fixes for one checker diagnostic of `file`. */
export function quickFixes(model: EditorProgram, file: SourceFile, d: Diagnostic): QuickFix[] {
  switch (d.code) {
    case 'SL101':
      return addSwitch(model, file, d);
    case 'SL102':
      return addPort(model, file, d);
    case 'SL104':
      return renameDuplicate(model, file, d);
    case 'SL302':
      return freeTag(file, model, d);
    case 'SL304':
      return useMplsOverlay(file, d);
    case 'SL401':
      return lowerGuarantee(model, file, d);
    case 'SL701':
      return rewriteLinkFix(file, d);
    case 'SL803':
      return lowerVirtualGuarantee(file, d);
    case 'SL804':
      return guaranteeDirectLink(file, d);
    default:
      return [];
  }
}

/** SL803's quick fix: the guarantee lowered to the most some core path admits. */
function lowerVirtualGuarantee(file: SourceFile, d: Diagnostic): QuickFix[] {
  const fits = d.data?.['fitsBps'];
  const stmt = nodeAt<{ kind: 'Guarantee'; rate?: { range: Range } }>(file, d.range, 'Guarantee');
  if (typeof fits !== 'number' || fits <= 0 || !stmt?.rate) return [];
  const edit: FileEdit = { file: file.path, range: stmt.rate.range, newText: rateLiteral(fits) };
  return [
    {
      title: `Lower the guarantee to ${formatRate(fits, 'spaced')} (the most a path through the core admits)`,
      code: d.code,
      edits: [edit],
      preferred: true,
    },
  ];
}

/** SL804's quick fix when a declared link joins the two switches: guarantee that link by its ports. */
function guaranteeDirectLink(file: SourceFile, d: Diagnostic): QuickFix[] {
  const link = d.data?.['link'];
  if (typeof link !== 'string') return [];
  const edit: FileEdit = { file: file.path, range: d.range, newText: link };
  return [{ title: `Guarantee the declared link ${link}`, code: d.code, edits: [edit], preferred: true }];
}

/** SL701's quick fix: the link declaration's ends rewritten to the discovered link. */
function rewriteLinkFix(file: SourceFile, d: Diagnostic): QuickFix[] {
  const a = d.data?.['a'];
  const b = d.data?.['b'];
  if (d.code !== 'SL701' || typeof a !== 'string' || typeof b !== 'string') return [];
  const decl = findLink(file, d.range.start.offset);
  if (!decl?.a || !decl.b) return [];
  // Keep the declared end the discovered link shares in its place.
  const [first, second] = refText(decl.b) === a || refText(decl.a) === b ? [b, a] : [a, b];
  const edit: FileEdit = {
    file: file.path,
    range: { start: decl.a.range.start, end: decl.b.range.end },
    newText: `${first} <-> ${second}`,
  };
  return [{ title: `Declare the link as the runtime sees it: ${first} <-> ${second}`, code: 'SL701', edits: [edit], preferred: true }];
}

function findLink(file: SourceFile, offset: number): LinkDecl | undefined {
  for (const item of file.items)
    if (item.kind === 'Network')
      for (const m of (item as NetworkDecl).members) if (m.kind === 'Link' && m.range.start.offset === offset) return m;
  return undefined;
}
