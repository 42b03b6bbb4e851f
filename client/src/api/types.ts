// The runtime's HTTP API as this extension sees it (issue 5's contract). Plain JSON shapes only.

/** A grammar diagnostic as the API returns it (grammar/src/api.ts `Diagnostic`, positions 0-based). */
export interface ApiDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  related?: { file: string; range: ApiDiagnostic['range']; message: string }[];
}

export interface SliceFile {
  path: string;
  text: string;
}

export interface DeployDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

export interface DeploySliceResult {
  name: string;
  owner?: string;
  status: string;
}

export interface DeployResult {
  revision: number;
  dryRun: boolean;
  diff: DeployDiff;
  slices: DeploySliceResult[];
  diagnostics: ApiDiagnostic[];
}

export interface ControllerState {
  url: string;
  connected: boolean;
}

export interface SliceSummary {
  name: string;
  owner?: string;
  overlay?: { type: string; tag: number | null };
  switches: string[];
  controllers: ControllerState[];
  revision?: number;
}

export interface SliceDetail extends SliceSummary {
  flowspace?: unknown[];
  qos?: unknown;
  limits?: unknown;
}

export interface SliceStats {
  slice: string;
  updatedAt?: string | number;
  packets: number;
  bytes: number;
  flows: number;
  packetIns?: number;
  perSwitch?: { dpid: string; packets: number; bytes: number; flows: number }[];
}

export interface RuntimeStatus {
  nodes: { id: string; api?: string; alive: boolean }[];
  switches: { dpid: string; master?: string; connected: boolean }[];
  slices: { name: string; controllers: ControllerState[] }[];
  revision: number | null;
}

export interface RevisionInfo {
  revision: number;
  createdAt: string;
  by?: string;
  slices: string[];
}

/** RFC 9457 problem details, plus the runtime's `code` and `diagnostics`. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  diagnostics?: ApiDiagnostic[];
}
