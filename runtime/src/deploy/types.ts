// Plain data of the deploy path: revisions, principals, results.
import type { Diagnostic, Plan } from '@dfvisor/grammar';

/** Source text of one top-level block or file, as submitted. */
export interface SourceText {
  path: string;
  text: string;
}

/** What a revision deploys: the sources it was compiled from and the compiled plan. */
export interface Revision {
  revision: number;
  createdAt: string;
  /** 'admin' or the owner of the tenant token that made it. */
  by: string;
  /** What made it: deploy, undeploy, rollback. */
  action: 'deploy' | 'undeploy' | 'rollback';
  /** Network blocks (texts of `network` blocks). Empty for a plan-only revision. */
  network: SourceText[];
  /** One entry per slice: the text of its `slice` block. */
  slices: Record<string, SourceText>;
  /** The `grant` blocks in force (docs/language.md, Grants); absent in revisions made before grants. */
  grants?: SourceText[];
  /**
   * The submitted files this revision holds whole, verbatim (deploy/file-texts.ts); absent in
   * revisions made before file texts were kept (reading back regroups the blocks then).
   */
  files?: SourceText[];
  plan: Plan;
}

export interface Principal {
  kind: 'admin' | 'tenant';
  /** For tenants the owner string their token is bound to; 'admin' for the admin. */
  owner: string;
  tokenId: string;
}

export interface SliceDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** One switch's outcome of a deploy across the cluster (reported by the switch's master). */
// A type literal (not an interface): it travels as a RuntimeEvent, which has an index signature.
export type SwitchApplyOutcome = {
  dpid: string;
  /** unreachable: no node could program the switch (it gets the revision when it comes back). */
  status: 'applied' | 'refused' | 'unreachable';
  /** The master that applied or refused (null: none reported). */
  node: string | null;
  errors: string[];
};

/** A refused deploy: maps to an RFC 9457 problem. */
export interface DeployProblem {
  status: 400 | 403 | 404 | 409 | 422 | 500 | 502 | 503;
  code: string;
  title: string;
  detail: string;
  diagnostics?: Diagnostic[];
  /** Schema errors of a submitted plan (INVALID_PLAN). */
  errors?: Array<{ path: string; message: string }>;
  /** APPLY_FAILED: every switch's outcome of the refused revision. */
  switches?: SwitchApplyOutcome[];
  /** Deployed slices in the way of a grant change (GRANTS_CONFLICT). */
  slices?: string[];
}

export type DeployOutcome =
  | {
      ok: true;
      revision: number;
      dryRun: boolean;
      diff: SliceDiff;
      diagnostics: Diagnostic[];
      plan: Plan;
      /** Each switch's outcome (absent for a dry run or a deploy that changed nothing). */
      switches?: SwitchApplyOutcome[];
    }
  | { ok: false; problem: DeployProblem };

export interface DeployRequest {
  files?: SourceText[];
  plan?: Plan;
  dryRun?: boolean;
  /** Remove the caller's deployed slices that are not in the submission. */
  prune?: boolean;
  /** Only these slices of the submission are deployed. */
  only?: string[];
  /** A grant change that deployed slices no longer fit undeploys them (audited) instead of being refused. */
  force?: boolean;
  /** Admin: no grants in force after this deploy (removes the last grant; docs/api.md, Grants). */
  removeGrants?: boolean;
}
