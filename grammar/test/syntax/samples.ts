// Sample texts shared by the syntax and format tests.

/** The example of the language page (shared/brief/slice-language.md), verbatim. */
export const CAMPUS = `// campus.slice: two tenants on a three-switch line
network campus {
  switch s1 dpid 00:00:00:00:00:00:00:01 {
    port 1 "host-a" speed 1Gbps
    port 2..3 speed 1Gbps
  }
  switch s2 dpid 2 { port 1..4 speed 10Gbps }
  switch s3 dpid 0x3 { port 1..4 speed 1Gbps }
  link s1:3 <-> s2:3 capacity 1Gbps
  link s2:4 <-> s3:3 capacity 1Gbps
}

slice research {
  owner "alice@example.org"
  controller "tcp:127.0.0.1:6634"
  overlay vlan 101

  flowspace {
    web: match ip_src 10.1.0.0/16 tcp_dst 80 on s1:1, s3:1 permit read write priority 100
    arp: match eth_type arp on s1, s2, s3 permit read
  }

  qos {
    guarantee 200Mbps on s1:3 <-> s2:3, s2:4 <-> s3:3
    cap 500Mbps
    class video { match udp_dst 5004..5010 min 50Mbps max 100Mbps priority 6 }
  }

  limits {
    flow_entries 1000
    flow_entries 200 on s1
    control_rate 100/s
    packet_in_rate 50/s
  }
}

slice production {
  controller "tcp:127.0.0.1:6635", "tcp:127.0.0.1:6636"
  overlay mpls 5001
  flowspace {
    all: match ip_src 10.2.0.0/16 on s1:2, s3:2
  }
  qos { guarantee 700Mbps on s1:3 <-> s2:3 }
}
`;

/** Every construct and literal form, with comments in awkward places. */
export const KITCHEN_SINK = `/* header
   block comment */
network lab { // trailing after brace
  switch port dpid 0x10
  switch all dpid 00:00:00:00:00:00:00:0a {
    port 1 "uplink" speed 2.5Mbps // a port comment
    port 2..48
    /* between ports */
    port 49 speed 100Kbps
  }
  switch s2 dpid 18446744073709551615 { port 1..4 speed 10Gbps }
  link port:1 <-> all:1 capacity 1Tbps
  link s2:2<->all:2
}

slice tenant_a-1 {
  owner "bob \\"the admin\\" \\\\ ops"
  controller "tcp:10.0.0.1:6653", "tcp:[::1]:6653"
  overlay auto
  flowspace {
    // a rule comment
    everything: match on all
    macs: match eth_src aa:bb:cc:dd:ee:ff eth_dst 00:11:22:33:44:55 on s2:*, port:1..3 permit read
    v6: match eth_type ipv6 ipv6_src 2001:db8::/32 ipv6_dst ::1 on s2
    vlan: match vlan_vid 0x64 vlan_pcp 3 ip_dscp 46 ip_proto udp udp_src 1..1024 on all:2 permit read write delegate priority 65535
  }
  qos {
    guarantee 1bps on port:1 <-> all:1
    cap 1.5Gbps
    class bulk { match ip_proto 6 max 10kbps }
    class voice { match udp_dst 5060 min 1Mbps priority 7 }
  }
  limits { flow_entries 10 on port control_rate 10/s packet_in_rate 5/s }
}

slice empty {
}
`;
