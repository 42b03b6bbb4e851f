// The MPLS overlay's inner ethertype: an MPLS shim has no ethertype field, so DFVisor's MPLS core
// carries the frame's own ethertype in the label's traffic-class bits (mpls_tc, 3 bits) beside the
// slice's label: the edge that pushes the label sets the class of the packet's ethertype, the core
// forwards on the label alone, and the edge that pops matches the class and restores that
// ethertype. Class 0 is IPv4, so single-class deployments before this encoding read the same.
// Any other ethertype a rule names exactly travels in a second label under the slice's (class 7:
// the inner label's value is the ethertype; runtime/src/proxy/second-table.ts builds the rules).
// docs/dataplane.md, "Overlay tags". Imports nothing.

/** [ethertype, mpls_tc]: the ethertypes an MPLS overlay carries. */
export const MPLS_INNER_CLASSES: ReadonlyArray<readonly [number, number]> = [
  [0x0800, 0], // IPv4
  [0x0806, 1], // ARP
  [0x86dd, 2], // IPv6
  [0x88cc, 3], // LLDP
  [0x8100, 4], // 802.1Q-tagged (a customer VLAN tag under the label)
  [0x88a8, 5], // 802.1ad-tagged
];

/** The class of a label whose inner label (bottom of stack) is the packet's ethertype. */
export const SECOND_LABEL_CLASS = 7;
/** The class pushed for a packet no MPLS overlay carries (MPLS in MPLS): no rule pops it. */
export const NOT_CARRIED_CLASS = 6;

/**
 * Whether an ethertype without a class crosses the core in a second label: any real ethertype
 * (0x0600 and up: lower values are 802.3 lengths) but MPLS's own, which a pop could not restore.
 */
export function secondLabelCarries(ethType: number): boolean {
  return ethType >= 0x0600 && ethType <= 0xffff && ethType !== 0x8847 && ethType !== 0x8848 && mplsClassOf(ethType) === null;
}

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

/** Where a frame's ethertype field is: after the customer's VLAN tags (802.1Q, 802.1ad), if any. */
export function ethTypeOffset(data: Buffer): number {
  let off = 12;
  while (data.length >= off + 6 && (data.readUInt16BE(off) === 0x8100 || data.readUInt16BE(off) === 0x88a8)) off += 4;
  return off;
}

/** The frame's own ethertype (after any customer VLAN tags), or undefined for a runt. */
export function innerEthType(data: Buffer): number | undefined {
  const off = ethTypeOffset(data);
  return data.length >= off + 2 ? data.readUInt16BE(off) : undefined;
}

/**
 * The MPLS label of a frame (the first label after the Ethernet header and any customer VLAN
 * tags: Open vSwitch pushes the label inside the customer's tags), or null when it has none.
 */
export function mplsLabelOf(data: Buffer): number | null {
  const off = ethTypeOffset(data);
  if (data.length < off + 6 || data.readUInt16BE(off) !== 0x8847) return null;
  return data.readUInt32BE(off + 2) >>> 12;
}

/**
 * The frame without the slice's MPLS label, its own ethertype restored from the label's traffic
 * class (IPv4 for an unknown class); a class-7 label not at the bottom of the stack goes with the
 * label under it, whose value is the ethertype.
 */
export function stripMplsLabel(data: Buffer): Buffer {
  const off = ethTypeOffset(data);
  if (data.length < off + 6 || data.readUInt16BE(off) !== 0x8847) return data;
  const lse = data.readUInt32BE(off + 2);
  const type = Buffer.alloc(2);
  if (((lse >>> 9) & 7) === SECOND_LABEL_CLASS && (lse & 0x100) === 0 && data.length >= off + 10) {
    type.writeUInt16BE((data.readUInt32BE(off + 6) >>> 12) & 0xffff);
    return Buffer.concat([data.subarray(0, off), type, data.subarray(off + 10)]);
  }
  type.writeUInt16BE(ethTypeOfMplsClass((lse >>> 9) & 7) ?? 0x0800);
  return Buffer.concat([data.subarray(0, off), type, data.subarray(off + 6)]);
}
