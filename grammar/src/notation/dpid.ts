// How datapath ids are written: the plan's 16 hex digits, and the colon-separated form editors show.
// The one home of dpid text for the grammar, the server and the runtime.
import type { DpidHex } from '../plan/types.js';

/** The plan's form: `10n` → `000000000000000a` (an undeclared dpid is 0). */
export function dpidHex(v: bigint | undefined): DpidHex {
  return (v ?? 0n).toString(16).padStart(16, '0');
}

/** The form switches and `ovs-ofctl` print: `10n` → `00:00:00:00:00:00:00:0a`. */
export function dpidColons(v: bigint): string {
  return dpidHex(v).replace(/(..)(?!$)/g, '$1:');
}
