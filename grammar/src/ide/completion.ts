// Completion candidates by context. The context (which block, which part of
// the statement) comes from a small tolerant scan of the text before the
// cursor, so it works while the user is typing broken text; names (switches,
// ports, links, slices) come from the bound program.
import { sliceCoreView } from '../bind/core-paths.js';
import { corePathText } from './core-hover.js';
import type { SourceFile } from '../syntax/ast.js';
import { formatRate } from '../notation/rate.js';
import { FIELDS, fieldInfo, KEYWORDS, VALUE_NAMES } from './docs.js';
import { linkLabel, portsText, remainingBps, type EditorProgram } from './editor-program.js';
import { grantLinkPorts, grantModels } from '../check/grant-model.js';

export type CandidateKind = 'keyword' | 'field' | 'value' | 'switch' | 'port' | 'link' | 'slice' | 'snippet' | 'unit' | 'number';

export interface CompletionCandidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert (defaults to the label); a snippet with `${1:…}` placeholders when `snippet`. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
}

export interface CompletionResult {
  /** True when the list was cut short (ask again after more typing). */
  incomplete: boolean;
  /** Offsets of the partial word the candidates replace. */
  replaceStart: number;
  replaceEnd: number;
  items: CompletionCandidate[];
}

export type BlockKind = 'top' | 'network' | 'switch' | 'slice' | 'flowspace' | 'qos' | 'class' | 'limits' | 'unknown';

interface Tok {
  text: string;
  start: number;
}

const WORD_CHARS = /[A-Za-z0-9_:.*/-]/;

/** Tolerant tokens of `text[0, end)`: words, `{`, `}`, `,`, `<->`; comments and strings dropped (strings kept as `"`). */
function scan(text: string, end: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < end) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      i = j < 0 ? end : j + 2;
      continue;
    }
    if (c === '"') {
      const s = i++;
      while (i < end && text[i] !== '"' && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        i++;
      }
      i++;
      out.push({ text: '"', start: s });
      continue;
    }
    if (c === '{' || c === '}' || c === ',') {
      out.push({ text: c, start: i });
      i++;
      continue;
    }
    if (c === '<' && text.startsWith('<->', i)) {
      out.push({ text: '<->', start: i });
      i += 3;
      continue;
    }
    if (WORD_CHARS.test(c)) {
      const s = i;
      while (i < end && WORD_CHARS.test(text[i]!)) i++;
      out.push({ text: text.slice(s, i), start: s });
      continue;
    }
    i++;
  }
  return out;
}

const STATEMENT_STARTS: Record<BlockKind, string[]> = {
  top: ['network', 'slice'],
  network: ['switch', 'link', 'core'],
  switch: ['port'],
  slice: ['owner', 'controller', 'overlay', 'flowspace', 'qos', 'limits'],
  flowspace: [],
  qos: ['guarantee', 'cap', 'class'],
  class: ['match', 'min', 'max', 'priority'],
  limits: ['flow_entries', 'control_rate', 'packet_in_rate'],
  unknown: [],
};

function blockFor(parent: BlockKind, header: string | undefined): BlockKind {
  switch (header) {
    case 'network':
      return parent === 'top' ? 'network' : 'unknown';
    case 'switch':
      return parent === 'network' ? 'switch' : 'unknown';
    case 'slice':
      return parent === 'top' ? 'slice' : 'unknown';
    case 'flowspace':
    case 'qos':
    case 'limits':
      return parent === 'slice' ? header : 'unknown';
    case 'class':
      return parent === 'qos' ? 'class' : 'unknown';
    default:
      return 'unknown';
  }
}

const isRuleLabel = (t: string) => /^[A-Za-z_][A-Za-z0-9_-]*:$/.test(t);

export interface CompletionContext {
  block: BlockKind;
  /** Tokens of the current statement before the partial word. */
  statement: string[];
  /** The partial word at the cursor. */
  prefix: string;
  /** The enclosing slice's name, if any. */
  slice?: string;
}

/** Finds the block and statement around the cursor. */
export function completionContext(text: string, offset: number): CompletionContext & { prefixStart: number } {
  let ps = offset;
  while (ps > 0 && WORD_CHARS.test(text[ps - 1]!)) ps--;
  const toks = scan(text, ps);
  const stack: Array<{ kind: BlockKind; stmt: string[]; name?: string }> = [{ kind: 'top', stmt: [] }];
  for (const t of toks) {
    const top = stack[stack.length - 1]!;
    if (t.text === '{') {
      const kind = blockFor(top.kind, top.stmt[0]);
      stack.push({ kind, stmt: [], name: kind === 'slice' ? top.stmt[1] : undefined });
      top.stmt = [];
      continue;
    }
    if (t.text === '}') {
      if (stack.length > 1) stack.pop();
      stack[stack.length - 1]!.stmt = [];
      continue;
    }
    const starts = STATEMENT_STARTS[top.kind];
    if (starts.includes(t.text) || (top.kind === 'flowspace' && isRuleLabel(t.text))) top.stmt = [t.text];
    else top.stmt.push(t.text);
  }
  const top = stack[stack.length - 1]!;
  const slice = [...stack].reverse().find((s) => s.kind === 'slice')?.name;
  return { block: top.kind, statement: top.stmt, prefix: text.slice(ps, offset), prefixStart: ps, slice };
}

const kw = (word: string, sort = '1'): CompletionCandidate => ({
  label: word,
  kind: 'keyword',
  documentation: KEYWORDS[word],
  sortText: sort + word,
});

/** A snippet candidate; its documentation is the keyword's (`doc`, default the key). */
const snippet = (key: string, label: string, detail: string, insertText: string, doc = key): CompletionCandidate => ({
  label,
  kind: 'snippet',
  detail,
  documentation: KEYWORDS[doc],
  snippet: true,
  sortText: `2${key}`,
  insertText,
});

const SNIPPETS: Record<string, CompletionCandidate> = {
  network: snippet(
    'network',
    'network block',
    'network NAME { … }',
    'network ${1:name} {\n\tswitch ${2:s1} dpid ${3:1} {\n\t\tport ${4:1..4} speed ${5:1Gbps}\n\t}\n}',
  ),
  slice: snippet(
    'slice',
    'slice block',
    'slice NAME { … }',
    'slice ${1:name} {\n\towner "${2:owner@example.org}"\n\tcontroller "tcp:${3:127.0.0.1}:${4:6633}"\n\toverlay ${5:auto}\n\tflowspace {\n\t\t${6:rule}: match ${7:eth_type ipv4} on ${8:all}\n\t}\n}',
  ),
  flowspace: snippet(
    'flowspace',
    'flowspace block',
    'flowspace { … }',
    'flowspace {\n\t${1:rule}: match ${2:eth_type ipv4} on ${3:all} permit ${4:read write}\n}',
  ),
  qos: snippet('qos', 'qos block', 'qos { … }', 'qos {\n\tguarantee ${1:100Mbps} on ${2:link}\n\tcap ${3:500Mbps}\n}'),
  limits: snippet(
    'limits',
    'limits block',
    'limits { … }',
    'limits {\n\tflow_entries ${1:1000}\n\tcontrol_rate ${2:100}/s\n\tpacket_in_rate ${3:50}/s\n}',
  ),
  class: snippet(
    'class',
    'class block',
    'class NAME { … }',
    'class ${1:name} { match ${2:udp_dst 5004..5010} min ${3:50Mbps} max ${4:100Mbps} priority ${5:6} }',
  ),
  rule: snippet('rule', 'flowspace rule', 'NAME: match … on …', '${1:rule}: match ${2:eth_type ipv4} on ${3:all}', 'flowspace'),
  switch: snippet(
    'switch',
    'switch declaration',
    'switch NAME dpid N { port … }',
    'switch ${1:s1} dpid ${2:1} {\n\tport ${3:1..4} speed ${4:1Gbps}\n}',
  ),
  link: snippet('link', 'link declaration', 'link A <-> B capacity RATE', 'link ${1:s1:1} <-> ${2:s2:1} capacity ${3:1Gbps}'),
};

function fields(): CompletionCandidate[] {
  return FIELDS.map((f) => ({
    label: f.name,
    kind: 'field' as const,
    detail: f.oxm,
    sortText: `0${f.name}`,
    documentation: `${f.meaning}.\n\nOpenFlow: \`${f.oxm}\`. Values: ${f.values}.`,
  }));
}

function fieldValues(field: string, granted: string[] = []): CompletionCandidate[] {
  const f = fieldInfo(field);
  if (!f) return [];
  if (granted.length)
    return granted.map((v) => ({
      label: v,
      kind: 'value' as const,
      detail: 'granted',
      documentation: `\`${f.name} ${v}\` is in your grant (or any part of it)`,
      sortText: `0${v}`,
    }));
  if (f.names.length)
    return f.names.map((n) => ({
      label: n,
      kind: 'value' as const,
      detail: VALUE_NAMES[n],
      documentation: `\`${f.name} ${n}\`: ${VALUE_NAMES[n] ?? ''}`,
      sortText: `0${n}`,
    }));
  return [{ label: f.example, kind: 'value', detail: `example ${f.name} value`, documentation: `Values: ${f.values}.`, sortText: '0' }];
}

function switches(model: EditorProgram): CompletionCandidate[] {
  const allowed = model.portAllowed;
  const granted = (sw: { name: string; ports: Array<{ first: number; last: number }> | undefined }) =>
    !allowed || (sw.ports ?? [{ first: 1, last: 64 }]).some((p) => anyPort(p.first, p.last, (n) => allowed(sw.name, n)));
  return [...model.program.switches.values()].filter(granted).map((sw) => {
    const ports = portsText(sw);
    return {
      label: sw.name,
      kind: 'switch' as const,
      detail: sw.decl.dpid ? `dpid ${sw.decl.dpid.text}` : 'switch',
      documentation: `switch **${sw.name}**${ports !== undefined ? ` with ports ${ports}` : ' (any port)'}`,
      sortText: `1${sw.name}`,
    };
  });
}

function portsOf(model: EditorProgram, swName: string, withSwitch: boolean): CompletionCandidate[] {
  const ports = model.program.switches.get(swName)?.ports;
  if (!ports) return [];
  const out: CompletionCandidate[] = [];
  for (const p of ports) {
    for (let n = p.first; n <= p.last && n - p.first < 256; n++) {
      if (model.portAllowed && !model.portAllowed(swName, n)) continue;
      const label = withSwitch ? `${swName}:${n}` : String(n);
      out.push({
        label,
        kind: 'port',
        detail: [p.label, p.decl.speed?.text].filter(Boolean).join(' ') || `port of ${swName}`,
        documentation: `port ${n} of switch **${swName}**${p.label !== undefined ? ` "${p.label}"` : ''}${p.speedBps !== undefined ? `, ${formatRate(p.speedBps, 'spaced')}` : ''}`,
        sortText: `2${swName}${String(n).padStart(6, '0')}`,
      });
    }
  }
  if (!withSwitch && !model.portAllowed)
    out.push({ label: '*', kind: 'port', detail: 'every port', documentation: `every port of **${swName}**`, sortText: '3*' });
  return out;
}

/** Port references: switch names and `switch:port` pairs. Large networks get the pairs only once a prefix narrows them. */
function locations(model: EditorProgram, prefix: string, out: { incomplete: boolean }): CompletionCandidate[] {
  const colon = prefix.indexOf(':');
  if (colon >= 0) return portsOf(model, prefix.slice(0, colon), true);
  const res = switches(model);
  const pairs: CompletionCandidate[] = [];
  for (const name of model.program.switches.keys()) {
    if (prefix && !name.startsWith(prefix)) continue;
    pairs.push(...portsOf(model, name, true));
    if (pairs.length > PAIR_BUDGET) break;
  }
  if (pairs.length > PAIR_BUDGET) {
    out.incomplete = true;
    return res;
  }
  return res.concat(pairs);
}

/** Most `switch:port` pairs offered at once; beyond it the list is incomplete and the editor asks again as the user types. */
const PAIR_BUDGET = 300;

function links(model: EditorProgram): CompletionCandidate[] {
  return model.links.map((l) => {
    const rem = remainingBps(l);
    const label = linkLabel(l);
    return {
      label,
      kind: 'link' as const,
      detail: l.capacityBps === undefined ? 'unbounded' : `${formatRate(rem!, 'spaced')} free of ${formatRate(l.capacityBps, 'spaced')}`,
      documentation: `link **${label}**: capacity ${l.capacityBps === undefined ? 'unbounded' : formatRate(l.capacityBps, 'spaced')}, guaranteed ${formatRate(l.reservedBps, 'spaced')}`,
      sortText: `1${label}`,
    };
  });
}

/** The virtual links of the slice being edited (managed core): `e1 <-> e2`, first. */
function virtualLinks(model: EditorProgram, slice: string | undefined): CompletionCandidate[] {
  const info = slice === undefined ? undefined : model.program.sliceByName.get(slice);
  const view = info && sliceCoreView(model.program, info);
  return (view?.virtualLinks ?? []).map((v) => ({
    label: `${v.a} <-> ${v.b}`,
    kind: 'link' as const,
    detail: 'virtual link across the core',
    documentation: `virtual link **${v.id}**, shortest path ${corePathText(v.a, v.b, v.paths[0]!)}`,
    sortText: `0${v.id}`,
  }));
}

/** Overlay tags of a mode that some slice uses. */
export function usedTags(model: EditorProgram, mode: 'vlan' | 'mpls'): Set<number> {
  const used = new Set<number>();
  for (const s of model.program.slices)
    for (const st of s.decl.statements) {
      if (st.kind === 'Overlay' && st.mode === mode && st.tag?.value !== undefined) used.add(st.tag.value);
    }
  return used;
}

/** The first tag of a mode no slice uses, from `from`. */
export function freeTag(model: EditorProgram, mode: 'vlan' | 'mpls', from: number): number {
  const used = usedTags(model, mode);
  let t = from;
  while (used.has(t)) t++;
  return t;
}

const RATE_UNITS = ['Mbps', 'Gbps', 'Kbps', 'bps', 'Tbps'];

function rateUnits(prefix: string): CompletionCandidate[] {
  const m = /^(\d+(?:\.\d+)?)/.exec(prefix);
  if (!m) return [];
  return RATE_UNITS.map((u, i) => ({
    label: m[1] + u,
    kind: 'unit' as const,
    detail: u,
    documentation: `${m[1]} ${u}`,
    sortText: String(i),
  }));
}

function anyPort(first: number, last: number, ok: (n: number) => boolean): boolean {
  for (let n = first; n <= last && n - first < 256; n++) if (ok(n)) return true;
  return false;
}

/** Inside a slice whose owner has a grant that names ports: only those ports (and its link ports) are offered. */
function grantScoped(model: EditorProgram, file: SourceFile, offset: number): EditorProgram {
  // The slice around the cursor; while typing, an unclosed last slice ends before the cursor.
  const slice = file.items.find(
    (i, k) => i.kind === 'Slice' && i.range.start.offset <= offset && (offset <= i.range.end.offset || k === file.items.length - 1),
  );
  if (slice?.kind !== 'Slice' || model.program.grants.length === 0) return model;
  const owner = slice.statements.find((s) => s.kind === 'Owner');
  const g = owner?.kind === 'Owner' && owner.value ? grantModels(model.program).get(owner.value.value) : undefined;
  if (!g) return model;
  const scoped: EditorProgram = { ...model, grantValues: grantedValues(model, g.matchAt?.owner) };
  const ports = g.ports;
  if (!ports) return scoped;
  const links = grantLinkPorts(model.program, g);
  scoped.portAllowed = (sw: string, n: number): boolean => {
    const iv = ports.get(sw);
    return iv === 'all' || links.get(sw)?.has(n) === true || (iv ?? []).some(([a, b]) => a <= n && n <= b);
  };
  return scoped;
}

/** The values the `match` lines of `owner`'s grant give each field, as written. */
function grantedValues(model: EditorProgram, owner: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const decl = owner === undefined ? undefined : model.program.grantByOwner.get(owner)?.decl;
  for (const it of decl?.items ?? []) {
    if (it.kind !== 'GrantMatch') continue;
    for (const fm of it.match) {
      if (!fm.value) continue;
      const list = out.get(fm.field.name) ?? [];
      if (!list.includes(fm.value.text)) list.push(fm.value.text);
      out.set(fm.field.name, list);
    }
  }
  return out;
}

/** Completion candidates at an offset of a file. */
export function completeAt(model: EditorProgram, file: SourceFile, offset: number): CompletionResult {
  const ctx = completionContext(file.text, offset);
  const flags = { incomplete: false };
  const items = candidates(grantScoped(model, file, offset), ctx, flags);
  return { incomplete: flags.incomplete, replaceStart: ctx.prefixStart, replaceEnd: offset, items };
}

function candidates(model: EditorProgram, ctx: CompletionContext, flags: { incomplete: boolean }): CompletionCandidate[] {
  const st = ctx.statement;
  const last = st[st.length - 1];
  const first = st[0];
  switch (ctx.block) {
    case 'top':
      if (st.length === 0) return [kw('network'), kw('slice'), kw('grant'), SNIPPETS['network']!, SNIPPETS['slice']!];
      if (first === 'slice' && st.length === 1) {
        // Existing slice names, for reference (a new slice needs a new name).
        return [...model.program.sliceByName.keys()].map((n) => ({
          label: n,
          kind: 'slice' as const,
          detail: 'existing slice',
          documentation: `slice **${n}** already exists`,
          sortText: `9${n}`,
        }));
      }
      return [];
    case 'network':
      if (st.length === 0) return [kw('switch'), kw('link'), kw('core'), SNIPPETS['switch']!, SNIPPETS['link']!];
      // `core c1, c2`: the switches not in the core yet.
      if (first === 'core' && (st.length === 1 || last === ','))
        return switches(model).filter((c) => !model.program.core.has(c.label) && !st.includes(c.label));
      if (first === 'switch' && st.length === 2) return [kw('dpid')];
      if (first === 'switch' && st.length === 4) return [kw('ovsdb')];
      if (first === 'link') {
        if (st.length === 1 || last === '<->') return locations(model, ctx.prefix, flags);
        if (st.length === 2) return [{ label: '<->', kind: 'keyword', documentation: KEYWORDS['link'] }];
        if (st.length === 4) return [kw('capacity')];
        if (last === 'capacity') return rateUnits(ctx.prefix);
      }
      return [];
    case 'switch':
      if (st.length === 0) return [kw('port')];
      if (first === 'port' && last === 'speed') return rateUnits(ctx.prefix);
      if (first === 'port' && st.length >= 2) return [kw('speed')];
      return [];
    case 'slice':
      if (st.length === 0) {
        return ['owner', 'controller', 'overlay', 'flowspace', 'qos', 'limits']
          .map((k) => kw(k))
          .concat([SNIPPETS['flowspace']!, SNIPPETS['qos']!, SNIPPETS['limits']!]);
      }
      if (first === 'overlay' && st.length === 1) return [kw('vlan'), kw('mpls'), kw('auto')];
      if (first === 'overlay' && st.length === 2 && (last === 'vlan' || last === 'mpls')) {
        const t = freeTag(model, last, last === 'vlan' ? 100 : 1000);
        return [
          {
            label: String(t),
            kind: 'number',
            detail: `free ${last} tag`,
            documentation: `No other slice uses ${last} ${t}.`,
            sortText: '0',
          },
        ];
      }
      if (first === 'controller')
        return [{ label: '"tcp:127.0.0.1:6633"', kind: 'value', detail: 'controller endpoint', documentation: KEYWORDS['controller'] }];
      return [];
    case 'flowspace':
      return flowRule(model, ctx, flags);
    case 'qos':
      if (st.length === 0) return [kw('guarantee'), kw('cap'), kw('class'), SNIPPETS['class']!];
      if ((first === 'guarantee' || first === 'cap') && st.length === 1) return rateUnits(ctx.prefix);
      if (first === 'guarantee') {
        if (st.length === 2) return [kw('on')];
        if (last === 'on' || last === ',') return [...virtualLinks(model, ctx.slice), ...links(model)];
        if (last === '<->') return locations(model, ctx.prefix, flags);
      }
      return [];
    case 'class':
      return matchPart(ctx, ['min', 'max', 'priority']);
    case 'limits':
      if (st.length === 0) return ['flow_entries', 'control_rate', 'packet_in_rate'].map((k) => kw(k));
      if (first === 'flow_entries' && st.length === 2) return [kw('on')];
      if (first === 'flow_entries' && last === 'on') return switches(model);
      return [];
    default:
      return [];
  }
}

/** After `match`: a field name, or a value for the field just written. */
function matchPart(ctx: CompletionContext, after: string[], model?: EditorProgram): CompletionCandidate[] {
  const st = ctx.statement;
  const last = st[st.length - 1];
  const mi = st.lastIndexOf('match');
  if (mi < 0 || after.some((k) => st.lastIndexOf(k) > mi)) {
    if (last && ['min', 'max', 'priority'].includes(last)) return last === 'priority' ? [] : rateUnits(ctx.prefix);
    return ['match', ...after].map((k) => kw(k));
  }
  if (last && fieldInfo(last) && (st.length - mi - 1) % 2 === 1) return fieldValues(last, model?.grantValues?.get(last));
  return [...fields(), ...after.map((k) => kw(k, '5'))];
}

function flowRule(model: EditorProgram, ctx: CompletionContext, flags: { incomplete: boolean }): CompletionCandidate[] {
  const st = ctx.statement;
  const last = st[st.length - 1];
  if (st.length === 0) return [SNIPPETS['rule']!];
  if (st.length === 1 && isRuleLabel(st[0]!)) return [kw('match')];
  const pi = st.lastIndexOf('permit');
  const oi = st.lastIndexOf('on');
  if (last === 'priority') return [];
  if (pi >= 0 && pi > oi) return ['read', 'write', 'delegate', 'priority'].map((k) => kw(k));
  if (oi >= 0) {
    if (last === 'on' || last === ',') return [kw('all', '0'), ...locations(model, ctx.prefix, flags)];
    return [kw('permit'), kw('priority'), ...(ctx.prefix.includes(':') ? locations(model, ctx.prefix, flags) : [])];
  }
  return matchPart(ctx, ['on'], model);
}
