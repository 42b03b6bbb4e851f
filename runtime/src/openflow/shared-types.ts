// Shapes shared by the message types (types.ts) and the multipart bodies (multipart-types.ts):
// ports, group buckets and meter bands. Their own module so that neither of those two imports the
// other (issue 10: no import circles). Re-exported by types.ts and index.ts.
import type { Action13 } from './actions.js';

export interface Port10 {
  readonly portNo: number;
  readonly hwAddr: string;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
}
/** A 1.3 port: the 1.0 fields (port numbers widened to 32 bits) and the current and maximum speed. */
export interface Port13 extends Port10 {
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

export interface Bucket {
  readonly weight: number;
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly Action13[];
}

export type MeterBand =
  | { readonly type: 'drop'; readonly rate: number; readonly burstSize: number }
  | { readonly type: 'dscp_remark'; readonly rate: number; readonly burstSize: number; readonly precLevel: number }
  | {
      readonly type: 'experimenter';
      readonly rate: number;
      readonly burstSize: number;
      readonly experimenter: number;
      readonly data: Buffer;
    };
