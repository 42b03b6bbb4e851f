// Hover contents (Markdown) for switches, ports, links, slices, rates, fields and grants (on an owner string).
import type { PortInfo, SwitchInfo } from '../bind/program.js';
import type { Plan } from '../plan/types.js';
import type { FieldMatch, PortRef, Range, SliceDecl, SourceFile } from '../syntax/ast.js';
import { dpidColons, formatBits, formatRate } from '../notation/index.js';
import { fieldInfo, KEYWORDS, VALUE_NAMES } from './docs.js';
import { guaranteeLines, linkLabel, linkOfRef, linksAt, remainingBps, type EditorProgram, type LinkLoad } from './editor-program.js';
import { symbolAt } from './navigation.js';
import { grantHover } from './grant-hover.js';
import { coreSwitchLine, virtualLinkLines } from './core-hover.js';
import type { RuntimeTopology } from './runtime-topology.js';
import { virtualGuarantees } from '../check/core-admission.js';
import { pathAt, rangeOf, type AnyRanged } from './walk.js';

export interface HoverInfo {
  range: Range;
  markdown: string;
}

export interface HoverOptions {
  /** The compiled plan, when available: gives auto-assigned overlay tags. */
  plan?: Plan;
  /** What the connected runtime reports (its virtual links' current paths), when connected. */
  runtime?: RuntimeTopology;
}

export function linkLine(l: LinkLoad): string {
  const cap = l.capacityBps === undefined ? 'unbounded' : formatRate(l.capacityBps, 'spaced');
  const rem = remainingBps(l);
  const free = rem === undefined ? '' : `, ${formatRate(rem, 'spaced')} free`;
  const virtual = l.virtualBps > 0 ? ` + ${formatRate(l.virtualBps, 'spaced')} for virtual links` : '';
  return `\`${linkLabel(l)}\`: ${cap}, ${formatRate(l.reservedBps, 'spaced')} guaranteed${virtual}${free}`;
}

function portLine(p: PortInfo): string {
  const num = p.first === p.last ? String(p.first) : `${p.first}..${p.last}`;
  return `${num}${p.label !== undefined ? ` "${p.label}"` : ''}${p.speedBps !== undefined ? ` ${formatRate(p.speedBps, 'spaced')}` : ''}`;
}

function switchHover(model: EditorProgram, sw: SwitchInfo): string {
  const dpid = sw.dpid;
  const lines = [
    `**switch ${sw.name}**`,
    '',
    `dpid \`${dpid === undefined ? '?' : dpidColons(dpid)}\`${dpid !== undefined ? ` (${dpid})` : ''}`,
    '',
  ];
  if (sw.ports === undefined) lines.push('Ports: any port number (no port list)');
  else if (sw.ports.length === 0) lines.push('Ports: none declared');
  else {
    lines.push('Ports:');
    for (const p of sw.ports) lines.push(`- ${portLine(p)}`);
  }
  const links = linksAt(model, sw.name);
  if (links.length) {
    lines.push('', 'Links:');
    for (const l of links) lines.push(`- ${linkLine(l)}`);
  }
  const core = coreSwitchLine(model, sw.name);
  if (core) lines.push('', core);
  return lines.join('\n');
}

/** A port of a switch, declared or not (`s1:7` on a switch with ports 1..4, or on one that accepts any). */
function portHover(model: EditorProgram, swName: string, port: number): string {
  const sw = model.program.switches.get(swName);
  const p = sw?.ports?.find((q) => q.first <= port && port <= q.last);
  let md = `**port ${swName}:${port}**`;
  if (!sw) md += ' (unknown switch)';
  else if (p)
    md += `${p.label !== undefined ? ` "${p.label}"` : ''}${p.speedBps !== undefined ? `, ${formatRate(p.speedBps, 'spaced')}` : ''}`;
  else md += sw.ports === undefined ? ' (switch accepts any port)' : ' (not declared)';
  const links = linksAt(model, swName, port);
  if (links.length) md += `\n\n${links.map((l) => `- ${linkLine(l)}`).join('\n')}`;
  return md;
}

function overlayText(slice: SliceDecl, name: string, plan: Plan | undefined): string {
  const planned = plan?.slices.find((s) => s.name === name);
  if (planned) return `${planned.overlay.type} ${planned.overlay.tag}${planned.overlay.auto ? ' (auto)' : ''}`;
  const ov = slice.statements.find((s) => s.kind === 'Overlay');
  if (ov?.kind !== 'Overlay' || !ov.mode || ov.mode === 'auto') return 'auto (assigned at compile time)';
  return `${ov.mode} ${ov.tag?.text ?? '?'}`;
}

function sliceHover(model: EditorProgram, name: string, { plan, runtime }: HoverOptions): string | undefined {
  const info = model.program.sliceByName.get(name);
  const s = info?.decl;
  if (!info || !s) return undefined;
  const owner = s.statements.find((x) => x.kind === 'Owner');
  const lines = [`**slice ${name}**`, ''];
  lines.push(`- owner: ${owner && owner.kind === 'Owner' && owner.value ? owner.value.value : '(none)'}`);
  lines.push(`- overlay: ${overlayText(s, name, plan)}`);
  const links = model.links.filter((l) => l.guarantees.some((g) => g.slice === name));
  if (links.length === 0) {
    // Guarantees on virtual links only are listed with the virtual links below.
    if (virtualGuarantees(info).length === 0) lines.push('- guarantees: none');
  } else {
    lines.push('', 'Guarantees:');
    for (const l of links) {
      const mine = l.guarantees.filter((g) => g.slice === name).reduce((a, g) => a + g.bps, 0);
      const rem = remainingBps(l);
      lines.push(
        `- ${formatRate(mine, 'spaced')} on \`${linkLabel(l)}\`` +
          (l.capacityBps === undefined
            ? ' (unbounded link)'
            : ` (capacity ${formatRate(l.capacityBps, 'spaced')}, ${formatRate(rem!, 'spaced')} remaining)`),
      );
    }
  }
  lines.push(...virtualLinkLines(model, info, plan, runtime));
  return lines.join('\n');
}

function fieldHover(name: string): string | undefined {
  const f = fieldInfo(name);
  if (!f) return undefined;
  return `**${f.name}**: ${f.meaning}\n\nOpenFlow: \`${f.oxm}\`\n\nValues: ${f.values}`;
}

/** Hover at an offset of a file, or undefined when there is nothing to say. */
export function hoverAt(model: EditorProgram, file: SourceFile, offset: number, options: HoverOptions = {}): HoverInfo | undefined {
  const hit = symbolAt(model, file, offset);
  if (hit) {
    const { program } = model;
    const s = hit.symbol;
    let md: string | undefined;
    if (s.kind === 'switch') {
      const sw = program.switches.get(s.name);
      if (sw) md = switchHover(model, sw);
    } else if (s.kind === 'slice') md = sliceHover(model, s.name, options);
    else if (s.kind === 'network') md = `**network ${s.name}**\n\n${program.switches.size} switches, ${program.links.length} links`;
    else if (s.kind === 'port' && s.container !== undefined) {
      // On a reference the number written (`s1:2`); on a declaration its first port.
      const port = Number(file.text.slice(hit.range.start.offset, hit.range.end.offset).split('..')[0]);
      if (Number.isInteger(port)) md = portHover(model, s.container, port);
    } else if (s.kind === 'link') {
      const l = model.links.find((x) => x.link.symbolId === s.id);
      if (l) {
        const guarantees = guaranteeLines(l, '- ');
        md = `**link** ${linkLine(l)}${guarantees.length ? `\n\n${guarantees.join('\n')}` : ''}`;
      }
    } else if (s.kind === 'rule') md = `**rule ${s.name}** of slice ${s.container}`;
    else if (s.kind === 'class') md = `**class ${s.name}** of slice ${s.container}`;
    if (md) return { range: hit.range, markdown: md };
  }
  const path = pathAt(file, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]! as AnyRanged & Record<string, unknown>;
    if (n.kind === 'Rate') {
      const bps = n['bps'] as number | undefined;
      if (bps === undefined) return { range: n.range, markdown: `\`${String(n['text'])}\`: malformed rate` };
      return { range: n.range, markdown: `\`${String(n['text'])}\` = ${formatRate(bps, 'spaced')} (${formatBits(bps)})` };
    }
    // The owner string of a slice or a grant: that owner's grant.
    if (n.kind === 'String' && (path[i - 1]?.kind === 'Owner' || path[i - 1]?.kind === 'Grant')) {
      const md = grantHover(model, String(n['value']));
      if (md) return { range: n.range, markdown: md };
    }
    if (n.kind === 'MessageRate') {
      return { range: n.range, markdown: `\`${String(n['text'])}\` = ${String(n['perSecond'] ?? '?')} messages per second` };
    }
    if (n.kind === 'LinkRef') {
      const l = linkOfRef(model, n as never);
      if (l) return { range: n.range, markdown: `**link** ${linkLine(l)}` };
    }
    if (n.kind === 'PortRef') {
      // A port the binder could not resolve to a declaration (undeclared, or on a switch that accepts any).
      const ref = n as unknown as PortRef;
      if (ref.ports.form === 'single' && ref.ports.port.value !== undefined && offset >= ref.ports.port.range.start.offset) {
        return { range: ref.ports.port.range, markdown: portHover(model, ref.switch.name, ref.ports.port.value) };
      }
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
    return { range: rangeOf(file, w.start, w.end), markdown: `**${w.word}**: ${KEYWORDS[w.word]}` };
  }
  return undefined;
}

function inComment(file: SourceFile, offset: number): boolean {
  return file.comments.some((c) => c.range.start.offset <= offset && offset < c.range.end.offset);
}

export function wordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  const isW = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let s = offset;
  while (s > 0 && isW(text[s - 1])) s--;
  let e = offset;
  while (e < text.length && isW(text[e])) e++;
  return e > s ? { word: text.slice(s, e), start: s, end: e } : undefined;
}
