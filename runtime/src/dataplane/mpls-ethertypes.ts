// The MPLS overlay's inner ethertype: an MPLS shim has no ethertype field, so DFVisor's MPLS core
// carries the frame's own ethertype in the label's traffic-class bits (mpls_tc, 3 bits) beside the
// slice's label: the edge that pushes the label sets the class of the packet's ethertype, the core
// forwards on the label alone, and the edge that pops matches the class and restores that
// ethertype. Class 0 is IPv4, so single-class deployments before this encoding read the same.
// Ethertypes without a class do not cross an MPLS core (docs/dataplane.md, "Overlay tags").
// Imports nothing.

/** [ethertype, mpls_tc]: the ethertypes an MPLS overlay carries. */
export const MPLS_INNER_CLASSES: ReadonlyArray<readonly [number, number]> = [
  [0x0800, 0], // IPv4
  [0x0806, 1], // ARP
  [0x86dd, 2], // IPv6
  [0x88cc, 3], // LLDP
  [0x8100, 4], // 802.1Q-tagged (a customer VLAN tag under the label)
  [0x88a8, 5], // 802.1ad-tagged
];

/** The traffic class carrying `ethType`, or null when an MPLS overlay cannot carry it. */
export function mplsClassOf(ethType: number): number | null {
  for (const [t, c] of MPLS_INNER_CLASSES) if (t === ethType) return c;
  return null;
}

/** The ethertype a traffic class restores, or null for a class DFVisor does not use. */
export function ethTypeOfMplsClass(tc: number): number | null {
  for (const [t, c] of MPLS_INNER_CLASSES) if (c === tc) return t;
  return null;
}
