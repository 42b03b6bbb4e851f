// Binds a workspace into one Program: declarations become symbols, name references
// are resolved, and what cannot be bound is reported (SL101–SL106).
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import type {
  CoreDecl,
  GrantDecl,
  Ident,
  LinkDecl,
  LinkRef,
  NetworkDecl,
  PortRef,
  Range,
  SliceDecl,
  SourceFile,
  SwitchDecl,
} from '../syntax/ast.js';
import {
  emptyProgram,
  findPort,
  linkEndText,
  linkKey,
  switchHasPort,
  type LinkEndInfo,
  type LinkInfo,
  type PortInfo,
  type Program,
  type ProgramSymbol,
  type SliceInfo,
  type SwitchInfo,
  type SymbolKind,
} from './program.js';

export interface BindResult {
  program: Program;
  diagnostics: Diagnostic[];
}

export function bindWorkspace(input: SourceFile[]): BindResult {
  return new Binder(input).run();
}

class Binder {
  private readonly files: SourceFile[];
  private readonly diags: Diagnostic[] = [];
  private readonly program: Program;
  private readonly dpids = new Map<bigint, SwitchInfo>();
  private readonly linkSymbolsByKey: Map<string, LinkInfo>;

  constructor(input: SourceFile[]) {
    this.program = emptyProgram(input);
    this.files = this.program.files;
    this.linkSymbolsByKey = this.program.linkByKey;
  }

  run(): BindResult {
    const networks: Array<{ file: string; decl: NetworkDecl }> = [];
    const slices: Array<{ file: string; decl: SliceDecl }> = [];
    const grants: Array<{ file: string; decl: GrantDecl }> = [];
    for (const f of this.files) {
      for (const item of f.items) {
        if (item.kind === 'Network') networks.push({ file: f.path, decl: item });
        else if (item.kind === 'Slice') slices.push({ file: f.path, decl: item });
        else grants.push({ file: f.path, decl: item });
      }
    }
    for (const n of networks) this.bindNetwork(n.file, n.decl);
    for (const n of networks) for (const m of n.decl.members) if (m.kind === 'Switch') this.bindSwitch(n.file, m);
    for (const n of networks) for (const m of n.decl.members) if (m.kind === 'Link') this.bindLink(n.file, m);
    for (const n of networks) for (const m of n.decl.members) if (m.kind === 'Core') this.bindCore(n.file, m);
    for (const s of slices) this.bindSlice(s.file, s.decl);
    for (const g of grants) this.bindGrant(g.file, g.decl);
    return { program: this.program, diagnostics: this.diags };
  }

  private symbol(kind: SymbolKind, name: string, file: string, range: Range, declRange: Range, container?: string): number {
    const id = this.program.symbols.length;
    const s: ProgramSymbol = { id, kind, name, file, range, declRange };
    if (container !== undefined) s.container = container;
    this.program.symbols.push(s);
    return id;
  }

  private ref(file: string, range: Range, symbolId: number): void {
    this.program.references.push({ file, range, symbolId });
  }

  private sym(id: number): ProgramSymbol {
    return this.program.symbols[id];
  }

  private duplicate(file: string, name: Ident, what: string, firstId: number): void {
    const first = this.sym(firstId);
    this.diags.push(
      diagnostic(file, name.range, 'error', 'SL104', `duplicate ${what} '${name.name}'`, [
        related(first.file, first.range, `'${name.name}' is first declared here`),
      ]),
    );
  }

  // ------------------------------------------------------------ network

  private bindNetwork(file: string, decl: NetworkDecl): void {
    if (!decl.name) return;
    const net = this.program.network;
    if (!net) {
      this.program.network = { name: decl.name.name, file, decl };
      this.symbol('network', decl.name.name, file, decl.name.range, decl.range);
      return;
    }
    const netSym = this.program.symbols.find((s) => s.kind === 'network');
    if (decl.name.name === net.name) {
      if (netSym) this.ref(file, decl.name.range, netSym.id);
      return;
    }
    this.diags.push(
      diagnostic(
        file,
        decl.name.range,
        'error',
        'SL106',
        `network '${decl.name.name}' is a second network: this workspace's network is '${net.name}' (blocks of one network must share its name)`,
        [related(net.file, net.decl.name!.range, `network '${net.name}' is declared here`)],
        { expected: net.name },
      ),
    );
  }

  private bindSwitch(file: string, decl: SwitchDecl): void {
    if (!decl.name) return;
    const name = decl.name.name;
    const id = this.symbol('switch', name, file, decl.name.range, decl.range);
    const existing = this.program.switches.get(name);
    if (existing) this.duplicate(file, decl.name, 'switch', existing.symbolId);
    const info: SwitchInfo = { symbolId: id, name, file, decl, dpid: decl.dpid?.value, ports: undefined };
    if (decl.ports) {
      info.ports = [];
      for (const p of decl.ports) {
        const first = p.first?.value;
        const last = p.last ? p.last.value : first;
        if (first === undefined || last === undefined || last < first) continue;
        const text = first === last ? String(first) : `${first}..${last}`;
        const pid = this.symbol('port', text, file, rangeOf(p.first!.range, (p.last ?? p.first!).range), p.range, name);
        const clash = info.ports.find((q) => q.first <= last && first <= q.last);
        if (clash) {
          const c = this.sym(clash.symbolId);
          this.diags.push(
            diagnostic(file, this.sym(pid).range, 'error', 'SL104', `duplicate port ${text} on switch '${name}'`, [
              related(c.file, c.range, `port ${c.name} of '${name}' is declared here`),
            ]),
          );
          continue;
        }
        const pi: PortInfo = { symbolId: pid, first, last, decl: p };
        if (p.label) pi.label = p.label.value;
        if (p.speed?.bps !== undefined) pi.speedBps = p.speed.bps;
        info.ports.push(pi);
      }
    }
    // A duplicate's ports and dpid are still checked; references resolve to the first one.
    if (!existing) this.program.switches.set(name, info);
    if (info.dpid !== undefined) {
      const other = this.dpids.get(info.dpid);
      if (other && other.name === name) {
        // A repeated declaration of the same switch with its own dpid: SL104 says it all.
      } else if (other) {
        const o = this.sym(other.symbolId);
        this.diags.push(
          diagnostic(
            file,
            decl.dpid!.range,
            'error',
            'SL105',
            `duplicate dpid ${decl.dpid!.text}: switches '${name}' and '${other.name}' have the same datapath id`,
            [related(o.file, other.decl.dpid!.range, `switch '${other.name}' has dpid ${other.decl.dpid!.text}`)],
          ),
        );
      } else {
        this.dpids.set(info.dpid, info);
      }
    }
  }

  /** Resolves the switch of a port reference (SL101 when unknown). */
  private resolveSwitch(file: string, ident: Ident): SwitchInfo | undefined {
    const sw = this.program.switches.get(ident.name);
    if (!sw) {
      const known = [...this.program.switches.keys()];
      this.diags.push(
        diagnostic(file, ident.range, 'error', 'SL101', `unknown switch '${ident.name}'`, [], {
          switch: ident.name,
          name: ident.name,
          known: known.slice(0, 50),
        }),
      );
      return undefined;
    }
    this.ref(file, ident.range, sw.symbolId);
    return sw;
  }

  private checkPort(file: string, sw: SwitchInfo, port: number, range: Range): boolean {
    if (switchHasPort(sw, port)) {
      const p = findPort(sw, port);
      if (p) this.ref(file, range, p.symbolId);
      return true;
    }
    const s = this.sym(sw.symbolId);
    this.diags.push(
      diagnostic(
        file,
        range,
        'error',
        'SL102',
        `port ${port} is not declared on switch '${sw.name}'`,
        [related(s.file, s.range, `switch '${sw.name}' is declared here`)],
        { switch: sw.name, port },
      ),
    );
    return false;
  }

  /** Binds a location-style port reference; returns the switch when it is known. */
  private bindPortRef(file: string, ref: PortRef): SwitchInfo | undefined {
    const sw = this.resolveSwitch(file, ref.switch);
    if (!sw) return undefined;
    const ports = ref.ports;
    if (ports.form === 'single' && ports.port.value !== undefined) {
      this.checkPort(file, sw, ports.port.value, ports.port.range);
    } else if (
      ports.form === 'range' &&
      ports.first.value !== undefined &&
      ports.last.value !== undefined &&
      ports.first.value <= ports.last.value &&
      sw.ports
    ) {
      const missing: number[] = [];
      for (let p = ports.first.value; p <= ports.last.value && missing.length < 1000; p++) {
        if (!switchHasPort(sw, p)) missing.push(p);
      }
      if (missing.length) {
        const s = this.sym(sw.symbolId);
        const range = rangeOf(ports.first.range, ports.last.range);
        this.diags.push(
          diagnostic(
            file,
            range,
            'error',
            'SL102',
            `port${missing.length > 1 ? 's' : ''} ${compactPorts(missing)} ${missing.length > 1 ? 'are' : 'is'} not declared on switch '${sw.name}'`,
            [related(s.file, s.range, `switch '${sw.name}' is declared here`)],
            { switch: sw.name, port: missing[0], ports: missing },
          ),
        );
      }
    }
    return sw;
  }

  /** A link end: a known switch and one declared port. */
  private bindLinkEnd(file: string, ref: PortRef): LinkEndInfo | undefined {
    const sw = this.resolveSwitch(file, ref.switch);
    if (!sw) return undefined;
    if (ref.ports.form !== 'single') {
      this.diags.push(diagnostic(file, ref.range, 'error', 'SL201', `a link end must be one port (switch:port), not '${rangeText(ref)}'`));
      return undefined;
    }
    const port = ref.ports.port.value;
    if (port === undefined) return undefined;
    if (!this.checkPort(file, sw, port, ref.ports.port.range)) return undefined;
    return { switch: sw.name, port };
  }

  private bindLink(file: string, decl: LinkDecl): void {
    const a = decl.a ? this.bindLinkEnd(file, decl.a) : undefined;
    const b = decl.b ? this.bindLinkEnd(file, decl.b) : undefined;
    if (!a || !b) return;
    const id = `${linkEndText(a)}<->${linkEndText(b)}`;
    const key = linkKey(a, b);
    const nameRange = rangeOf(decl.a!.range, decl.b!.range);
    const sid = this.symbol('link', id, file, nameRange, decl.range);
    const existing = this.linkSymbolsByKey.get(key);
    if (existing) {
      const e = this.sym(existing.symbolId);
      this.diags.push(
        diagnostic(file, nameRange, 'error', 'SL104', `duplicate link ${id}`, [
          related(e.file, e.range, `link ${e.name} is declared here`),
        ]),
      );
      return;
    }
    let capacityBps: number | null = null;
    if (decl.capacity) {
      capacityBps = decl.capacity.bps ?? null;
    } else {
      const speeds = [a, b]
        .map((e) => findPort(this.program.switches.get(e.switch)!, e.port)?.speedBps)
        .filter((s): s is number => s !== undefined);
      if (speeds.length) capacityBps = Math.min(...speeds);
    }
    const info: LinkInfo = { symbolId: sid, file, decl, a, b, id, key, capacityBps };
    this.program.links.push(info);
    this.linkSymbolsByKey.set(key, info);
  }

  /** `core c1, c2`: known switches (SL101 otherwise), each once (SL104 for a repeat). */
  private bindCore(file: string, decl: CoreDecl): void {
    for (const ident of decl.switches) {
      const sw = this.resolveSwitch(file, ident);
      if (!sw) continue;
      const first = this.program.core.get(sw.name);
      if (first) {
        this.diags.push(
          diagnostic(file, ident.range, 'error', 'SL104', `switch '${sw.name}' is already in the core`, [
            related(first.file, first.range, `'${sw.name}' is first named in the core here`),
          ]),
        );
        continue;
      }
      this.program.core.set(sw.name, { switch: sw.name, file, range: ident.range });
    }
  }

  // ------------------------------------------------------------ slices

  private bindSlice(file: string, decl: SliceDecl): void {
    const name = decl.name?.name;
    let info: SliceInfo | undefined;
    if (decl.name && name !== undefined) {
      const id = this.symbol('slice', name, file, decl.name.range, decl.range);
      // A duplicate is reported and still checked as a slice of its own (tags, admission,
      // overlap): the checker never drops a declaration because of another problem.
      info = { symbolId: id, name, file, decl, rules: [], classes: [] };
      this.program.slices.push(info);
      const existing = this.program.sliceByName.get(name);
      if (existing) this.duplicate(file, decl.name, 'slice', existing.symbolId);
      else this.program.sliceByName.set(name, info);
    }
    const sliceName = name ?? '?';
    const ruleIds = new Map<string, number>();
    const classIds = new Map<string, number>();
    for (const st of decl.statements) {
      if (st.kind === 'Flowspace') {
        for (const r of st.rules) {
          if (r.name) {
            const id = this.symbol('rule', r.name.name, file, r.name.range, r.range, sliceName);
            const first = ruleIds.get(r.name.name);
            if (first !== undefined) this.duplicate(file, r.name, `rule in slice '${sliceName}'`, first);
            else ruleIds.set(r.name.name, id);
            // A duplicate rule still owns its flowspace: it is checked for overlaps too.
            info?.rules.push({ symbolId: id, name: r.name.name, slice: sliceName, file, decl: r });
          }
          for (const loc of r.locations ?? []) if (loc.kind === 'PortRef') this.bindPortRef(file, loc);
        }
      } else if (st.kind === 'Qos') {
        for (const q of st.items) {
          if (q.kind === 'Class' && q.name) {
            const id = this.symbol('class', q.name.name, file, q.name.range, q.range, sliceName);
            const first = classIds.get(q.name.name);
            if (first !== undefined) this.duplicate(file, q.name, `class in slice '${sliceName}'`, first);
            else {
              classIds.set(q.name.name, id);
              info?.classes.push({ symbolId: id, name: q.name.name, slice: sliceName, file, decl: q });
            }
          } else if (q.kind === 'Guarantee') {
            for (const l of q.links) this.bindLinkRef(file, l);
          }
        }
      } else if (st.kind === 'Limits') {
        for (const it of st.items) if (it.kind === 'FlowEntries' && it.on) this.resolveSwitch(file, it.on);
      }
    }
  }

  // ------------------------------------------------------------ grants

  private bindGrant(file: string, decl: GrantDecl): void {
    for (const it of decl.items) {
      if (it.kind === 'GrantPorts') {
        for (const loc of it.ports) if (loc.kind === 'PortRef') this.bindPortRef(file, loc);
      } else if (it.kind === 'Limits') {
        for (const l of it.items) if (l.kind === 'FlowEntries' && l.on) this.resolveSwitch(file, l.on);
      }
    }
    if (!decl.owner) return;
    const owner = decl.owner.value;
    const first = this.program.grantByOwner.get(owner);
    this.program.grants.push({ owner, parent: decl.parent?.value, file, decl });
    if (!first) {
      this.program.grantByOwner.set(owner, this.program.grants[this.program.grants.length - 1]!);
      return;
    }
    this.diags.push(
      diagnostic(file, decl.owner.range, 'error', 'SL104', `duplicate grant for ${decl.owner.text}: an owner has one grant`, [
        related(first.file, first.decl.owner!.range, `the grant for ${decl.owner.text} is first declared here`),
      ]),
    );
  }

  private bindLinkRef(file: string, l: LinkRef): void {
    if (l.a.ports.form === 'switch' && l.b?.ports.form === 'switch') {
      // `A <-> B` with two bare switches: a virtual link across the managed core (checked in check/core.ts).
      this.resolveSwitch(file, l.a.switch);
      this.resolveSwitch(file, l.b.switch);
      return;
    }
    const a = this.bindLinkEnd(file, l.a);
    const b = l.b ? this.bindLinkEnd(file, l.b) : undefined;
    if (!a || !b) return;
    const link = this.linkSymbolsByKey.get(linkKey(a, b));
    if (link) {
      this.ref(file, l.range, link.symbolId);
      return;
    }
    this.diags.push(
      diagnostic(
        file,
        l.range,
        'error',
        'SL103',
        `no link ${linkEndText(a)} <-> ${linkEndText(b)} is declared in network '${this.program.network?.name ?? '?'}'`,
        [],
        { a: linkEndText(a), b: linkEndText(b) },
      ),
    );
  }
}

export function rangeOf(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

function rangeText(ref: PortRef): string {
  const p = ref.ports;
  switch (p.form) {
    case 'single':
      return `${ref.switch.name}:${p.port.text}`;
    case 'range':
      return `${ref.switch.name}:${p.first.text}..${p.last.text}`;
    case 'any':
      return `${ref.switch.name}:*`;
    case 'switch':
      return ref.switch.name;
  }
}

/** `1..3, 7` from a sorted list of numbers. */
export function compactPorts(ns: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
    out.push(i === j ? String(ns[i]) : `${ns[i]}..${ns[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}
