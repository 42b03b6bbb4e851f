// The runtime's HTTP API as this extension sees it: names for the schemas of the generated
// openapi.ts (scripts/openapi.mjs turns docs/openapi.yaml, itself generated from the runtime's
// route schemas, into TypeScript), so these types cannot drift from the API. Plain JSON shapes.
import type { components } from './openapi.js';

type Schemas = components['schemas'];

/** A grammar diagnostic as the API returns it (positions 0-based). */
export type ApiDiagnostic = Schemas['Diagnostic'];
export type SliceFile = Schemas['SourceFile'];
export type DeployResult = Schemas['DeployResult'];
export type DeployDiff = DeployResult['diff'];
export type DeploySliceResult = DeployResult['slices'][number];
export type ControllerState = Schemas['ControllerState'];
export type SliceSummary = Schemas['SliceSummary'];
export type SliceDetail = Schemas['SliceDetail'];
export type SliceStats = Schemas['SliceStats'];
export type VirtualLink = Schemas['VirtualLink'];
export type RuntimeStatus = Schemas['RuntimeStatus'];
export type RevisionInfo = Schemas['RevisionInfo'];
export type Topology = Schemas['Topology'];
export type TopologyCheck = Schemas['TopologyCheck'];
/**
 * RFC 9457 problem details, plus the runtime's `code`, `diagnostics` and schema `errors`. Every
 * field optional: an error answer may come from something in front of the runtime (a proxy).
 */
export type Problem = Partial<Schemas['Problem']>;
