// A tenant's diagnostics without other owners' files, slice and rule names: a deploy is checked
// against every deployed slice, but a tenant's answer must not quote other tenants' sources.
import type { Diagnostic, Plan } from '@dfvisor/grammar';
import type { Principal } from './types.js';

const FOREIGN = "another owner's slice";
const zero = { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } };

/**
 * A tenant's diagnostics without other owners' files, slice and rule names: diagnostics located in
 * other owners' deployed files are dropped (their mirror on the tenant's own rule stays), related
 * places there lose their file and position, and foreign names in messages are replaced.
 */
export function diagnosticsFor(
  p: Principal,
  diags: Diagnostic[],
  plan: Plan | undefined,
  deployedFile: (slice: string) => string,
): Diagnostic[] {
  if (p.kind === 'admin') return diags;
  const foreign = (plan?.slices ?? []).filter((s) => s.owner !== p.owner).map((s) => s.name);
  if (foreign.length === 0) return diags;
  const foreignFiles = new Set(foreign.map(deployedFile));
  const names = new RegExp(
    `(?<![A-Za-z0-9_-])'?(?:${foreign.map((n) => n.replace(/[-]/g, '\\-')).join('|')})(?:\\.[A-Za-z0-9_-]+)?'?(?![A-Za-z0-9_-])`,
    'g',
  );
  const scrub = (m: string) => m.replace(names, FOREIGN);
  return diags
    .filter((d) => !foreignFiles.has(d.file))
    .map((d) => {
      const out: Diagnostic = {
        ...d,
        message: scrub(d.message),
        related: d.related.map((r) =>
          foreignFiles.has(r.file) ? { file: 'deployed', range: zero, message: FOREIGN } : { ...r, message: scrub(r.message) },
        ),
      };
      if (d.data && scrub(JSON.stringify(d.data)) !== JSON.stringify(d.data)) delete out.data;
      return out;
    });
}
