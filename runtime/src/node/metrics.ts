// Prometheus metrics (prom-client): per-slice and per-switch series, read at scrape time.
// Cumulative values are counters named `_total` (bytes: `_bytes_total`); states are gauges;
// process metrics carry the `dfvisor_` prefix once (dfvisor_process_cpu_seconds_total).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { fallbackCounts, wireCounts } from '../proxy/wire-counts.js';
import { limitCounts } from '../proxy/channel-limits.js';
import { tlsRefusalCounts } from '../proxy/openflow-tls.js';
import type { StatsMessageCounts } from '../proxy/counters.js';
import type { SliceProxyCounters, TopologyCheckView, VirtualLinkView } from '../view/runtime-view.js';

export interface MetricsSource {
  revision(): number;
  sliceTotals(): Array<{ slice: string; packets: number; bytes: number; flows: number; packetIns: number; proxy?: SliceProxyCounters }>;
  switches(): Array<{ dpid: string; connected: boolean; master: boolean }>;
  /** Switches refused for an undeclared datapath id, with their refused connections. */
  refusedSwitches?(): Array<{ dpid: string; count: number }>;
  controllers(): Array<{ slice: string; url: string; connected: boolean }>;
  /** Statistics messages of this node's data path (push collector and tenant polls). */
  statsMessages?(): StatsMessageCounts | undefined;
  /** Rules this node's reconciliation removed from and restored to switches. */
  reconciled?(): { removed: number; restored: number; metersRemoved?: number; metersRestored?: number } | undefined;
  /** Calls this node made on the global tier, by operation and map (store/counting-store.ts). */
  storeOps?(): Array<{ op: string; map: string; area: string; count: number }>;
  /** Every slice's virtual links across the managed core (this node's view); absent: none. */
  virtualLinks?(): Array<{ slice: string; link: VirtualLinkView }>;
  /** Declared vs discovered (link discovery); undefined: no discovery. */
  topology?(): TopologyCheckView | undefined;
}

export function buildMetrics(src: MetricsSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dfvisor_' });
  // prom-client's totals of active handles/requests/resources are gauges named `_total`, which
  // Prometheus' naming rules refuse; the per-type gauges (dfvisor_nodejs_active_handles{type}) stay.
  for (const name of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`dfvisor_nodejs_active_${name}_total`);
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        collect(this);
      },
    });
  gauge('dfvisor_active_revision', 'Active deployed revision', [], (g) => g.set(src.revision()));
  gauge('dfvisor_slice_flows', 'Flow entries a slice has installed', ['slice'], (g) =>
    src.sliceTotals().forEach((s) => {
      g.set({ slice: s.slice }, s.flows);
    }),
  );
  gauge('dfvisor_switch_connected', 'Whether a switch is connected to this node (1) or not (0)', ['dpid'], (g) =>
    src.switches().forEach((s) => {
      g.set({ dpid: s.dpid }, s.connected ? 1 : 0);
    }),
  );
  gauge('dfvisor_switch_master', 'Whether this node is the master of a switch', ['dpid'], (g) =>
    src.switches().forEach((s) => {
      g.set({ dpid: s.dpid }, s.master ? 1 : 0);
    }),
  );
  gauge('dfvisor_controller_connected', 'Whether a tenant controller connection is up', ['slice', 'url'], (g) =>
    src.controllers().forEach((c) => {
      g.set({ slice: c.slice, url: c.url }, c.connected ? 1 : 0);
    }),
  );
  gauge(
    'dfvisor_topology_links',
    'Links by discovery state: seen, missing, miswired (declared links) and extra (discovered, not declared)',
    ['state'],
    (g) => {
      const t = src.topology?.();
      if (!t?.enabled) return;
      for (const state of ['seen', 'missing', 'miswired'] as const) g.set({ state }, t.links.filter((l) => l.state === state).length);
      g.set({ state: 'extra' }, t.extra.length);
    },
  );
  gauge('dfvisor_topology_ports_down', 'Ports of connected declared switches that are down, by reason', ['reason'], (g) => {
    const t = src.topology?.();
    if (!t?.enabled) return;
    for (const reason of ['link-down', 'admin-down'] as const) g.set({ reason }, t.portsDown.filter((p) => p.reason === reason).length);
  });
  gauge('dfvisor_topology_undeclared_switches', 'Switches that connected with a datapath id the network does not declare', [], (g) => {
    const t = src.topology?.();
    if (t) g.set(t.undeclared.length);
  });
  // Counters read from the data path at scrape time (monotonic: counted since the node started).
  const counter = (name: string, help: string, labelNames: string[], collect: (c: Counter) => void) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        collect(this);
      },
    });
  // The managed core: each virtual link's state, path and counters (this node's statistics rounds).
  gauge('dfvisor_virtual_link_up', 'Whether a virtual link has a path up (1) or its virtual ports are down (0)', ['slice', 'link'], (g) =>
    src.virtualLinks?.().forEach(({ slice, link }) => {
      g.set({ slice, link: link.id }, link.state === 'up' ? 1 : 0);
    }),
  );
  gauge('dfvisor_virtual_link_path', 'The admitted path a virtual link uses (0: preferred; -1: none)', ['slice', 'link'], (g) =>
    src.virtualLinks?.().forEach(({ slice, link }) => {
      g.set({ slice, link: link.id }, link.path?.index ?? -1);
    }),
  );
  counter('dfvisor_virtual_link_path_changes_total', 'Path changes of a virtual link since the node started', ['slice', 'link'], (c) =>
    src.virtualLinks?.().forEach(({ slice, link }) => {
      c.inc({ slice, link: link.id }, link.pathChanges);
    }),
  );
  for (const [what, key] of [
    ['packets', 'packets'],
    ['bytes', 'bytes'],
  ] as const)
    counter(
      `dfvisor_virtual_link_${what}_total`,
      `${what === 'packets' ? 'Frames' : 'Bytes'} into the core over a virtual link, per direction (path in use, since it was taken)`,
      ['slice', 'link', 'direction'],
      (c) =>
        src.virtualLinks?.().forEach(({ slice, link }) => {
          if (link.counters.aToB) c.inc({ slice, link: link.id, direction: 'a-to-b' }, link.counters.aToB[key]);
          if (link.counters.bToA) c.inc({ slice, link: link.id, direction: 'b-to-a' }, link.counters.bToA[key]);
        }),
    );
  // Per-slice sums of every live node's pushed aggregates (they drop when a node leaves: a reset).
  counter('dfvisor_slice_packets_total', 'Packets counted for a slice (pushed aggregates, all nodes)', ['slice'], (c) =>
    src.sliceTotals().forEach((s) => {
      c.inc({ slice: s.slice }, s.packets);
    }),
  );
  counter('dfvisor_slice_bytes_total', 'Bytes counted for a slice (pushed aggregates, all nodes)', ['slice'], (c) =>
    src.sliceTotals().forEach((s) => {
      c.inc({ slice: s.slice }, s.bytes);
    }),
  );
  counter('dfvisor_slice_packet_ins_total', 'Packet-ins delivered to a slice', ['slice'], (c) =>
    src.sliceTotals().forEach((s) => {
      c.inc({ slice: s.slice }, s.packetIns);
    }),
  );
  counter(
    'dfvisor_slice_packet_ins_dropped_total',
    "Packet-ins not delivered to a slice: its controller was down or slow, or over the slice's packet_in_rate (all nodes)",
    ['slice'],
    (c) =>
      src.sliceTotals().forEach((s) => {
        c.inc({ slice: s.slice }, s.proxy?.packetInsDropped ?? 0);
      }),
  );
  counter(
    'dfvisor_slice_control_rate_drops_total',
    "Tenant messages dropped over the slice's control rate limit (all nodes)",
    ['slice'],
    (c) =>
      src.sliceTotals().forEach((s) => {
        c.inc({ slice: s.slice }, s.proxy?.controlRateDrops ?? 0);
      }),
  );
  counter(
    'dfvisor_slice_refused_total',
    'Tenant messages the proxy refused with an OpenFlow error, by message type and reason (all nodes)',
    ['slice', 'message', 'reason'],
    (c) =>
      src.sliceTotals().forEach((s) => {
        for (const r of s.proxy?.refused ?? []) c.inc({ slice: s.slice, message: r.message, reason: r.reason }, r.count);
      }),
  );
  counter(
    'dfvisor_stats_requests_to_switches_total',
    'Statistics requests this node sent to switches (push collection rounds and tenant polls sent on)',
    [],
    (c) => {
      const m = src.statsMessages?.();
      if (m) c.inc(m.requestsToSwitches);
    },
  );
  counter(
    'dfvisor_tenant_stats_polls_total',
    'Tenant flow/aggregate/port stats polls, by how they were answered (cache: from the last collected snapshot; switch: sent on)',
    ['answered'],
    (c) => {
      const m = src.statsMessages?.();
      if (!m) return;
      c.inc({ answered: 'cache' }, m.tenantPollsFromCache);
      c.inc({ answered: 'switch' }, m.tenantPollsForwarded);
    },
  );
  counter(
    'dfvisor_reconciled_rules_total',
    'Rules the reconciliation of switch tables with the plan removed (stale) or installed again (missing base rules)',
    ['change'],
    (c) => {
      const r = src.reconciled?.();
      if (!r) return;
      c.inc({ change: 'removed' }, r.removed);
      c.inc({ change: 'restored' }, r.restored);
    },
  );
  counter(
    'dfvisor_reconciled_meters_total',
    'Meters the reconciliation of switches with the plan removed (hypervisor meter ids no slice on the switch accounts for) or installed again (missing)',
    ['change'],
    (c) => {
      const r = src.reconciled?.();
      if (!r) return;
      c.inc({ change: 'removed' }, r.metersRemoved ?? 0);
      c.inc({ change: 'restored' }, r.metersRestored ?? 0);
    },
  );
  counter(
    'dfvisor_store_ops_total',
    'Calls this node made on the global tier (Hazelcast or embedded), by operation (get, put, delete, entries, acquire_lease, renew_lease, release_lease, heartbeat, publish, ...), map, and for the meta map the first key segment (area, e.g. flow-entries)',
    ['op', 'map', 'area'],
    (c) => {
      for (const x of src.storeOps?.() ?? []) c.inc({ op: x.op, map: x.map, area: x.area }, x.count);
    },
  );
  counter(
    'dfvisor_switch_refused_total',
    'Switch connections refused because the deployed network does not declare their datapath id',
    ['dpid'],
    (c) =>
      src.refusedSwitches?.().forEach((r) => {
        c.inc({ dpid: r.dpid }, r.count);
      }),
  );
  counter(
    'dfvisor_lldp_probes_total',
    "Link discovery probes of this node: sent, received back, forged (DFVisor's probe address with a bad signature or stale; dropped)",
    ['result'],
    (c) => {
      const t = src.topology?.();
      if (!t?.enabled) return;
      for (const result of ['sent', 'received', 'forged'] as const) c.inc({ result }, t.probes[result]);
    },
  );
  // The proxy's one translation (proxy/wire.ts), process-wide: which path each message took, and
  // where a fast structure could not answer (proxy/wire-counts.ts).
  counter(
    'dfvisor_openflow_messages_total',
    'OpenFlow messages the proxy translated, by type, direction (in: decoded, out: encoded), peer (switch/tenant) and path (direct: frame to neutral message without a codec object; codec: through the codec; refused, malformed, unencodable: error values)',
    ['type', 'direction', 'peer', 'path'],
    (c) => {
      for (const x of wireCounts()) c.inc({ type: x.type, direction: x.direction, peer: x.peer, path: x.path }, x.count);
    },
  );
  counter(
    'dfvisor_proxy_fallbacks_total',
    'Times a fast structure of the proxy could not answer and a slower way was taken (e.g. structure="classifier": packet classification fell back to a scan)',
    ['structure', 'reason'],
    (c) => {
      for (const x of fallbackCounts()) c.inc({ structure: x.structure, reason: x.reason }, x.count);
    },
  );
  counter(
    'dfvisor_openflow_connections_closed_by_limit_total',
    'OpenFlow connections closed by a bound, by peer (switch/tenant) and cause (handshake_timeout, echo_timeout, over_cap: refused at accept over the switch connection cap)',
    ['peer', 'cause'],
    (c) => {
      for (const x of limitCounts()) c.inc({ peer: x.peer, cause: x.cause }, x.count);
    },
  );
  counter(
    'dfvisor_openflow_tls_refused_total',
    'OpenFlow TLS connections refused, by peer (switch: at the TLS listener; tenant: an ssl: controller) and reason (handshake_failed: not TLS or no usable handshake; unauthorized: a certificate the CA did not sign, or none, or one naming another host)',
    ['peer', 'reason'],
    (c) => {
      for (const x of tlsRefusalCounts()) c.inc({ peer: x.peer, reason: x.reason }, x.count);
    },
  );
  return registry;
}
