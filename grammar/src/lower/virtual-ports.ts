// Virtual port numbers: the ports a slice's controller sees on an edge switch for its virtual
// links across the managed core. Per (slice, switch), in virtual link id order, from
// VIRTUAL_PORT_BASE up to VIRTUAL_PORT_LAST (below OpenFlow 1.0's reserved 0xff00, so that every
// protocol version can carry them), skipping ports the switch declares. A virtual link keeps the
// number a previous plan gave it while that number is still free, so adding an edge switch to a
// slice does not renumber the ports its controller already knows.
import { VIRTUAL_PORT_BASE } from '../plan/types.js';

/** The last virtual port number (256 virtual ports per slice and switch). */
export const VIRTUAL_PORT_LAST = 0xfeff;

/**
 * Numbers for `links` (virtual link ids, in order) on one switch of one slice. `physical(n)`: the
 * switch declares port n. `previous`: link id → its number in the previous plan. Undefined for a
 * link when no number is left.
 */
export function allocateVirtualPorts(
  links: string[],
  physical: (n: number) => boolean,
  previous?: ReadonlyMap<string, number>,
): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  const used = new Set<number>();
  const free = (n: number): boolean =>
    Number.isInteger(n) && n >= VIRTUAL_PORT_BASE && n <= VIRTUAL_PORT_LAST && !used.has(n) && !physical(n);
  for (const id of links) {
    const p = previous?.get(id);
    if (p !== undefined && free(p) && !out.has(id)) {
      used.add(p);
      out.set(id, p);
    }
  }
  let next = VIRTUAL_PORT_BASE;
  for (const id of links) {
    if (out.has(id)) continue;
    while (next <= VIRTUAL_PORT_LAST && !free(next)) next++;
    if (next > VIRTUAL_PORT_LAST) {
      out.set(id, undefined);
      continue;
    }
    used.add(next);
    out.set(id, next);
  }
  return out;
}
