// Builds the workspace a deploy compiles: the submitted files, with the slices outside the
// request's scope blanked out (positions stay valid), plus the deployed slices and network
// that the submission leaves in place. Grant blocks are kept apart from the network: a tenant's
// submission never brings its own (the deployed grants are checked instead), and an admin's
// replaces the deployed grants only when it carries at least one.
import { parse, type SliceDecl, type SourceFile, type NetworkDecl } from '@dfvisor/grammar';
import type { Revision, SourceText } from './types.js';

export const DEPLOYED_PREFIX = 'deployed:';

export interface DeployWorkspace {
  files: SourceFile[];
  /** Slices the submission deploys (in scope), with their block text. */
  submitted: Map<string, SourceText>;
  /** Network blocks the submission carries (empty: the deployed network is kept). */
  network: SourceText[];
  /** Deployed slices this deploy removes. */
  removed: string[];
  /** Grant blocks the submission carries (in every case, for comparison). */
  grants: SourceText[];
  /** The grants the workspace is checked with: the submitted ones, or the deployed ones. */
  grantsInForce: SourceText[];
}

export interface ScopeOptions {
  only?: string[];
  prune?: boolean;
  /** For prune: which deployed slices the caller may remove (tenants: their own). */
  mayRemove: (slice: string) => boolean;
  /**
   * Which grants the workspace uses: `submitted` (the admin: the submission's grants when it has any,
   * else the deployed), or the given list (tenants: submitted grant blocks are blanked, and the list,
   * made by the caller from the deployed grants and the tenant's delegated ones, is used).
   */
  grants: 'submitted' | ((submitted: SourceText[]) => SourceText[]);
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n\r]/g, ' ') + text.slice(end);
}

export function buildDeployWorkspace(active: Revision | undefined, sources: SourceText[], opts: ScopeOptions): DeployWorkspace {
  const submitted = new Map<string, SourceText>();
  const network: SourceText[] = [];
  const grants: SourceText[] = [];
  const files: SourceFile[] = [];
  const submittedPaths = new Set(sources.map((s) => s.path));
  const only = opts.only ? new Set(opts.only) : undefined;

  for (const src of sources) {
    let text = src.text;
    const parsed = parse(text, src.path);
    for (const item of parsed.items) {
      const blockText = src.text.slice(item.range.start.offset, item.range.end.offset);
      if (item.kind === 'Network') {
        network.push({ path: src.path, text: blockText });
        continue;
      }
      if (item.kind === 'Grant') {
        grants.push({ path: src.path, text: blockText });
        if (opts.grants !== 'submitted') text = blank(text, item.range.start.offset, item.range.end.offset);
        continue;
      }
      const name = (item as SliceDecl).name?.name;
      if (name === undefined) continue;
      if (only && !only.has(name)) {
        text = blank(text, item.range.start.offset, item.range.end.offset);
        continue;
      }
      submitted.set(name, { path: src.path, text: blockText });
    }
    files.push(text === src.text ? parsed : parse(text, src.path));
  }

  const removed: string[] = [];
  for (const [name, stored] of Object.entries(active?.slices ?? {})) {
    if (submitted.has(name)) continue;
    const goneFromItsFile = !only && submittedPaths.has(stored.path);
    const pruned = opts.prune === true && !only;
    if ((goneFromItsFile || pruned) && opts.mayRemove(name)) {
      removed.push(name);
      continue;
    }
    files.push(parse(stored.text, `${DEPLOYED_PREFIX}${name}.slice`));
  }
  if (network.length === 0 && active) {
    for (const [i, n] of active.network.entries()) files.push(parse(n.text, `${DEPLOYED_PREFIX}network-${i + 1}.slice`));
  }
  const useSubmitted = opts.grants === 'submitted' && grants.length > 0;
  const grantsInForce = useSubmitted ? grants : opts.grants === 'submitted' ? (active?.grants ?? []) : opts.grants(grants);
  if (!useSubmitted) for (const [i, g] of grantsInForce.entries()) files.push(parse(g.text, `${DEPLOYED_PREFIX}grants-${i + 1}.slice`));
  removed.sort();
  return { files, submitted, network, removed, grants, grantsInForce };
}

/** Splits a compiled workspace's files back into stored texts (used for plan-free revisions). */
export function blockTexts(file: SourceFile): { network: SourceText[]; slices: Array<[string, SourceText]> } {
  const network: SourceText[] = [];
  const slices: Array<[string, SourceText]> = [];
  for (const item of file.items) {
    const text = file.text.slice(item.range.start.offset, item.range.end.offset);
    if (item.kind === 'Network') network.push({ path: file.path, text });
    else if (item.kind === 'Grant') continue;
    else if ((item as SliceDecl).name) slices.push([(item as SliceDecl).name!.name, { path: file.path, text }]);
  }
  return { network, slices };
}

export type { NetworkDecl };
