// Sample texts shared by the syntax and format tests.
import { readFileSync } from 'node:fs';

/** The language page's example, verbatim: samples/lab/lab.slice (one copy in the project). */
export const CAMPUS = readFileSync(new URL('../../../../samples/lab/lab.slice', import.meta.url), 'utf8');

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
