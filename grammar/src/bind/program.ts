// The bound program: every declaration of a workspace as a symbol, every name
// reference resolved to one, and the network/slice model the checks and the
// compiler read. Plain data (Maps for lookups by name).
import type {
  ClassDecl,
  FlowRule,
  GrantDecl,
  LinkDecl,
  NetworkDecl,
  PortDecl,
  Range,
  SliceDecl,
  SourceFile,
  SwitchDecl,
} from '../syntax/ast.js';

export type SymbolKind = 'network' | 'switch' | 'port' | 'link' | 'slice' | 'rule' | 'class';

export interface ProgramSymbol {
  id: number;
  kind: SymbolKind;
  name: string;
  file: string;
  /** The name's range (what rename edits). */
  range: Range;
  /** The whole declaration. */
  declRange: Range;
  /** The enclosing declaration's name: the switch of a port, the slice of a rule or class. */
  container?: string;
}

export interface SymbolReference {
  file: string;
  range: Range;
  symbolId: number;
}

export interface PortInfo {
  symbolId: number;
  first: number;
  last: number;
  label?: string;
  speedBps?: number;
  decl: PortDecl;
}

export interface SwitchInfo {
  symbolId: number;
  name: string;
  file: string;
  decl: SwitchDecl;
  dpid: bigint | undefined;
  /** undefined: no port lines, any port number is accepted. */
  ports: PortInfo[] | undefined;
}

export interface LinkEndInfo {
  switch: string;
  port: number;
}

export interface LinkInfo {
  symbolId: number;
  file: string;
  decl: LinkDecl;
  /** Both ends resolved (known switch, single declared port). */
  a: LinkEndInfo;
  b: LinkEndInfo;
  /** "s1:3<->s2:3" as declared. */
  id: string;
  /** Direction-free key: the two ends sorted. */
  key: string;
  /** bit/s; null when unbounded (no capacity and no port speed). */
  capacityBps: number | null;
}

export interface RuleInfo {
  symbolId: number;
  name: string;
  slice: string;
  file: string;
  decl: FlowRule;
}

export interface ClassInfo {
  symbolId: number;
  name: string;
  slice: string;
  file: string;
  decl: ClassDecl;
}

export interface SliceInfo {
  symbolId: number;
  name: string;
  file: string;
  decl: SliceDecl;
  /** Every named rule, a duplicate name included (it still owns flowspace). */
  rules: RuleInfo[];
  classes: ClassInfo[];
}

/** A `grant` block: what the slices of one owner may have (docs/language.md, Grants). */
export interface GrantInfo {
  /** The owner string the grant is for. */
  owner: string;
  /** The owner whose grant this one is carved out of (`under "…"`). */
  parent: string | undefined;
  file: string;
  decl: GrantDecl;
}

/** A switch of the managed core (`core c1, c2`): its first mention. */
export interface CoreInfo {
  switch: string;
  file: string;
  range: Range;
}

export interface NetworkInfo {
  name: string;
  file: string;
  decl: NetworkDecl;
}

export interface Program {
  /** Sorted by path. */
  files: SourceFile[];
  /** The first network block (by file path), which names the workspace's network. */
  network: NetworkInfo | undefined;
  symbols: ProgramSymbol[];
  references: SymbolReference[];
  /** First declaration of each name wins; duplicates are symbols but not here. */
  switches: Map<string, SwitchInfo>;
  links: LinkInfo[];
  /** The managed core (docs/language.md, Managed core): switch name → its first mention. Empty: no core. */
  core: Map<string, CoreInfo>;
  /** By direction-free key (`linkKey`). */
  linkByKey: Map<string, LinkInfo>;
  /**
   * Every slice declaration in file order, duplicates of a name included: each is checked on
   * its own. (A plan is only built when there are no errors, so there names are unique.)
   */
  slices: SliceInfo[];
  /** The first declaration of each slice name. */
  sliceByName: Map<string, SliceInfo>;
  /** Every grant block with an owner, in file order (a duplicate owner included; SL104). */
  grants: GrantInfo[];
  /** The first grant of each owner. */
  grantByOwner: Map<string, GrantInfo>;
}

/** A program with nothing bound yet: the files (sorted by path) and empty tables. */
export function emptyProgram(files: SourceFile[]): Program {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    files: sorted,
    network: undefined,
    symbols: [],
    references: [],
    switches: new Map(),
    links: [],
    core: new Map(),
    linkByKey: new Map(),
    slices: [],
    sliceByName: new Map(),
    grants: [],
    grantByOwner: new Map(),
  };
}

export function linkEndText(e: LinkEndInfo): string {
  return `${e.switch}:${e.port}`;
}

export function linkKey(a: LinkEndInfo, b: LinkEndInfo): string {
  const x = linkEndText(a);
  const y = linkEndText(b);
  return x < y ? `${x}<->${y}` : `${y}<->${x}`;
}

/** The port declaration of a switch that covers a port number (undefined: none, or switch accepts any). */
export function findPort(sw: SwitchInfo, port: number): PortInfo | undefined {
  return sw.ports?.find((p) => p.first <= port && port <= p.last);
}

export function switchHasPort(sw: SwitchInfo, port: number): boolean {
  return sw.ports === undefined || findPort(sw, port) !== undefined;
}
