// CST (Chevrotain) → syntax tree (ast.ts). Tolerates partial (recovered) CST
// nodes: a missing token gives an `undefined` field, never an exception.
// One pass, no re-walks: a node's range comes from the offsets Chevrotain
// tracked while parsing (real tokens only), positions are shared per offset.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type { PositionTable } from './positions.js';
import { dpidValue, messageRateValue, numberValue, rateValue, stringValue } from './literals.js';

type Children = Record<string, CstElement[] | undefined>;

function isReal(t: IToken): boolean {
  return t.isInsertedInRecovery !== true && !Number.isNaN(t.startOffset); // NaN for virtual tokens
}

/** The first real token under a key. */
function token(children: Children, key: string): IToken | undefined {
  const list = children[key] as IToken[] | undefined;
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) if (isReal(list[i]!)) return list[i];
  return undefined;
}

/** Every real token under a key. */
function tokens(children: Children, key: string): IToken[] {
  const list = children[key] as IToken[] | undefined;
  if (list === undefined) return [];
  let allReal = true;
  for (let i = 0; i < list.length && allReal; i++) allReal = isReal(list[i]!);
  return allReal ? list : list.filter(isReal);
}

/** The first sub-node under a key. */
function subnode(children: Children, key: string): CstNode | undefined {
  return (children[key] as CstNode[] | undefined)?.[0];
}

const MAC_FIELDS = new Set(['eth_src', 'eth_dst']);
const IPV6_FIELDS = new Set(['ipv6_src', 'ipv6_dst']);
const OVERLAY_MODES = new Set(['vlan', 'mpls', 'auto']);

type Make<T> = (n: CstNode, r: A.Range) => T | undefined;

export class AstBuilder {
  constructor(
    private readonly positions: PositionTable,
    private readonly text: string,
  ) {}

  private tokRange(t: IToken): A.Range {
    return this.positions.range(t.startOffset, t.startOffset + t.image.length);
  }

  /** The range of a CST node's real tokens, or undefined when it has none. */
  private nodeRange(n: CstNode): A.Range | undefined {
    const loc = n.location;
    if (loc === undefined || Number.isNaN(loc.startOffset) || loc.endOffset === undefined || Number.isNaN(loc.endOffset)) return undefined;
    return this.positions.range(loc.startOffset, loc.endOffset + 1);
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    return t ? { kind: 'Ident', name: t.image, range: this.tokRange(t) } : undefined;
  }

  private num(t: IToken | undefined): A.NumberLit | undefined {
    return t ? { kind: 'Number', text: t.image, value: numberValue(t.image), range: this.tokRange(t) } : undefined;
  }

  private rate(n: CstNode | undefined): A.RateLit | undefined {
    const t = n ? token(n.children, 'value') : undefined;
    return t ? { kind: 'Rate', text: t.image, bps: rateValue(t.image), range: this.tokRange(t) } : undefined;
  }

  private msgRate(n: CstNode | undefined): A.MessageRateLit | undefined {
    const t = n ? token(n.children, 'value') : undefined;
    return t ? { kind: 'MessageRate', text: t.image, perSecond: messageRateValue(t.image), range: this.tokRange(t) } : undefined;
  }

  private str(t: IToken | undefined): A.StringLit | undefined {
    return t ? { kind: 'String', text: t.image, value: stringValue(t.image), range: this.tokRange(t) } : undefined;
  }

  /** The nodes under one key that have real tokens, made into AST nodes (source order). */
  private each<T>(children: Children, key: string, make: Make<T>, out: T[] = []): T[] {
    const list = children[key] as CstNode[] | undefined;
    if (list === undefined) return out;
    for (let i = 0; i < list.length; i++) {
      const n = list[i]!;
      const r = this.nodeRange(n);
      if (r === undefined) continue;
      const item = make(n, r);
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  /** Items of a few kinds (one CST key each), merged into source order. */
  private ordered<T extends { range: A.Range }>(children: Children, makers: Array<[string, Make<T>]>): T[] {
    const out: T[] = [];
    let kinds = 0;
    for (const [key, make] of makers) {
      const before = out.length;
      this.each(children, key, make, out);
      if (out.length > before) kinds++;
    }
    if (kinds > 1) out.sort((a, b) => a.range.start.offset - b.range.start.offset);
    return out;
  }

  items(file: CstNode): A.TopLevel[] {
    return this.ordered<A.TopLevel>(file.children, [
      ['network', (n, r) => this.network(n, r)],
      ['slice', (n, r) => this.slice(n, r)],
      ['grant', (n, r) => this.grant(n, r)],
    ]);
  }

  // ------------------------------------------------------------ grants

  private grant(n: CstNode, range: A.Range): A.GrantDecl {
    const c = n.children;
    return {
      kind: 'Grant',
      owner: this.str(token(c, 'owner')),
      parent: this.str(token(c, 'parent')),
      items: this.ordered<A.GrantItem>(c, [
        [
          'grantPorts',
          (s, r) => ({ kind: 'GrantPorts', ports: this.each(s.children, 'location', (p, pr) => this.location(p, pr)), range: r }),
        ],
        ['grantMatch', (s, r) => ({ kind: 'GrantMatch', match: this.fieldMatches(s.children), range: r })],
        ['grantBandwidth', (s, r) => ({ kind: 'GrantBandwidth', rate: this.rate(subnode(s.children, 'rate')), range: r })],
        ['grantSlices', (s, r) => ({ kind: 'GrantSlices', count: this.num(token(s.children, 'Number')), range: r })],
        ['limitsBlock', (s, r) => this.limits(s, r)],
        [
          'grantControllers',
          (s, r) => ({
            kind: 'GrantControllers',
            addresses: this.each<A.AddressLit>(s.children, 'address', (a) => {
              const t = token(a.children, 'value');
              return (
                t && { kind: 'Address', family: t.tokenType.name === 'Ipv4' ? 'ipv4' : 'ipv6', text: t.image, range: this.tokRange(t) }
              );
            }),
            range: r,
          }),
        ],
        ['grantDelegate', (s, r) => ({ kind: 'GrantDelegate', depth: this.num(token(s.children, 'depth')), range: r })],
      ]),
      range,
    };
  }

  // ------------------------------------------------------------ network

  private network(n: CstNode, range: A.Range): A.NetworkDecl {
    const c = n.children;
    return {
      kind: 'Network',
      name: this.ident(token(c, 'name')),
      members: this.ordered<A.NetworkMember>(c, [
        ['switchDecl', (s, r) => this.switchDecl(s, r)],
        ['linkDecl', (l, r) => this.linkDecl(l, r)],
        ['coreDecl', (k, r) => ({ kind: 'Core', switches: tokens(k.children, 'switch').map((t) => this.ident(t)!), range: r })],
      ]),
      range,
    };
  }

  private switchDecl(n: CstNode, range: A.Range): A.SwitchDecl {
    const c = n.children;
    const dpidNode = subnode(c, 'dpidValue');
    const dpidTok = dpidNode ? (token(dpidNode.children, 'HexColon') ?? token(dpidNode.children, 'Number')) : undefined;
    const body = subnode(c, 'switchBody');
    const ports =
      body && this.nodeRange(body) ? this.each<A.PortDecl>(body.children, 'portDecl', (p, r) => this.portDecl(p, r)) : undefined;
    return {
      kind: 'Switch',
      name: this.ident(token(c, 'name')),
      dpid: dpidTok ? { kind: 'Dpid', text: dpidTok.image, value: dpidValue(dpidTok.image), range: this.tokRange(dpidTok) } : undefined,
      ovsdb: this.str(token(c, 'ovsdb')),
      ports,
      range,
    };
  }

  private portDecl(n: CstNode, range: A.Range): A.PortDecl {
    const c = n.children;
    return {
      kind: 'Port',
      first: this.num(token(c, 'first')),
      last: this.num(token(c, 'last')),
      label: this.str(token(c, 'label')),
      speed: this.rate(subnode(c, 'speed')),
      range,
    };
  }

  private linkDecl(n: CstNode, range: A.Range): A.LinkDecl {
    const c = n.children;
    return {
      kind: 'Link',
      a: this.portRefOf(subnode(c, 'a')),
      b: this.portRefOf(subnode(c, 'b')),
      capacity: this.rate(subnode(c, 'capacity')),
      range,
    };
  }

  private portRefOf(n: CstNode | undefined): A.PortRef | undefined {
    if (!n) return undefined;
    const range = this.nodeRange(n);
    const sw = range && this.ident(token(n.children, 'switch'));
    return range && sw ? this.portRef(n, range, sw) : undefined;
  }

  private portRef(n: CstNode, range: A.Range, sw: A.Ident): A.PortRef {
    const c = n.children;
    const first = this.num(token(c, 'first'));
    let ports: A.PortRef['ports'];
    if (token(c, 'Star')) ports = { form: 'any' };
    else if (first) {
      const last = this.num(token(c, 'last'));
      ports = last ? { form: 'range', first, last } : { form: 'single', port: first };
    } else ports = { form: 'switch' };
    return { kind: 'PortRef', switch: sw, ports, range };
  }

  // ------------------------------------------------------------ slices

  private slice(n: CstNode, range: A.Range): A.SliceDecl {
    const c = n.children;
    return {
      kind: 'Slice',
      name: this.ident(token(c, 'name')),
      statements: this.ordered<A.SliceStatement>(c, [
        ['ownerStmt', (s, r) => ({ kind: 'Owner', value: this.str(token(s.children, 'String')), range: r })],
        [
          'controllerStmt',
          (s, r) => ({
            kind: 'Controller',
            endpoints: tokens(s.children, 'String').map((t) => this.str(t)!),
            range: r,
          }),
        ],
        ['overlayStmt', (s, r) => this.overlay(s, r)],
        [
          'flowspaceBlock',
          (s, r) => ({
            kind: 'Flowspace',
            rules: this.each<A.FlowRule>(s.children, 'flowRule', (f, fr) => this.flowRule(f, fr)),
            range: r,
          }),
        ],
        ['qosBlock', (s, r) => this.qos(s, r)],
        ['limitsBlock', (s, r) => this.limits(s, r)],
      ]),
      range,
    };
  }

  private overlay(n: CstNode, range: A.Range): A.OverlayStmt {
    const modeTok = token(n.children, 'mode');
    const mode = modeTok && OVERLAY_MODES.has(modeTok.image) ? (modeTok.image as 'vlan' | 'mpls' | 'auto') : undefined;
    return {
      kind: 'Overlay',
      mode,
      modeRange: modeTok ? this.tokRange(modeTok) : undefined,
      tag: this.num(token(n.children, 'tag')),
      range,
    };
  }

  private location(p: CstNode, r: A.Range): A.PortRef | A.AllLocations | undefined {
    const sw = this.ident(token(p.children, 'switch'));
    if (!sw) return undefined;
    const ref = this.portRef(p, r, sw);
    return sw.name === 'all' && ref.ports.form === 'switch' ? { kind: 'AllLocations', range: r } : ref;
  }

  private flowRule(n: CstNode, range: A.Range): A.FlowRule {
    const c = n.children;
    const hasOn = token(c, 'Kw_on') !== undefined;
    const hasPermit = token(c, 'Kw_permit') !== undefined;
    return {
      kind: 'FlowRule',
      name: this.ident(token(c, 'name')),
      match: this.fieldMatches(c),
      locations: hasOn ? this.each(c, 'location', (p, r) => this.location(p, r)) : undefined,
      permissions: hasPermit
        ? tokens(c, 'permission').map((t) => ({ kind: 'Permission', value: t.image as A.Permission, range: this.tokRange(t) }))
        : undefined,
      priority: this.num(token(c, 'priority')),
      range,
    };
  }

  private fieldMatches(c: Children): A.FieldMatch[] {
    return this.each<A.FieldMatch>(c, 'fieldMatch', (f, r) => {
      const field = this.ident(token(f.children, 'field'));
      if (!field) return undefined;
      return { kind: 'FieldMatch', field, value: this.fieldValue(field.name, subnode(f.children, 'fieldValue')), range: r };
    });
  }

  private fieldValue(field: string, n: CstNode | undefined): A.FieldValue | undefined {
    if (!n) return undefined;
    const c = n.children;
    const first = this.num(token(c, 'first'));
    if (first) {
      const last = this.num(token(c, 'last'));
      if (last) {
        const range = this.positions.range(first.range.start.offset, last.range.end.offset);
        const text = this.text.slice(range.start.offset, range.end.offset);
        return { kind: 'NumberRange', text, first, last, range };
      }
      return { kind: 'Number', text: first.text, value: first.value, range: first.range };
    }
    const hex = token(c, 'HexColon');
    if (hex) {
      const range = this.tokRange(hex);
      const kind = MAC_FIELDS.has(field) ? 'Mac' : IPV6_FIELDS.has(field) ? 'Ipv6' : looksLikeMac(hex.image) ? 'Mac' : 'Ipv6';
      return { kind, text: hex.image, range };
    }
    const ip = token(c, 'Ipv4');
    if (ip) return { kind: 'Ipv4', text: ip.image, range: this.tokRange(ip) };
    const name = token(c, 'name');
    if (name) return { kind: 'Name', text: name.image, range: this.tokRange(name) };
    return undefined;
  }

  private qos(n: CstNode, range: A.Range): A.QosBlock {
    return {
      kind: 'Qos',
      items: this.ordered<A.QosItem>(n.children, [
        [
          'guaranteeStmt',
          (g, r) => ({
            kind: 'Guarantee',
            rate: this.rate(subnode(g.children, 'rate')),
            links: this.each<A.LinkRef>(g.children, 'linkRef', (l, lr) => this.linkRef(l, lr)),
            range: r,
          }),
        ],
        ['capStmt', (s, r) => ({ kind: 'Cap', rate: this.rate(subnode(s.children, 'rate')), range: r })],
        [
          'classDecl',
          (s, r) => {
            const body: Children = subnode(s.children, 'classContent')?.children ?? {};
            return {
              kind: 'Class',
              name: this.ident(token(s.children, 'name')),
              match: this.fieldMatches(body),
              min: this.rate(subnode(body, 'min')),
              max: this.rate(subnode(body, 'max')),
              priority: this.num(token(body, 'priority')),
              range: r,
            };
          },
        ],
      ]),
      range,
    };
  }

  private linkRef(n: CstNode, range: A.Range): A.LinkRef | undefined {
    const a = this.portRefOf(subnode(n.children, 'a'));
    if (!a) return undefined;
    return { kind: 'LinkRef', a, b: this.portRefOf(subnode(n.children, 'b')), range };
  }

  private limits(n: CstNode, range: A.Range): A.LimitsBlock {
    return {
      kind: 'Limits',
      items: this.ordered<A.LimitItem>(n.children, [
        [
          'flowEntriesStmt',
          (s, r) => ({
            kind: 'FlowEntries',
            count: this.num(token(s.children, 'Number')),
            on: this.ident(token(s.children, 'switch')),
            range: r,
          }),
        ],
        ['controlRateStmt', (s, r) => ({ kind: 'ControlRate', rate: this.msgRate(subnode(s.children, 'messageRate')), range: r })],
        ['packetInRateStmt', (s, r) => ({ kind: 'PacketInRate', rate: this.msgRate(subnode(s.children, 'messageRate')), range: r })],
      ]),
      range,
    };
  }
}

/** Six groups of one or two hex digits, no `::`, no prefix. */
function looksLikeMac(text: string): boolean {
  return /^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}$/.test(text);
}
