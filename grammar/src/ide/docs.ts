// Reference text the editor shows: match fields (meaning, OXM name, value
// format), symbolic values, keywords (rate text lives in notation/rate.ts).
import type { FieldName } from '../syntax/ast.js';

export interface FieldInfo {
  name: FieldName;
  meaning: string;
  oxm: string;
  values: string;
  /** An example value, used in completion snippets. */
  example: string;
  /** Symbolic values the field accepts. */
  names: string[];
}

export const FIELDS: readonly FieldInfo[] = [
  {
    name: 'eth_src',
    meaning: 'Ethernet source address',
    oxm: 'OXM_OF_ETH_SRC',
    values: 'a MAC address `aa:bb:cc:dd:ee:ff`',
    example: '00:00:00:00:00:01',
    names: [],
  },
  {
    name: 'eth_dst',
    meaning: 'Ethernet destination address',
    oxm: 'OXM_OF_ETH_DST',
    values: 'a MAC address `aa:bb:cc:dd:ee:ff`',
    example: '00:00:00:00:00:01',
    names: [],
  },
  {
    name: 'eth_type',
    meaning: 'Ethernet type of the payload',
    oxm: 'OXM_OF_ETH_TYPE',
    values: '`ipv4`, `ipv6`, `arp`, `lldp` or a number',
    example: 'ipv4',
    names: ['ipv4', 'ipv6', 'arp', 'lldp'],
  },
  { name: 'vlan_vid', meaning: 'VLAN id', oxm: 'OXM_OF_VLAN_VID', values: '0–4095', example: '10', names: [] },
  { name: 'vlan_pcp', meaning: 'VLAN priority code point', oxm: 'OXM_OF_VLAN_PCP', values: '0–7', example: '0', names: [] },
  {
    name: 'ip_proto',
    meaning: 'IP protocol number',
    oxm: 'OXM_OF_IP_PROTO',
    values: '`tcp`, `udp`, `icmp` or a number',
    example: 'tcp',
    names: ['tcp', 'udp', 'icmp'],
  },
  {
    name: 'ip_src',
    meaning: 'IPv4 source address',
    oxm: 'OXM_OF_IPV4_SRC',
    values: 'an IPv4 address with optional prefix `10.0.0.0/8`',
    example: '10.0.0.0/8',
    names: [],
  },
  {
    name: 'ip_dst',
    meaning: 'IPv4 destination address',
    oxm: 'OXM_OF_IPV4_DST',
    values: 'an IPv4 address with optional prefix `10.0.0.0/8`',
    example: '10.0.0.0/8',
    names: [],
  },
  {
    name: 'ipv6_src',
    meaning: 'IPv6 source address',
    oxm: 'OXM_OF_IPV6_SRC',
    values: 'an IPv6 address with optional prefix `2001:db8::/32`',
    example: '2001:db8::/32',
    names: [],
  },
  {
    name: 'ipv6_dst',
    meaning: 'IPv6 destination address',
    oxm: 'OXM_OF_IPV6_DST',
    values: 'an IPv6 address with optional prefix `2001:db8::/32`',
    example: '2001:db8::/32',
    names: [],
  },
  { name: 'ip_dscp', meaning: 'IP DSCP (6 bits of the ToS field)', oxm: 'OXM_OF_IP_DSCP', values: '0–63', example: '46', names: [] },
  {
    name: 'tcp_src',
    meaning: 'TCP source port',
    oxm: 'OXM_OF_TCP_SRC',
    values: 'a port or `first..last` (implies ip_proto tcp, eth_type ipv4)',
    example: '80',
    names: [],
  },
  {
    name: 'tcp_dst',
    meaning: 'TCP destination port',
    oxm: 'OXM_OF_TCP_DST',
    values: 'a port or `first..last` (implies ip_proto tcp, eth_type ipv4)',
    example: '80',
    names: [],
  },
  {
    name: 'udp_src',
    meaning: 'UDP source port',
    oxm: 'OXM_OF_UDP_SRC',
    values: 'a port or `first..last` (implies ip_proto udp, eth_type ipv4)',
    example: '5004',
    names: [],
  },
  {
    name: 'udp_dst',
    meaning: 'UDP destination port',
    oxm: 'OXM_OF_UDP_DST',
    values: 'a port or `first..last` (implies ip_proto udp, eth_type ipv4)',
    example: '5004',
    names: [],
  },
];

export function fieldInfo(name: string): FieldInfo | undefined {
  return FIELDS.find((f) => f.name === name);
}

/** Symbolic field values and what they stand for. */
export const VALUE_NAMES: Readonly<Record<string, string>> = {
  ipv4: 'IPv4, eth_type 0x0800',
  ipv6: 'IPv6, eth_type 0x86dd',
  arp: 'ARP, eth_type 0x0806',
  lldp: 'LLDP, eth_type 0x88cc',
  tcp: 'TCP, ip_proto 6',
  udp: 'UDP, ip_proto 17',
  icmp: 'ICMP, ip_proto 1',
};

/** Keywords and their documentation. */
export const KEYWORDS: Readonly<Record<string, string>> = {
  network:
    'Declares the physical network: switches, ports and links. A workspace has one network, possibly split over several blocks of the same name.',
  switch: '`switch NAME dpid DPID [ovsdb ADDRESS] [{ port … }]`: a switch and its datapath id. Without a body it accepts any port number.',
  dpid: 'The datapath id: `00:00:00:00:00:00:00:01`, a decimal or a hex number.',
  ovsdb:
    '`ovsdb "unix:PATH"` or `ovsdb "tcp:HOST:PORT"`: the switch\'s ovsdb-server; DFVisor creates and removes the guarantee and class queues there.',
  port: '`port N` or `port N..M`, an optional name string and an optional `speed RATE`.',
  speed: '`speed RATE`: the port speed, used as link capacity when the link gives none.',
  link: '`link PORT <-> PORT [capacity RATE]`: a link between two switch ports.',
  capacity: '`capacity RATE`: the link capacity that guarantees are admitted against.',
  core: "`core SWITCH[, SWITCH…]`: switches the hypervisor manages as the core. No slice has ports there or sees them: a slice's edge switches are joined by virtual links (a virtual port on each end) that the hypervisor carries across the core on an admitted path, with one forwarding rule per slice and core link.",
  slice: 'Declares a tenant slice: its flowspace, controller, overlay tag, QoS and limits.',
  owner: '`owner STRING`: the contact, shown in status and used for API authorisation.',
  controller: '`controller STRING[, STRING…]`: endpoints `tcp:HOST:PORT` or `ssl:HOST:PORT` (TLS); the first is primary. Required.',
  overlay: "`overlay vlan N` | `overlay mpls N` | `overlay auto`: the tag carrying this slice's traffic between switches.",
  vlan: 'VLAN tag 1–4094.',
  mpls: 'MPLS label 16–1048575.',
  auto: 'Ask the compiler for a free tag.',
  flowspace: '`flowspace { NAME: match FIELD VALUE … on LOCATIONS [permit …] [priority N] }`: the header space and ports the slice owns.',
  match: '`match FIELD VALUE …`: fields are ANDed; an absent field is a wildcard.',
  on: '`on LOCATIONS`: switches and ports (`s1`, `s1:3`, `s1:1..3`, `s1:*`), comma-separated, or `all`.',
  all: 'Every switch and port of the network.',
  permit: "`permit read|write|delegate…`: the slice's permissions on this flowspace (default `read write`).",
  read: 'Receive packet-ins and see flows and stats.',
  write: 'Install flows.',
  delegate: 'May hand a sub-flowspace on (reserved).',
  priority: 'Priority (rules 0–65535, default 100; classes 0–7).',
  qos: '`qos { guarantee …; cap …; class … }`: bandwidth guarantees, caps and traffic classes.',
  guarantee:
    '`guarantee RATE on LINK[, LINK…]`: minimum bandwidth reserved for the slice on those links. A link is `PORT <-> PORT`, or `SWITCH <-> SWITCH` for a virtual link across the managed core (reserved on its preferred path).',
  cap: '`cap RATE`: the most the slice may send into any one port (an OpenFlow meter).',
  class: '`class NAME { match … [min RATE] [max RATE] [priority 0..7] }`: a traffic class in its own queue.',
  min: "`min RATE`: the class's minimum rate.",
  max: "`max RATE`: the class's maximum rate.",
  limits: '`limits { flow_entries N [on SWITCH]; control_rate N/s; packet_in_rate N/s }`.',
  flow_entries: '`flow_entries N [on SWITCH]`: the most flow entries the slice may install (per switch when `on` is given).',
  control_rate: "`control_rate N/s`: messages per second from the slice's controller, per switch.",
  packet_in_rate: "`packet_in_rate N/s`: packet-ins per second to the slice's controller, per switch.",
  grant:
    '`grant "OWNER" [under "PARENT"] { ports …; match …; bandwidth RATE; slices N; limits { … }; controllers PREFIX, …; delegate [N] }`: what the slices of one owner may have (docs/language.md, Grants).',
  under: '`under "PARENT"`: this grant is carved out of the grant of PARENT, who must have `delegate`, and must fit inside it.',
  ports: "`ports LOCATIONS`: where the owner's slices may have flowspace; link ports between them follow.",
  bandwidth: "`bandwidth RATE`: per link, the most the owner's guarantees may add up to, and the highest cap.",
  slices: '`slices N`: how many slices the owner may have.',
  controllers: "`controllers PREFIX, …`: the addresses where the owner's controllers may be.",
};

export { formatBits, parseRate, rateLiteral } from '../notation/rate.js';
