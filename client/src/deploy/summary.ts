// Human-readable summaries of deploy results. No VS Code imports.
import type { DeployResult } from '../api/types.js';

export function deploySummary(r: DeployResult): string {
  const parts: string[] = [];
  const d = r.diff ?? { added: [], changed: [], removed: [], unchanged: [] };
  if (d.added?.length) parts.push(`added ${d.added.join(', ')}`);
  if (d.changed?.length) parts.push(`changed ${d.changed.join(', ')}`);
  if (d.removed?.length) parts.push(`removed ${d.removed.join(', ')}`);
  if (d.unchanged?.length) parts.push(`unchanged ${d.unchanged.join(', ')}`);
  const what = parts.length ? parts.join('; ') : 'no slices';
  return r.dryRun ? `Dry run against revision ${r.revision}: would have ${what}.` : `Deployed revision ${r.revision}: ${what}.`;
}

export function sliceLines(r: DeployResult): string[] {
  return (r.slices ?? []).map((s) => `${s.name}${s.owner ? ` (${s.owner})` : ''}: ${s.status}`);
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
