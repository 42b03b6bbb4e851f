// The editor's program: the bound Program from bind/ (symbols, references, switches, links,
// slices: the one semantic model the checker and the compiler use too) plus what only the
// editor shows: the files by path and each link's load (guarantees reserved on it, remaining
// capacity). Named for what it is, so it is not confused with the server's or the extension's state.
import { bindWorkspace } from '../bind/bind.js';
import { linkKey, type LinkInfo, type Program, type SwitchInfo } from '../bind/program.js';
import { reservationsByLink, type Reservation } from '../check/admission.js';
import { admitCore } from '../check/core-admission.js';
import type { LinkRef, PortRef, SourceFile } from '../syntax/ast.js';
import { formatRate } from '../notation/rate.js';

/** A declared link with the guarantees admitted on it (either direction). */
export interface LinkLoad {
  link: LinkInfo;
  /** bit/s; undefined when unbounded (no capacity and no port speed). */
  capacityBps: number | undefined;
  /** Sum of the guarantees on this link. */
  reservedBps: number;
  guarantees: Reservation[];
  /** Guarantees of virtual links whose preferred path crosses this link (managed core), and their sum. */
  virtual: Array<{ slice: string; link: string; bps: number }>;
  virtualBps: number;
}

export interface EditorProgram {
  program: Program;
  files: Map<string, SourceFile>;
  /** One per declared link, in declaration order. */
  links: LinkLoad[];
  /** By direction-free key (bind's `linkKey`). */
  linkByKey: Map<string, LinkLoad>;
  /** Set while completing inside a slice whose owner has a grant: the ports it may name. */
  portAllowed?: (sw: string, port: number) => boolean;
  /** Set while completing inside a slice whose owner's grant has `match` lines: field → granted values. */
  grantValues?: Map<string, string[]>;
}

/** The model of an already bound program (e.g. the one a check returned). */
export function editorProgramOf(program: Program): EditorProgram {
  const reservations = reservationsByLink(program);
  const links: LinkLoad[] = [];
  const linkByKey = new Map<string, LinkLoad>();
  for (const link of program.links) {
    const guarantees = reservations.get(link.key) ?? [];
    let reservedBps = 0;
    for (const g of guarantees) reservedBps += g.bps;
    const load: LinkLoad = { link, capacityBps: link.capacityBps ?? undefined, reservedBps, guarantees, virtual: [], virtualBps: 0 };
    links.push(load);
    linkByKey.set(link.key, load);
  }
  if (program.core.size > 0) {
    for (const list of admitCore(program).bySlice.values()) {
      for (const v of list) {
        if (v.bps === 0) continue;
        for (const l of v.paths[0]?.links ?? []) {
          const load = linkByKey.get(l.key)!;
          load.virtual.push({ slice: v.slice.name, link: v.link.id, bps: v.bps });
          load.virtualBps += v.bps;
        }
      }
    }
  }
  return { program, files: new Map(program.files.map((f) => [f.path, f])), links, linkByKey };
}

/** Binds the files and builds the model. */
export function buildEditorProgram(files: readonly SourceFile[]): EditorProgram {
  return editorProgramOf(bindWorkspace([...files]).program);
}

/** Remaining capacity of a link after its guarantees and the virtual links reserved on it (undefined when unbounded). */
export function remainingBps(l: LinkLoad): number | undefined {
  return l.capacityBps === undefined ? undefined : l.capacityBps - l.reservedBps - l.virtualBps;
}

/** `- red: 300 Mbit/s` per guarantee on a link, then `- blue: 300 Mbit/s (virtual link e1<->e2)`. */
export function guaranteeLines(l: LinkLoad, bullet: string): string[] {
  return [
    ...l.guarantees.map((g) => `${bullet}${g.slice}: ${formatRate(g.bps, 'spaced')}`),
    ...l.virtual.map((v) => `${bullet}${v.slice}: ${formatRate(v.bps, 'spaced')} (virtual link ${v.link})`),
  ];
}

/** `s1:3 <-> s2:3` as declared. */
export function linkLabel(l: LinkLoad): string {
  return `${l.link.a.switch}:${l.link.a.port} <-> ${l.link.b.switch}:${l.link.b.port}`;
}

/** The single port a reference names, if it names exactly one. */
export function singlePort(ref: PortRef): number | undefined {
  return ref.ports.form === 'single' ? ref.ports.port.value : undefined;
}

/** The declared link a guarantee's `PORT <-> PORT` names, if any. */
export function linkOfRef(model: EditorProgram, ref: LinkRef): LinkLoad | undefined {
  const a = singlePort(ref.a);
  const b = ref.b && singlePort(ref.b);
  if (a === undefined || b === undefined || !ref.b) return undefined;
  return model.linkByKey.get(linkKey({ switch: ref.a.switch.name, port: a }, { switch: ref.b.switch.name, port: b }));
}

/** The links touching a switch (or one of its ports). */
export function linksAt(model: EditorProgram, sw: string, port?: number): LinkLoad[] {
  const at = (e: { switch: string; port: number }) => e.switch === sw && (port === undefined || e.port === port);
  return model.links.filter((l) => at(l.link.a) || at(l.link.b));
}

/** `1..3, 5` as declared, `undefined` when the switch accepts any port. */
export function portsText(sw: SwitchInfo): string | undefined {
  return sw.ports?.map((p) => (p.first === p.last ? String(p.first) : `${p.first}..${p.last}`)).join(', ');
}
