// The language core's public contract, used by server/ and runtime/.
// (Helpers fill in the implementations in their modules; these signatures are fixed.)
import type { Range } from './syntax/ast.js';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedInfo {
  file: string;
  range: Range;
  message: string;
}

/** A checker diagnostic: stable code, range, severity, message naming the things involved. */
export interface Diagnostic {
  file: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  related: RelatedInfo[];
  /** Optional machine-readable data for quick fixes (e.g. the free tag, the fitting rate). */
  data?: Record<string, unknown>;
}
