// The reference figures of issue 17 (measured on a 2-core machine with an independent cbench-style
// generator, 16 switches × 64 packet-ins in flight, fresh source MACs, buffered packet-ins,
// ovs-testcontroller as the tenant). FlowVisor cannot be built in CI, so the benchmark prints these
// next to its own figures.
export interface ReferenceColumn {
  name: string;
  of10: { directPerSec: number | null; perSec: number | null; ratio: string; cpuUsPerSetup: string; addedP50OneInFlight: string };
  of13: { directPerSec: number | null; perSec: number | null; ratio: string; cpuUsPerSetup: string; addedP50OneInFlight: string };
  rss: string;
}

export const REFERENCE: ReferenceColumn[] = [
  {
    name: 'FlowVisor 1.4 (issue 17)',
    of10: { directPerSec: 122_800, perSec: 69_600, ratio: '0.57', cpuUsPerSetup: '13.6', addedP50OneInFlight: '74–83' },
    of13: { directPerSec: 80_800, perSec: null, ratio: '(1.0 only)', cpuUsPerSetup: '—', addedP50OneInFlight: '—' },
    rss: '118 → 1218 → 1218 MB (1 GB heap)',
  },
  {
    name: 'DFVisor main (issue 17)',
    of10: { directPerSec: 122_800, perSec: 41_300, ratio: '0.34', cpuUsPerSetup: '25.0', addedP50OneInFlight: '159–176' },
    of13: { directPerSec: 80_800, perSec: 44_700, ratio: '0.55', cpuUsPerSetup: '19.9', addedP50OneInFlight: '153–222' },
    rss: '1.0: 120 → 2160 → 1145 MB; 1.3: 118 → 1259 → 96 MB',
  },
];

/** The targets of issue 17 item 4 and 5 (at 16 switches × 64, fresh MACs, both versions). */
export const TARGETS = { cpuUsPerSetup: 7, addedP50OneInFlightUs: 60, rssMbThrough2M: 300 };
