// The syntax tree of a .slice file. Plain data: no methods, no references to
// the parser, LSP or OpenFlow. Every node carries its source range. Parsing
// never fails: where the text is broken, nodes are partial (optional parts are
// undefined, values that did not parse are `undefined` in `value`) and the
// file's `errors` say why.

/** 0-based line and character (UTF-16 code units, as LSP), plus the absolute offset. */
export interface Position {
  line: number;
  character: number;
  offset: number;
}

export interface Range {
  start: Position;
  /** Exclusive. */
  end: Position;
}

export interface NodeBase {
  range: Range;
}

export interface Ident extends NodeBase {
  kind: 'Ident';
  name: string;
}

/** A number as written (`12`, `0x1f`). `value` is undefined when malformed or too large. */
export interface NumberLit extends NodeBase {
  kind: 'Number';
  text: string;
  value: number | undefined;
}

/** `1Gbps`, `2.5Mbps`. `bps` is the value in bit/s, undefined when malformed. */
export interface RateLit extends NodeBase {
  kind: 'Rate';
  text: string;
  bps: number | undefined;
}

/** `100/s`. */
export interface MessageRateLit extends NodeBase {
  kind: 'MessageRate';
  text: string;
  perSecond: number | undefined;
}

/** A double-quoted string; `value` is unescaped. */
export interface StringLit extends NodeBase {
  kind: 'String';
  text: string;
  value: string;
}

/** `00:00:00:00:00:00:00:01`, `2`, `0x3`. `value` undefined when malformed or out of range (> 2^64-1). */
export interface DpidLit extends NodeBase {
  kind: 'Dpid';
  text: string;
  value: bigint | undefined;
}

// ---------------------------------------------------------------- file

export interface SourceFile {
  kind: 'File';
  /** The path or URI the caller gave. */
  path: string;
  text: string;
  items: TopLevel[];
  comments: Comment[];
  errors: SyntaxDiagnostic[];
  range: Range;
}

export interface Comment extends NodeBase {
  kind: 'Comment';
  text: string;
  block: boolean;
}

export interface SyntaxDiagnostic {
  code: 'SL001';
  message: string;
  range: Range;
}

export type TopLevel = NetworkDecl | SliceDecl | GrantDecl;

// ---------------------------------------------------------------- network

export interface NetworkDecl extends NodeBase {
  kind: 'Network';
  name: Ident | undefined;
  members: NetworkMember[];
}

export type NetworkMember = SwitchDecl | LinkDecl | CoreDecl;

/** `core c1, c2, c3`: switches the hypervisor manages as the core; several lines are a union. */
export interface CoreDecl extends NodeBase {
  kind: 'Core';
  switches: Ident[];
}

export interface SwitchDecl extends NodeBase {
  kind: 'Switch';
  name: Ident | undefined;
  dpid: DpidLit | undefined;
  /** `ovsdb "unix:PATH"` / `"tcp:HOST:PORT"`: the switch's ovsdb-server (queues are created there). */
  ovsdb: StringLit | undefined;
  /** Undefined when the switch has no `{ … }` body (accepts any port number). */
  ports: PortDecl[] | undefined;
}

/** `port 1 "host-a" speed 1Gbps` or `port 2..3 speed 1Gbps`. */
export interface PortDecl extends NodeBase {
  kind: 'Port';
  first: NumberLit | undefined;
  last: NumberLit | undefined;
  label: StringLit | undefined;
  speed: RateLit | undefined;
}

export interface LinkDecl extends NodeBase {
  kind: 'Link';
  a: PortRef | undefined;
  b: PortRef | undefined;
  capacity: RateLit | undefined;
}

/**
 * A port reference: `s1:3`, `s1:1..3`, `s1:*` or a bare `s1`.
 * `ports` is `single`, `range`, `any` (`s1:*`) or `switch` (bare name: all ports).
 */
export interface PortRef extends NodeBase {
  kind: 'PortRef';
  switch: Ident;
  ports: { form: 'single'; port: NumberLit } | { form: 'range'; first: NumberLit; last: NumberLit } | { form: 'any' } | { form: 'switch' };
}

/** `all` in a location list. */
export interface AllLocations extends NodeBase {
  kind: 'AllLocations';
}

// ---------------------------------------------------------------- slices

export interface SliceDecl extends NodeBase {
  kind: 'Slice';
  name: Ident | undefined;
  /** In source order; repeated statements are kept (the checker reports them). */
  statements: SliceStatement[];
}

export type SliceStatement = OwnerStmt | ControllerStmt | OverlayStmt | FlowspaceBlock | QosBlock | LimitsBlock;

export interface OwnerStmt extends NodeBase {
  kind: 'Owner';
  value: StringLit | undefined;
}

export interface ControllerStmt extends NodeBase {
  kind: 'Controller';
  endpoints: StringLit[];
}

export interface OverlayStmt extends NodeBase {
  kind: 'Overlay';
  mode: 'vlan' | 'mpls' | 'auto' | undefined;
  /** The `vlan`/`mpls`/`auto` keyword's range. */
  modeRange: Range | undefined;
  tag: NumberLit | undefined;
}

export interface FlowspaceBlock extends NodeBase {
  kind: 'Flowspace';
  rules: FlowRule[];
}

/** `web: match ip_src 10.1.0.0/16 tcp_dst 80 on s1:1, s3:1 permit read write priority 100` */
export interface FlowRule extends NodeBase {
  kind: 'FlowRule';
  name: Ident | undefined;
  match: FieldMatch[];
  /** Undefined when `on …` is missing. */
  locations: Array<PortRef | AllLocations> | undefined;
  /** Undefined when there is no `permit` (the default `read write`). */
  permissions: PermissionLit[] | undefined;
  priority: NumberLit | undefined;
}

export type Permission = 'read' | 'write' | 'delegate';

export interface PermissionLit extends NodeBase {
  kind: 'Permission';
  value: Permission;
}

/** The match fields of the language. */
export type FieldName =
  | 'eth_src'
  | 'eth_dst'
  | 'eth_type'
  | 'vlan_vid'
  | 'vlan_pcp'
  | 'ip_proto'
  | 'ip_src'
  | 'ip_dst'
  | 'ipv6_src'
  | 'ipv6_dst'
  | 'ip_dscp'
  | 'tcp_src'
  | 'tcp_dst'
  | 'udp_src'
  | 'udp_dst';

export interface FieldMatch extends NodeBase {
  kind: 'FieldMatch';
  /** The field as written; a name not in FieldName is kept and reported by the checker. */
  field: Ident;
  value: FieldValue | undefined;
}

/**
 * A field's value as written. The parser classifies the token; the checker
 * validates it against the field (range, prefix, known names).
 */
export type FieldValue =
  | { kind: 'Number'; text: string; value: number | undefined; range: Range }
  | { kind: 'NumberRange'; text: string; first: NumberLit; last: NumberLit; range: Range }
  | { kind: 'Mac'; text: string; range: Range }
  | { kind: 'Ipv4'; text: string; range: Range }
  | { kind: 'Ipv6'; text: string; range: Range }
  /** A symbolic value: `ipv4`, `arp`, `tcp`, … */
  | { kind: 'Name'; text: string; range: Range };

export interface QosBlock extends NodeBase {
  kind: 'Qos';
  items: QosItem[];
}

export type QosItem = GuaranteeStmt | CapStmt | ClassDecl;

/** `PORT <-> PORT` inside a guarantee. */
export interface LinkRef extends NodeBase {
  kind: 'LinkRef';
  a: PortRef;
  b: PortRef | undefined;
}

export interface GuaranteeStmt extends NodeBase {
  kind: 'Guarantee';
  rate: RateLit | undefined;
  links: LinkRef[];
}

export interface CapStmt extends NodeBase {
  kind: 'Cap';
  rate: RateLit | undefined;
}

export interface ClassDecl extends NodeBase {
  kind: 'Class';
  name: Ident | undefined;
  match: FieldMatch[];
  min: RateLit | undefined;
  max: RateLit | undefined;
  priority: NumberLit | undefined;
}

export interface LimitsBlock extends NodeBase {
  kind: 'Limits';
  items: LimitItem[];
}

export type LimitItem =
  | { kind: 'FlowEntries'; count: NumberLit | undefined; on: Ident | undefined; range: Range }
  | { kind: 'ControlRate'; rate: MessageRateLit | undefined; range: Range }
  | { kind: 'PacketInRate'; rate: MessageRateLit | undefined; range: Range };

// ---------------------------------------------------------------- grants

/**
 * `grant "alice@example.org" [under "ops@example.org"] { … }`: what the slices of one owner may
 * have. `parent` names the grant it is carved out of (a delegated grant).
 */
export interface GrantDecl extends NodeBase {
  kind: 'Grant';
  /** A grant is named by its owner string, never by an identifier (kept for code reading `item.name`). */
  name?: undefined;
  owner: StringLit | undefined;
  parent: StringLit | undefined;
  /** In source order; repeated statements are kept (the checker reports them). */
  items: GrantItem[];
}

export type GrantItem = GrantPorts | GrantMatch | GrantBandwidth | GrantSlices | LimitsBlock | GrantControllers | GrantDelegate;

/** `ports s1:1..4, s2:1` (or `all`). */
export interface GrantPorts extends NodeBase {
  kind: 'GrantPorts';
  ports: Array<PortRef | AllLocations>;
}

/** `match ip_src 10.1.0.0/16`: one box of the header space; several `match` lines are a union. */
export interface GrantMatch extends NodeBase {
  kind: 'GrantMatch';
  match: FieldMatch[];
}

export interface GrantBandwidth extends NodeBase {
  kind: 'GrantBandwidth';
  rate: RateLit | undefined;
}

export interface GrantSlices extends NodeBase {
  kind: 'GrantSlices';
  count: NumberLit | undefined;
}

/** An IPv4 or IPv6 address or prefix in `controllers`. */
export interface AddressLit extends NodeBase {
  kind: 'Address';
  family: 'ipv4' | 'ipv6';
  text: string;
}

export interface GrantControllers extends NodeBase {
  kind: 'GrantControllers';
  addresses: AddressLit[];
}

/** `delegate [N]`: the owner may write grants under this one, N levels deep (default 1). */
export interface GrantDelegate extends NodeBase {
  kind: 'GrantDelegate';
  depth: NumberLit | undefined;
}

export type AnyNode =
  | SourceFile
  | GrantDecl
  | GrantItem
  | AddressLit
  | NetworkDecl
  | SwitchDecl
  | PortDecl
  | LinkDecl
  | CoreDecl
  | PortRef
  | AllLocations
  | SliceDecl
  | SliceStatement
  | FlowRule
  | FieldMatch
  | PermissionLit
  | QosItem
  | LinkRef
  | LimitItem
  | Ident
  | NumberLit
  | RateLit
  | MessageRateLit
  | StringLit
  | DpidLit
  | Comment;
