// Grants on the deploy path: whether a submission changes the grants in force, and which deployed
// slices a grant change leaves outside their owner's grant (refused, or undeployed with force).
import { bindWorkspace, checkGrants, format, parse, type Diagnostic, type SourceFile } from '@dfvisor/grammar';
import { DEPLOYED_PREFIX } from './workspace.js';
import type { SourceText } from './types.js';

/** Grant blocks compared as the formatter prints them: layout and order do not count. */
export function sameGrants(a: SourceText[], b: SourceText[]): boolean {
  const norm = (list: SourceText[]) =>
    list
      .map((g) => format(g.text, 'grant.slice'))
      .sort()
      .join('\n');
  return norm(a) === norm(b);
}

/**
 * Deployed slices (not in this submission) that the workspace's grants no longer admit, with the
 * diagnostics that say why. A slice whose owner has no grant at all (SL601) is not in the way:
 * the admin may deploy any slice; only slices of granted owners must fit.
 */
export function grantsInTheWay(
  files: SourceFile[],
  deployed: string[],
  submitted: Map<string, SourceText>,
): { slices: string[]; diagnostics: Diagnostic[] } {
  const byFile = new Map(deployed.filter((n) => !submitted.has(n)).map((n) => [`${DEPLOYED_PREFIX}${n}.slice`, n]));
  const { program } = bindWorkspace(files);
  const diagnostics = checkGrants(program).filter(
    (d) => d.severity === 'error' && d.code !== 'SL601' && d.code !== 'SL607' && byFile.has(d.file),
  );
  const slices = [...new Set(diagnostics.map((d) => byFile.get(d.file)!))].sort();
  return { slices, diagnostics };
}

/** The parent owner a grant block is carved out of (`under "…"`), if any. */
function parentOf(g: SourceText): string | undefined {
  const item = parse(g.text, 'grant.slice').items[0];
  return item?.kind === 'Grant' ? item.parent?.value : undefined;
}

/**
 * The grants a tenant's submission puts in force: the deployed ones, with the grants `under` the
 * tenant's own owner replaced by the submitted ones of that kind (delegation: docs/language.md,
 * Grants; whether the tenant may delegate, and how much, is SL607). `forbidden` when the submission
 * carries another grant that differs from the deployed one. A submission without grant blocks keeps
 * the deployed grants.
 */
export function tenantGrants(owner: string, submitted: SourceText[], deployed: SourceText[]): { grants: SourceText[]; forbidden: boolean } {
  if (submitted.length === 0) return { grants: deployed, forbidden: false };
  const delegated = submitted.filter((g) => parentOf(g) === owner);
  const others = submitted.filter((g) => parentOf(g) !== owner);
  const kept = deployed.filter((g) => parentOf(g) !== owner);
  const forbidden = others.length > 0 && !sameGrants(others, kept);
  return { grants: [...kept, ...delegated], forbidden };
}
