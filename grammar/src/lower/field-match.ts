// Lowers the `match FIELD VALUE …` of a rule or class to the plan's OXM-style Match,
// reporting values that are malformed or out of range (SL201).
import {
  canonicalIpv4Prefix,
  canonicalIpv6Prefix,
  parseIpv4Prefix,
  parseIpv6Prefix,
  parseMac,
  formatMac,
} from '../headerspace/addresses.js';
import { ETH_TYPE, IP_PROTO } from '../headerspace/fields.js';
import type { Match, PortMatch } from '../plan/types.js';
import type { FieldMatch, FieldName, FieldValue, Range } from '../syntax/ast.js';

export interface ValueProblem {
  range: Range;
  message: string;
  data?: Record<string, unknown>;
}

export interface LoweredMatch {
  match: Match;
  problems: ValueProblem[];
}

export const FIELD_NAMES: readonly FieldName[] = [
  'eth_src',
  'eth_dst',
  'eth_type',
  'vlan_vid',
  'vlan_pcp',
  'ip_proto',
  'ip_src',
  'ip_dst',
  'ipv6_src',
  'ipv6_dst',
  'ip_dscp',
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
];

const PLAN_KEY: Record<FieldName, keyof Match> = {
  eth_src: 'eth_src',
  eth_dst: 'eth_dst',
  eth_type: 'eth_type',
  vlan_vid: 'vlan_vid',
  vlan_pcp: 'vlan_pcp',
  ip_proto: 'ip_proto',
  ip_src: 'ipv4_src',
  ip_dst: 'ipv4_dst',
  ipv6_src: 'ipv6_src',
  ipv6_dst: 'ipv6_dst',
  ip_dscp: 'ip_dscp',
  tcp_src: 'tcp_src',
  tcp_dst: 'tcp_dst',
  udp_src: 'udp_src',
  udp_dst: 'udp_dst',
};

const INT_FIELDS: Partial<Record<FieldName, { max: number; names?: Record<string, number>; what: string }>> = {
  eth_type: {
    max: 0xffff,
    names: { ipv4: ETH_TYPE.ipv4, ipv6: ETH_TYPE.ipv6, arp: ETH_TYPE.arp, lldp: ETH_TYPE.lldp },
    what: 'an ethertype (ipv4, ipv6, arp, lldp or 0..0xffff)',
  },
  vlan_vid: { max: 4095, what: 'a VLAN id 0..4095' },
  vlan_pcp: { max: 7, what: 'a VLAN priority 0..7' },
  ip_proto: {
    max: 255,
    names: { tcp: IP_PROTO.tcp, udp: IP_PROTO.udp, icmp: IP_PROTO.icmp },
    what: 'an IP protocol (tcp, udp, icmp or 0..255)',
  },
  ip_dscp: { max: 63, what: 'a DSCP value 0..63' },
};

function isFieldName(s: string): s is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(s);
}

function lowerValue(field: FieldName, v: FieldValue): { value?: Match[keyof Match]; problem?: string } {
  const int = INT_FIELDS[field];
  if (int) {
    if (v.kind === 'Name' && int.names && v.text in int.names) return { value: int.names[v.text] };
    if (v.kind === 'Number' && v.value !== undefined && Number.isInteger(v.value) && v.value >= 0 && v.value <= int.max)
      return { value: v.value };
    return { problem: `${field} ${v.text}: expected ${int.what}` };
  }
  switch (field) {
    case 'eth_src':
    case 'eth_dst': {
      const mac = v.kind === 'Mac' ? parseMac(v.text) : undefined;
      return mac === undefined
        ? { problem: `${field} ${v.text}: expected a MAC address like aa:bb:cc:dd:ee:ff` }
        : { value: formatMac(mac) };
    }
    case 'ip_src':
    case 'ip_dst': {
      const p = v.kind === 'Ipv4' ? parseIpv4Prefix(v.text) : undefined;
      return p ? { value: canonicalIpv4Prefix(p) } : { problem: `${field} ${v.text}: expected an IPv4 address or prefix like 10.1.0.0/16` };
    }
    case 'ipv6_src':
    case 'ipv6_dst': {
      const p = v.kind === 'Ipv6' || v.kind === 'Mac' ? parseIpv6Prefix(v.text) : undefined;
      return p
        ? { value: canonicalIpv6Prefix(p) }
        : { problem: `${field} ${v.text}: expected an IPv6 address or prefix like 2001:db8::/32` };
    }
    default: {
      const ok = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535;
      if (v.kind === 'Number' && ok(v.value)) return { value: v.value };
      if (v.kind === 'NumberRange' && ok(v.first.value) && ok(v.last.value)) {
        if (v.first.value > v.last.value) return { problem: `${field} ${v.text}: the range is empty (${v.first.value} > ${v.last.value})` };
        const pm: PortMatch = v.first.value === v.last.value ? v.first.value : { min: v.first.value, max: v.last.value };
        return { value: pm };
      }
      return { problem: `${field} ${v.text}: expected a port 0..65535 or a range first..last` };
    }
  }
}

const cache = new WeakMap<FieldMatch[], LoweredMatch>();

/**
 * The Match of a field list (as written, without prerequisites) and its value problems.
 * Cached per syntax-tree list (trees are immutable); treat the result as read-only.
 */
export function lowerMatch(fields: FieldMatch[]): LoweredMatch {
  let r = cache.get(fields);
  if (!r) cache.set(fields, (r = lowerMatchUncached(fields)));
  return r;
}

function lowerMatchUncached(fields: FieldMatch[]): LoweredMatch {
  const match: Match = {};
  const out = match as Record<string, unknown>;
  const problems: ValueProblem[] = [];
  const seen = new Set<string>();
  for (const fm of fields) {
    const name = fm.field.name;
    if (!isFieldName(name)) {
      problems.push({
        range: fm.field.range,
        message: `unknown match field '${name}' (fields: ${FIELD_NAMES.join(', ')})`,
        data: { field: name },
      });
      continue;
    }
    if (!fm.value) {
      problems.push({ range: fm.range, message: `${name} needs a value`, data: { field: name, missingValue: true } });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ range: fm.range, message: `${name} is given twice in one match` });
      continue;
    }
    seen.add(name);
    const r = lowerValue(name, fm.value);
    if (r.problem !== undefined) problems.push({ range: fm.value.range, message: r.problem });
    else out[PLAN_KEY[name]] = r.value;
  }
  return { match, problems };
}
