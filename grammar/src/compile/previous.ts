// The ids a previous plan gave each slice (overlay tag, meter id, queue ids, virtual links' tags
// and virtual port numbers), read
// defensively: the plan may come from disk, from an older version or be hand-edited, so
// anything malformed is ignored rather than trusted.
import type { Plan } from '../plan/types.js';
import type { OverlayType } from '../lower/overlay.js';

export interface PreviousIds {
  /** Slice → its overlay tag. */
  overlays: Map<string, { type: OverlayType; tag: number }>;
  /** Slice → its meter id. */
  meters: Map<string, number>;
  /** Queue request key (`queueKey`) → queue id. */
  queues: Map<string, number>;
  /** `slice virtual-link-id` → the virtual link's overlay tag (of the slice's type then). */
  virtualTags: Map<string, { type: OverlayType; tag: number }>;
  /** `slice switch` → virtual link id → the virtual port number it had there. */
  virtualPorts: Map<string, Map<string, number>>;
}

/** The key of a slice's guarantee queue (class null) or of one of its class queues. */
export function queueKey(slice: string, cls: string | null): string {
  return cls === null ? `guarantee ${slice}` : `class ${slice} ${cls}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function previousIds(plan: Plan | undefined): PreviousIds {
  const ids: PreviousIds = { overlays: new Map(), meters: new Map(), queues: new Map(), virtualTags: new Map(), virtualPorts: new Map() };
  if (!isObject(plan)) return ids;
  for (const s of list(plan.slices)) {
    if (!isObject(s) || typeof s.name !== 'string') continue;
    const o = s.overlay;
    if (isObject(o) && (o.type === 'vlan' || o.type === 'mpls') && isId(o.tag) && !ids.overlays.has(s.name)) {
      ids.overlays.set(s.name, { type: o.type, tag: o.tag });
    }
    if (isObject(o) && (o.type === 'vlan' || o.type === 'mpls')) {
      for (const v of list(s.virtualLinks)) {
        if (!isObject(v) || typeof v.id !== 'string' || !isId(v.tag)) continue;
        const key = `${s.name} ${v.id}`;
        if (!ids.virtualTags.has(key)) ids.virtualTags.set(key, { type: o.type, tag: v.tag });
      }
    }
    for (const w of list(s.view)) {
      if (!isObject(w) || typeof w.switch !== 'string') continue;
      const key = `${s.name} ${w.switch}`;
      for (const p of list(w.virtualPorts)) {
        if (!isObject(p) || typeof p.link !== 'string' || !isId(p.number)) continue;
        let ports = ids.virtualPorts.get(key);
        if (!ports) ids.virtualPorts.set(key, (ports = new Map()));
        if (!ports.has(p.link)) ports.set(p.link, p.number);
      }
    }
    const qos: Record<string, unknown> = isObject(s.qos) ? s.qos : {};
    for (const c of list(qos.classes)) {
      if (isObject(c) && typeof c.name === 'string' && isId(c.queueId)) {
        const key = queueKey(s.name, c.name);
        if (!ids.queues.has(key)) ids.queues.set(key, c.queueId);
      }
    }
  }
  const qos: Record<string, unknown> = isObject(plan.qos) ? plan.qos : {};
  for (const m of list(qos.meters)) {
    if (isObject(m) && typeof m.slice === 'string' && isId(m.meterId) && !ids.meters.has(m.slice)) ids.meters.set(m.slice, m.meterId);
  }
  for (const q of list(qos.queues)) {
    if (!isObject(q) || typeof q.slice !== 'string' || q.class !== null || !isId(q.queueId)) continue;
    const key = queueKey(q.slice, null);
    if (!ids.queues.has(key)) ids.queues.set(key, q.queueId);
  }
  return ids;
}
