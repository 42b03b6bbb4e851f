// Shared fixture texts.
export const NETWORK = `// network.slice
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
`;

export const RESEARCH = `slice research {
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
    control_rate 100/s
  }
}
`;
