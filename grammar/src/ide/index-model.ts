// A workspace index over the syntax trees: every declaration and every
// reference by name, the switches, links and slices, and link admission
// (capacity, reserved by guarantees, remaining). Plain data, rebuilt per check.
import type {
  LinkDecl, LinkRef, NetworkDecl, PortDecl, PortRef, Range, SliceDecl, SourceFile, SwitchDecl,
} from '../syntax/ast.js';

export type SymbolKind = 'network' | 'switch' | 'port' | 'link' | 'slice' | 'rule' | 'class';

/** What a name denotes: the unit of definition, references and rename. */
export interface SymbolKey {
  kind: SymbolKind;
  name: string;
  /** For rules and classes: the slice; for ports: the switch. */
  container?: string;
}

export interface SymbolDecl {
  key: SymbolKey;
  file: string;
  /** The whole declaration. */
  range: Range;
  /** The name (or, for ports and links, the text that identifies them). */
  nameRange: Range;
  /** Whether the name can be renamed. */
  renamable: boolean;
  detail?: string;
}

export interface SymbolRef {
  key: SymbolKey;
  file: string;
  range: Range;
}

export interface SwitchInfo {
  decl: SwitchDecl;
  file: string;
}

export interface LinkInfo {
  /** `s1:3<->s2:3` as declared. */
  id: string;
  decl: LinkDecl;
  file: string;
  a: { switch: string; port: number };
  b: { switch: string; port: number };
  /** bit/s; undefined when unbounded. */
  capacityBps: number | undefined;
  /** Sum of the guarantees on this link. */
  reservedBps: number;
  guarantees: Array<{ slice: string; bps: number; file: string; range: Range }>;
}

export interface SliceInfo {
  decl: SliceDecl;
  file: string;
}

export interface WorkspaceIndex {
  files: Map<string, SourceFile>;
  decls: SymbolDecl[];
  refs: SymbolRef[];
  networks: Array<{ decl: NetworkDecl; file: string }>;
  switches: Map<string, SwitchInfo[]>;
  links: LinkInfo[];
  slices: Map<string, SliceInfo[]>;
}

export function keyId(k: SymbolKey): string {
  return `${k.kind}|${k.container ?? ''}|${k.name}`;
}

/** The single port a reference names, if it names exactly one. */
export function singlePort(ref: PortRef): number | undefined {
  return ref.ports.form === 'single' ? ref.ports.port.value : undefined;
}

/** Whether a port declaration covers a port number. */
export function portCovers(p: PortDecl, n: number): boolean {
  const first = p.first?.value;
  if (first === undefined) return false;
  const last = p.last?.value ?? first;
  return n >= first && n <= last;
}

export function findPortDecl(sw: SwitchDecl, n: number): PortDecl | undefined {
  return sw.ports?.find((p) => portCovers(p, n));
}

function linkEndsEqual(l: LinkInfo, a: { switch: string; port: number }, b: { switch: string; port: number }): boolean {
  const eq = (x: { switch: string; port: number }, y: { switch: string; port: number }) => x.switch === y.switch && x.port === y.port;
  return (eq(l.a, a) && eq(l.b, b)) || (eq(l.a, b) && eq(l.b, a));
}

/** The declared link a guarantee's `PORT <-> PORT` names, if any. */
export function findLink(index: WorkspaceIndex, ref: LinkRef): LinkInfo | undefined {
  const a = ref.a && singlePort(ref.a);
  const b = ref.b && singlePort(ref.b);
  if (a === undefined || b === undefined || !ref.b) return undefined;
  return index.links.find((l) => linkEndsEqual(l, { switch: ref.a.switch.name, port: a }, { switch: ref.b!.switch.name, port: b }));
}

export function firstSwitch(index: WorkspaceIndex, name: string): SwitchInfo | undefined {
  return index.switches.get(name)?.[0];
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v); else m.set(k, [v]);
}

function portSpeed(index: WorkspaceIndex, sw: string, port: number): number | undefined {
  const info = firstSwitch(index, sw);
  if (!info) return undefined;
  return findPortDecl(info.decl, port)?.speed?.bps;
}

/** Builds the index of a workspace's files. */
export function buildIndex(files: readonly SourceFile[]): WorkspaceIndex {
  const index: WorkspaceIndex = {
    files: new Map(files.map((f) => [f.path, f])),
    decls: [], refs: [], networks: [], switches: new Map(), links: [], slices: new Map(),
  };
  const pendingLinks: Array<{ decl: LinkDecl; file: string }> = [];
  const refPort = (file: string, r: PortRef): void => {
    index.refs.push({ key: { kind: 'switch', name: r.switch.name }, file, range: r.switch.range });
    if (r.ports.form === 'single' && r.ports.port.value !== undefined) {
      index.refs.push({ key: { kind: 'port', name: String(r.ports.port.value), container: r.switch.name }, file, range: r.ports.port.range });
    }
  };

  for (const f of files) {
    for (const item of f.items) {
      if (item.kind === 'Network') {
        index.networks.push({ decl: item, file: f.path });
        if (item.name) index.decls.push({ key: { kind: 'network', name: item.name.name }, file: f.path, range: item.range, nameRange: item.name.range, renamable: true });
        for (const m of item.members) {
          if (m.kind === 'Switch') {
            if (!m.name) continue;
            push(index.switches, m.name.name, { decl: m, file: f.path });
            index.decls.push({ key: { kind: 'switch', name: m.name.name }, file: f.path, range: m.range, nameRange: m.name.range, renamable: true, detail: m.dpid ? `dpid ${m.dpid.text}` : undefined });
            for (const p of m.ports ?? []) {
              const first = p.first?.value;
              if (first === undefined) continue;
              const last = p.last?.value ?? first;
              for (let n = first; n <= last && n - first < 4096; n++) {
                index.decls.push({ key: { kind: 'port', name: String(n), container: m.name.name }, file: f.path, range: p.range, nameRange: p.first!.range, renamable: false, detail: p.label?.value });
              }
            }
          } else if (m.kind === 'Link') {
            pendingLinks.push({ decl: m, file: f.path });
            if (m.a) refPort(f.path, m.a);
            if (m.b) refPort(f.path, m.b);
          }
        }
      } else if (item.kind === 'Slice') {
        if (item.name) {
          push(index.slices, item.name.name, { decl: item, file: f.path });
          index.decls.push({ key: { kind: 'slice', name: item.name.name }, file: f.path, range: item.range, nameRange: item.name.range, renamable: true });
        }
        const sliceName = item.name?.name ?? '';
        for (const st of item.statements) {
          if (st.kind === 'Flowspace') {
            for (const r of st.rules) {
              if (r.name) index.decls.push({ key: { kind: 'rule', name: r.name.name, container: sliceName }, file: f.path, range: r.range, nameRange: r.name.range, renamable: true });
              for (const loc of r.locations ?? []) if (loc.kind === 'PortRef') refPort(f.path, loc);
            }
          } else if (st.kind === 'Qos') {
            for (const q of st.items) {
              if (q.kind === 'Class' && q.name) {
                index.decls.push({ key: { kind: 'class', name: q.name.name, container: sliceName }, file: f.path, range: q.range, nameRange: q.name.range, renamable: true });
              } else if (q.kind === 'Guarantee') {
                for (const l of q.links) { refPort(f.path, l.a); if (l.b) refPort(f.path, l.b); }
              }
            }
          } else if (st.kind === 'Limits') {
            for (const li of st.items) {
              if (li.kind === 'FlowEntries' && li.on) index.refs.push({ key: { kind: 'switch', name: li.on.name }, file: f.path, range: li.on.range });
            }
          }
        }
      }
    }
  }

  for (const { decl, file } of pendingLinks) {
    if (!decl.a || !decl.b) continue;
    const pa = singlePort(decl.a);
    const pb = singlePort(decl.b);
    if (pa === undefined || pb === undefined) continue;
    const a = { switch: decl.a.switch.name, port: pa };
    const b = { switch: decl.b.switch.name, port: pb };
    let cap = decl.capacity?.bps;
    if (cap === undefined) {
      const speeds = [portSpeed(index, a.switch, a.port), portSpeed(index, b.switch, b.port)].filter((s): s is number => s !== undefined);
      cap = speeds.length ? Math.min(...speeds) : undefined;
    }
    const id = `${a.switch}:${a.port}<->${b.switch}:${b.port}`;
    const info: LinkInfo = { id, decl, file, a, b, capacityBps: cap, reservedBps: 0, guarantees: [] };
    index.links.push(info);
    index.decls.push({ key: { kind: 'link', name: id }, file, range: decl.range, nameRange: decl.range, renamable: false });
  }

  for (const [name, infos] of index.slices) {
    for (const { decl, file } of infos) {
      for (const st of decl.statements) {
        if (st.kind !== 'Qos') continue;
        for (const q of st.items) {
          if (q.kind !== 'Guarantee') continue;
          for (const l of q.links) {
            const link = findLink(index, l);
            if (!link) continue;
            index.refs.push({ key: { kind: 'link', name: link.id }, file, range: l.range });
            if (q.rate?.bps === undefined) continue;
            link.guarantees.push({ slice: name, bps: q.rate.bps, file, range: q.range });
            link.reservedBps += q.rate.bps;
          }
        }
      }
    }
  }
  return index;
}

/** Remaining capacity of a link (undefined when unbounded). */
export function remainingBps(link: LinkInfo): number | undefined {
  return link.capacityBps === undefined ? undefined : link.capacityBps - link.reservedBps;
}
