// CST (Chevrotain) → syntax tree (ast.ts). Tolerates partial (recovered) CST
// nodes: a missing token gives an `undefined` field, never an exception.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { LineIndex } from './positions.js';
import { dpidValue, messageRateValue, numberValue, rateValue, stringValue } from './literals.js';

type Children = Record<string, CstElement[] | undefined>;

function isNode(e: CstElement): e is CstNode {
  return (e as CstNode).children !== undefined;
}

function isReal(t: IToken): boolean {
  return t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset);
}

function tokens(children: Children, key: string): IToken[] {
  const list = children[key];
  if (!list) return [];
  return list.filter((e): e is IToken => !isNode(e) && isReal(e));
}

function token(children: Children, key: string): IToken | undefined {
  return tokens(children, key)[0];
}

function subnodes(children: Children, key: string): CstNode[] {
  const list = children[key];
  if (!list) return [];
  return list.filter(isNode);
}

/** Offsets [start, end) spanned by the real tokens of a CST node, or undefined when it has none. */
function span(node: CstNode): [number, number] | undefined {
  let start = Infinity;
  let end = -Infinity;
  const visit = (n: CstNode): void => {
    for (const list of Object.values(n.children)) {
      if (!list) continue;
      for (const e of list) {
        if (isNode(e)) visit(e);
        else if (isReal(e)) {
          if (e.startOffset < start) start = e.startOffset;
          const tokEnd = e.startOffset + e.image.length;
          if (tokEnd > end) end = tokEnd;
        }
      }
    }
  };
  visit(node);
  return start === Infinity ? undefined : [start, end];
}

const MAC_FIELDS = new Set(['eth_src', 'eth_dst']);
const IPV6_FIELDS = new Set(['ipv6_src', 'ipv6_dst']);

export class AstBuilder {
  constructor(
    private readonly index: LineIndex,
    private readonly text: string,
  ) {}

  private tokRange(t: IToken): A.Range {
    return this.index.range(t.startOffset, t.startOffset + t.image.length);
  }

  private nodeRange(n: CstNode): A.Range | undefined {
    const s = span(n);
    return s ? this.index.range(s[0], s[1]) : undefined;
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

  /** Items of a few kinds, in source order. */
  private ordered<T extends { range: A.Range }>(children: Children, makers: Record<string, (n: CstNode, r: A.Range) => T | undefined>): T[] {
    const out: T[] = [];
    for (const [key, make] of Object.entries(makers)) {
      for (const n of subnodes(children, key)) {
        const r = this.nodeRange(n);
        if (!r) continue;
        const item = make(n, r);
        if (item) out.push(item);
      }
    }
    return out.sort((a, b) => a.range.start.offset - b.range.start.offset);
  }

  items(file: CstNode): A.TopLevel[] {
    return this.ordered<A.TopLevel>(file.children, {
      network: (n, r) => this.network(n, r),
      slice: (n, r) => this.slice(n, r),
    });
  }

  // ------------------------------------------------------------ network

  private network(n: CstNode, range: A.Range): A.NetworkDecl {
    const c = n.children;
    return {
      kind: 'Network',
      name: this.ident(token(c, 'name')),
      members: this.ordered<A.NetworkMember>(c, {
        switchDecl: (s, r) => this.switchDecl(s, r),
        linkDecl: (l, r) => this.linkDecl(l, r),
      }),
      range,
    };
  }

  private switchDecl(n: CstNode, range: A.Range): A.SwitchDecl {
    const c = n.children;
    const dpidNode = subnodes(c, 'dpidValue')[0];
    const dpidTok = dpidNode ? (token(dpidNode.children, 'HexColon') ?? token(dpidNode.children, 'Number')) : undefined;
    const body = subnodes(c, 'switchBody')[0];
    let ports: A.PortDecl[] | undefined;
    if (body && span(body)) {
      ports = this.ordered<A.PortDecl>(body.children, { portDecl: (p, r) => this.portDecl(p, r) });
    }
    return {
      kind: 'Switch',
      name: this.ident(token(c, 'name')),
      dpid: dpidTok ? { kind: 'Dpid', text: dpidTok.image, value: dpidValue(dpidTok.image), range: this.tokRange(dpidTok) } : undefined,
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
      speed: this.rate(subnodes(c, 'speed')[0]),
      range,
    };
  }

  private linkDecl(n: CstNode, range: A.Range): A.LinkDecl {
    const c = n.children;
    return {
      kind: 'Link',
      a: this.portRefOf(subnodes(c, 'a')[0]),
      b: this.portRefOf(subnodes(c, 'b')[0]),
      capacity: this.rate(subnodes(c, 'capacity')[0]),
      range,
    };
  }

  private portRefOf(n: CstNode | undefined): A.PortRef | undefined {
    if (!n) return undefined;
    const range = this.nodeRange(n);
    const sw = this.ident(token(n.children, 'switch'));
    if (!range || !sw) return undefined;
    const c = n.children;
    const first = this.num(token(c, 'first'));
    const last = this.num(token(c, 'last'));
    let ports: A.PortRef['ports'];
    if (token(c, 'Star')) ports = { form: 'any' };
    else if (first && last) ports = { form: 'range', first, last };
    else if (first) ports = { form: 'single', port: first };
    else ports = { form: 'switch' };
    return { kind: 'PortRef', switch: sw, ports, range };
  }

  // ------------------------------------------------------------ slices

  private slice(n: CstNode, range: A.Range): A.SliceDecl {
    const c = n.children;
    return {
      kind: 'Slice',
      name: this.ident(token(c, 'name')),
      statements: this.ordered<A.SliceStatement>(c, {
        ownerStmt: (s, r) => ({ kind: 'Owner', value: this.str(token(s.children, 'String')), range: r }),
        controllerStmt: (s, r) => ({
          kind: 'Controller',
          endpoints: tokens(s.children, 'String').map((t) => this.str(t)!),
          range: r,
        }),
        overlayStmt: (s, r) => this.overlay(s, r),
        flowspaceBlock: (s, r) => ({
          kind: 'Flowspace',
          rules: this.ordered<A.FlowRule>(s.children, { flowRule: (f, fr) => this.flowRule(f, fr) }),
          range: r,
        }),
        qosBlock: (s, r) => this.qos(s, r),
        limitsBlock: (s, r) => this.limits(s, r),
      }),
      range,
    };
  }

  private overlay(n: CstNode, range: A.Range): A.OverlayStmt {
    const modeTok = token(n.children, 'mode');
    const mode = modeTok && ['vlan', 'mpls', 'auto'].includes(modeTok.image) ? (modeTok.image as 'vlan' | 'mpls' | 'auto') : undefined;
    return {
      kind: 'Overlay',
      mode,
      modeRange: modeTok ? this.tokRange(modeTok) : undefined,
      tag: this.num(token(n.children, 'tag')),
      range,
    };
  }

  private flowRule(n: CstNode, range: A.Range): A.FlowRule {
    const c = n.children;
    const hasOn = token(c, 'Kw_on') !== undefined;
    const hasPermit = token(c, 'Kw_permit') !== undefined;
    const locations = hasOn
      ? subnodes(c, 'location')
          .map((p) => this.portRefOf(p))
          .filter((p): p is A.PortRef => p !== undefined)
          .map((p): A.PortRef | A.AllLocations =>
            p.switch.name === 'all' && p.ports.form === 'switch' ? { kind: 'AllLocations', range: p.range } : p,
          )
      : undefined;
    return {
      kind: 'FlowRule',
      name: this.ident(token(c, 'name')),
      match: this.fieldMatches(c),
      locations,
      permissions: hasPermit
        ? tokens(c, 'permission').map((t) => ({ kind: 'Permission', value: t.image as A.Permission, range: this.tokRange(t) }))
        : undefined,
      priority: this.num(token(c, 'priority')),
      range,
    };
  }

  private fieldMatches(c: Children): A.FieldMatch[] {
    return this.ordered<A.FieldMatch>(c, {
      fieldMatch: (f, r) => {
        const field = this.ident(token(f.children, 'field'));
        if (!field) return undefined;
        return { kind: 'FieldMatch', field, value: this.fieldValue(field.name, subnodes(f.children, 'fieldValue')[0]), range: r };
      },
    });
  }

  private fieldValue(field: string, n: CstNode | undefined): A.FieldValue | undefined {
    if (!n) return undefined;
    const c = n.children;
    const first = this.num(token(c, 'first'));
    if (first) {
      const last = this.num(token(c, 'last'));
      if (last) {
        const range = this.index.range(first.range.start.offset, last.range.end.offset);
        const text = this.textOf(range);
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

  private textOf(r: A.Range): string {
    return this.text.slice(r.start.offset, r.end.offset);
  }

  private qos(n: CstNode, range: A.Range): A.QosBlock {
    return {
      kind: 'Qos',
      items: this.ordered<A.QosItem>(n.children, {
        guaranteeStmt: (g, r) => ({
          kind: 'Guarantee',
          rate: this.rate(subnodes(g.children, 'rate')[0]),
          links: subnodes(g.children, 'linkRef')
            .map((l) => this.linkRef(l))
            .filter((l): l is A.LinkRef => l !== undefined),
          range: r,
        }),
        capStmt: (s, r) => ({ kind: 'Cap', rate: this.rate(subnodes(s.children, 'rate')[0]), range: r }),
        classDecl: (s, r) => {
          const body: Children = subnodes(s.children, 'classContent')[0]?.children ?? {};
          return {
            kind: 'Class',
            name: this.ident(token(s.children, 'name')),
            match: this.fieldMatches(body),
            min: this.rate(subnodes(body, 'min')[0]),
            max: this.rate(subnodes(body, 'max')[0]),
            priority: this.num(token(body, 'priority')),
            range: r,
          };
        },
      }),
      range,
    };
  }

  private linkRef(n: CstNode): A.LinkRef | undefined {
    const range = this.nodeRange(n);
    const a = this.portRefOf(subnodes(n.children, 'a')[0]);
    if (!range || !a) return undefined;
    return { kind: 'LinkRef', a, b: this.portRefOf(subnodes(n.children, 'b')[0]), range };
  }

  private limits(n: CstNode, range: A.Range): A.LimitsBlock {
    return {
      kind: 'Limits',
      items: this.ordered<A.LimitItem>(n.children, {
        flowEntriesStmt: (s, r) => ({
          kind: 'FlowEntries',
          count: this.num(token(s.children, 'Number')),
          on: this.ident(token(s.children, 'switch')),
          range: r,
        }),
        controlRateStmt: (s, r) => ({ kind: 'ControlRate', rate: this.msgRate(subnodes(s.children, 'messageRate')[0]), range: r }),
        packetInRateStmt: (s, r) => ({ kind: 'PacketInRate', rate: this.msgRate(subnodes(s.children, 'messageRate')[0]), range: r }),
      }),
      range,
    };
  }
}

/** Six groups of one or two hex digits, no `::`, no prefix. */
function looksLikeMac(text: string): boolean {
  return /^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}$/.test(text);
}
