// Hover contents (Markdown) for switches, ports, links, slices, rates and fields.
import type { Plan } from '../plan/types.js';
import type { FieldMatch, Range, SliceDecl, SourceFile } from '../syntax/ast.js';
import { fieldInfo, formatBits, formatRate, KEYWORDS, VALUE_NAMES } from './docs.js';
import { findLink, findPortDecl, remainingBps, type LinkInfo, type WorkspaceIndex } from './index-model.js';
import { symbolAt } from './navigation.js';
import { pathAt, type AnyRanged } from './walk.js';

export interface HoverInfo {
  range: Range;
  markdown: string;
}

export interface HoverOptions {
  /** The compiled plan, when available: gives auto-assigned overlay tags. */
  plan?: Plan;
}

function dpidHex(v: bigint | undefined): string {
  return v === undefined ? '?' : v.toString(16).padStart(16, '0').replace(/(..)(?!$)/g, '$1:');
}

export function linkLine(l: LinkInfo): string {
  const cap = l.capacityBps === undefined ? 'unbounded' : formatRate(l.capacityBps);
  const rem = remainingBps(l);
  const free = rem === undefined ? '' : `, ${formatRate(rem)} free`;
  return `\`${l.a.switch}:${l.a.port} <-> ${l.b.switch}:${l.b.port}\`: ${cap}, ${formatRate(l.reservedBps)} guaranteed${free}`;
}

function switchHover(index: WorkspaceIndex, name: string): string | undefined {
  const infos = index.switches.get(name);
  if (!infos?.length) return undefined;
  const sw = infos[0]!.decl;
  const lines = [`**switch ${name}**`, '', `dpid \`${dpidHex(sw.dpid?.value)}\`${sw.dpid?.value !== undefined ? ` (${sw.dpid.value})` : ''}`, ''];
  if (sw.ports === undefined) lines.push('Ports: any port number (no port list)');
  else if (sw.ports.length === 0) lines.push('Ports: none declared');
  else {
    lines.push('Ports:');
    for (const p of sw.ports) {
      const num = `${p.first?.text ?? '?'}${p.last ? '..' + p.last.text : ''}`;
      lines.push(`- ${num}${p.label ? ` "${p.label.value}"` : ''}${p.speed?.bps !== undefined ? ` ${formatRate(p.speed.bps)}` : ''}`);
    }
  }
  const links = index.links.filter((l) => l.a.switch === name || l.b.switch === name);
  if (links.length) {
    lines.push('', 'Links:');
    for (const l of links) lines.push(`- ${linkLine(l)}`);
  }
  return lines.join('\n');
}

function overlayText(slice: SliceDecl, name: string, plan: Plan | undefined): string {
  const planned = plan?.slices.find((s) => s.name === name);
  if (planned) return `${planned.overlay.type} ${planned.overlay.tag}${planned.overlay.auto ? ' (auto)' : ''}`;
  const ov = slice.statements.find((s) => s.kind === 'Overlay');
  if (!ov || ov.kind !== 'Overlay' || !ov.mode || ov.mode === 'auto') return 'auto (assigned at compile time)';
  return `${ov.mode} ${ov.tag?.text ?? '?'}`;
}

function sliceHover(index: WorkspaceIndex, name: string, plan: Plan | undefined): string | undefined {
  const infos = index.slices.get(name);
  if (!infos?.length) return undefined;
  const s = infos[0]!.decl;
  const owner = s.statements.find((x) => x.kind === 'Owner');
  const lines = [`**slice ${name}**`, ''];
  lines.push(`- owner: ${owner && owner.kind === 'Owner' && owner.value ? owner.value.value : '(none)'}`);
  lines.push(`- overlay: ${overlayText(s, name, plan)}`);
  const links = index.links.filter((l) => l.guarantees.some((g) => g.slice === name));
  if (links.length === 0) lines.push('- guarantees: none');
  else {
    lines.push('', 'Guarantees:');
    for (const l of links) {
      const mine = l.guarantees.filter((g) => g.slice === name).reduce((a, g) => a + g.bps, 0);
      const rem = remainingBps(l);
      lines.push(`- ${formatRate(mine)} on \`${l.a.switch}:${l.a.port} <-> ${l.b.switch}:${l.b.port}\`` +
        (l.capacityBps === undefined ? ' (unbounded link)' : ` (capacity ${formatRate(l.capacityBps)}, ${formatRate(rem!)} remaining)`));
    }
  }
  return lines.join('\n');
}

function fieldHover(name: string): string | undefined {
  const f = fieldInfo(name);
  if (!f) return undefined;
  return `**${f.name}**: ${f.meaning}\n\nOpenFlow: \`${f.oxm}\`\n\nValues: ${f.values}`;
}

/** Hover at an offset of a file, or undefined when there is nothing to say. */
export function hoverAt(index: WorkspaceIndex, file: SourceFile, offset: number, options: HoverOptions = {}): HoverInfo | undefined {
  const hit = symbolAt(index, file.path, offset);
  if (hit) {
    let md: string | undefined;
    const k = hit.key;
    if (k.kind === 'switch') md = switchHover(index, k.name);
    else if (k.kind === 'slice') md = sliceHover(index, k.name, options.plan);
    else if (k.kind === 'network') md = `**network ${k.name}**\n\n${index.switches.size} switches, ${index.links.length} links`;
    else if (k.kind === 'port' && k.container) {
      const sw = index.switches.get(k.container)?.[0]?.decl;
      const p = sw && findPortDecl(sw, Number(k.name));
      md = `**port ${k.container}:${k.name}**` + (p ? `${p.label ? ` "${p.label.value}"` : ''}${p.speed?.bps !== undefined ? `, ${formatRate(p.speed.bps)}` : ''}` : (sw?.ports === undefined ? ' (switch accepts any port)' : ' (not declared)'));
      const links = index.links.filter((l) => (l.a.switch === k.container && String(l.a.port) === k.name) || (l.b.switch === k.container && String(l.b.port) === k.name));
      if (links.length) md += '\n\n' + links.map((l) => `- ${linkLine(l)}`).join('\n');
    } else if (k.kind === 'link') {
      const l = index.links.find((x) => x.id === k.name);
      if (l) md = `**link** ${linkLine(l)}` + (l.guarantees.length ? '\n\n' + l.guarantees.map((g) => `- ${g.slice}: ${formatRate(g.bps)}`).join('\n') : '');
    } else if (k.kind === 'rule') md = `**rule ${k.name}** of slice ${k.container}`;
    else if (k.kind === 'class') md = `**class ${k.name}** of slice ${k.container}`;
    if (md) return { range: hit.range, markdown: md };
  }
  const path = pathAt(file, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]! as AnyRanged & Record<string, unknown>;
    if (n.kind === 'Rate') {
      const bps = n['bps'] as number | undefined;
      if (bps === undefined) return { range: n.range, markdown: `\`${String(n['text'])}\`: malformed rate` };
      return { range: n.range, markdown: `\`${String(n['text'])}\` = ${formatRate(bps)} (${formatBits(bps)})` };
    }
    if (n.kind === 'MessageRate') {
      return { range: n.range, markdown: `\`${String(n['text'])}\` = ${String(n['perSecond'] ?? '?')} messages per second` };
    }
    if (n.kind === 'LinkRef') {
      const l = findLink(index, n as never);
      if (l) return { range: n.range, markdown: `**link** ${linkLine(l)}` };
    }
    if (n.kind === 'FieldMatch') {
      const fm = n as unknown as FieldMatch;
      if (offset <= fm.field.range.end.offset) {
        const md = fieldHover(fm.field.name);
        if (md) return { range: fm.field.range, markdown: md };
      } else if (fm.value && fm.value.kind === 'Name' && VALUE_NAMES[fm.value.text]) {
        return { range: fm.value.range, markdown: `\`${fm.value.text}\`: ${VALUE_NAMES[fm.value.text]}` };
      }
    }
  }
  // Keywords: the word under the cursor.
  const w = wordAt(file.text, offset);
  if (w && KEYWORDS[w.word] && !inComment(file, offset)) {
    const start = { ...posAt(file, w.start) };
    return { range: { start, end: posAt(file, w.end) }, markdown: `**${w.word}**: ${KEYWORDS[w.word]}` };
  }
  return undefined;
}

function inComment(file: SourceFile, offset: number): boolean {
  return file.comments.some((c) => c.range.start.offset <= offset && offset < c.range.end.offset);
}

function posAt(file: SourceFile, offset: number) {
  let line = 0;
  let ls = 0;
  for (let i = 0; i < offset && i < file.text.length; i++) if (file.text.charCodeAt(i) === 10) { line++; ls = i + 1; }
  return { line, character: offset - ls, offset };
}

export function wordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  const isW = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let s = offset;
  while (s > 0 && isW(text[s - 1])) s--;
  let e = offset;
  while (e < text.length && isW(text[e])) e++;
  return e > s ? { word: text.slice(s, e), start: s, end: e } : undefined;
}
