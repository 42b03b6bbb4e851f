// The deploy path: check, authorise, diff, commit a revision, apply it to the switches,
// roll back when applying fails. Callers (HTTP API, tests) get plain outcomes.
import { compile, parse, type Diagnostic, type GrantScope, type Plan } from '@dfvisor/grammar';
import { grantsInTheWay, sameGrants, tenantGrants } from './grants.js';
import { buildDeployWorkspace, DEPLOYED_PREFIX } from './workspace.js';
import { filesHeld } from './file-texts.js';
import { diffPlans, networkChanged } from './diff.js';
import type { RevisionRepository, RevisionSummary } from './repository.js';
import type { DeployOutcome, DeployProblem, DeployRequest, Principal, Revision, SourceText, SwitchApplyOutcome } from './types.js';
import { diagnosticsFor } from './tenant-diagnostics.js';
import { validatePlan } from '../validation/plan-schema.js';
import type { SchemaError } from '../validation/json-schema.js';
import { controllerProblems, type ControllerPolicy } from './controller-policy.js';

export interface ApplyResult {
  ok: boolean;
  /** Per switch errors when not ok. */
  errors: string[];
  /** Every declared switch's outcome, when the applier waited for the whole cluster. */
  switches?: SwitchApplyOutcome[];
}

/**
 * Puts a revision's plan on the switches: every switch's master applies it and reports, and the
 * applier waits (bounded) for the reports, telling `progress` about each switch as it is known.
 */
export interface PlanApplier {
  apply(plan: Plan | undefined, revision?: number, progress?: (s: SwitchApplyOutcome) => void): Promise<ApplyResult>;
}

export type DeployEvent =
  | {
      type: 'deploy-progress';
      stage: 'checking' | 'committing' | 'applying' | 'rolling-back' | 'done' | 'failed';
      revision?: number;
      detail?: string;
    }
  | {
      type: 'revision';
      revision: number;
      by: string;
      action: Revision['action'];
      diff: { added: string[]; changed: string[]; removed: string[] };
    }
  | ({ type: 'switch-applied'; revision: number } & SwitchApplyOutcome);

export interface AuditEntry {
  at: string;
  who: string;
  action: string;
  target: string;
  outcome: 'ok' | 'refused' | 'failed';
  revision?: number;
  detail?: string;
}

export interface DeployServiceDeps {
  repository: RevisionRepository;
  applier: PlanApplier;
  emit?: (e: DeployEvent) => void;
  audit?: (e: AuditEntry) => void;
  now?: () => Date;
  /** Controller endpoints a deploy may name (absent: any). */
  controllers?: ControllerPolicy;
}

const problem = (
  status: DeployProblem['status'],
  code: string,
  title: string,
  detail: string,
  diagnostics?: Diagnostic[],
  errors?: SchemaError[],
): DeployOutcome => ({
  ok: false,
  problem: { status, code, title, detail, ...(diagnostics ? { diagnostics } : {}), ...(errors ? { errors } : {}) },
});

/** An audit target names at most a few submitted paths (a deploy may carry thousands). */
function auditTarget(req: DeployRequest): string {
  if (!req.files) return 'plan';
  const shown = req.files.slice(0, 3).map((f) => (f.path.length > 80 ? f.path.slice(0, 77) + '...' : f.path));
  return shown.join(',') + (req.files.length > 3 ? ` (+${req.files.length - 3} more files)` : '');
}

/**
 * How a refused commit is answered: a conflict (another deploy won), the global tier not
 * answering, or this node on a partition's minority side (503: retry on a node of the majority).
 */
const COMMIT_REFUSALS: Record<'conflict' | 'unavailable' | 'no-quorum', [DeployProblem['status'], string, string]> = {
  conflict: [409, 'CONFLICT', 'Conflict'],
  unavailable: [502, 'STORE_UNAVAILABLE', 'Store unavailable'],
  'no-quorum': [503, 'STORE_NO_QUORUM', 'No majority of the cluster reachable'],
};

/** What a revision deploys, without when, by whom and its number: equal contents, nothing to store. */
const content = (r: Revision) => JSON.stringify([r.network, r.slices, r.grants ?? [], r.files ?? [], r.plan]);

export class DeployService {
  constructor(private readonly deps: DeployServiceDeps) {}

  private emit(e: DeployEvent) {
    this.deps.emit?.(e);
  }

  private audit(p: Principal, action: string, target: string, outcome: AuditEntry['outcome'], revision?: number, detail?: string) {
    this.deps.audit?.({
      at: (this.deps.now?.() ?? new Date()).toISOString(),
      who: p.kind === 'admin' ? 'admin' : `tenant:${p.owner}`,
      action,
      target,
      outcome,
      revision,
      detail,
    });
  }

  private refuse(p: Principal, action: string, target: string, outcome: DeployOutcome): DeployOutcome {
    if (!outcome.ok) this.audit(p, action, target, 'refused', undefined, `${outcome.problem.code}: ${outcome.problem.detail}`);
    return outcome;
  }

  /** The network and grant sources of the active revision (empty when none). */
  grantSources(): { network: SourceText[]; grants: SourceText[] } {
    const active = this.deps.repository.active();
    return { network: active?.network ?? [], grants: active?.grants ?? [] };
  }

  activePlan(): Plan | undefined {
    return this.deps.repository.active()?.plan;
  }

  async deploy(p: Principal, req: DeployRequest): Promise<DeployOutcome> {
    const target = auditTarget(req);
    this.emit({ type: 'deploy-progress', stage: 'checking' });
    const before = this.deps.repository.active();
    const prepared = req.plan ? this.preparePlan(p, req.plan) : this.prepareSources(p, req);
    if ('ok' in prepared)
      return this.refuse(p, req.dryRun ? 'deploy-dry-run' : 'deploy', target, this.forTenant(p, prepared, before?.plan));
    const { revision } = prepared;
    const forced = (prepared as { forced?: string[] }).forced ?? [];
    // Only the deployer's own slices: a tenant is not refused for (nor told about) another's.
    const refused = this.deps.controllers
      ? controllerProblems(revision.plan, this.deps.controllers, (s) => p.kind === 'admin' || s.owner === p.owner)
      : [];
    if (refused.length > 0)
      return this.refuse(
        p,
        req.dryRun ? 'deploy-dry-run' : 'deploy',
        target,
        problem(422, 'CONTROLLER_NOT_ALLOWED', 'Controller endpoint not allowed', refused.join('; ')),
      );
    const diagnostics = diagnosticsFor(p, prepared.diagnostics, before?.plan, deployedFile);
    const diff = diffPlans(before?.plan, revision.plan);
    if (req.dryRun) return { ok: true, revision: before?.revision ?? 0, dryRun: true, diff, diagnostics, plan: revision.plan };
    const outcome = await this.commitAndApply(p, 'deploy', target, revision, diagnostics);
    if (outcome.ok)
      for (const name of forced)
        this.audit(p, 'undeploy-forced', name, 'ok', outcome.revision, 'outside the changed grants (deploy with force)');
    return outcome;
  }

  async undeploy(p: Principal, slice: string): Promise<DeployOutcome> {
    const active = this.deps.repository.active();
    const stored = active?.plan.slices.find((s) => s.name === slice);
    // Another owner's slice is not found either: a tenant learns nothing about other owners.
    if (!active || !stored || (p.kind !== 'admin' && stored.owner !== p.owner))
      return this.refuse(p, 'undeploy', slice, problem(404, 'UNKNOWN_SLICE', 'Unknown slice', `no deployed slice named '${slice}'`));
    const slices = { ...active.slices };
    delete slices[slice];
    let plan: Plan;
    let diagnostics: Diagnostic[] = [];
    if (Object.keys(active.slices).length === 0 && active.network.length === 0) {
      plan = {
        ...active.plan,
        slices: active.plan.slices.filter((s) => s.name !== slice),
        flowspace: active.plan.flowspace.filter((e) => e.slice !== slice),
        qos: {
          ...active.plan.qos,
          meters: active.plan.qos.meters.filter((m) => m.slice !== slice),
          queues: active.plan.qos.queues.filter((q) => q.slice !== slice),
        },
      };
    } else {
      const compiled = this.compileStored(active.network, slices, active.plan, active.grants ?? []);
      if (!compiled.plan)
        return this.refuse(
          p,
          'undeploy',
          slice,
          problem(
            422,
            'LANGUAGE_ERRORS',
            'The remaining slices do not compile',
            'removing this slice leaves a workspace with errors',
            diagnosticsFor(p, compiled.diagnostics, active.plan, deployedFile),
          ),
        );
      plan = compiled.plan;
      diagnostics = diagnosticsFor(p, compiled.diagnostics, active.plan, deployedFile);
    }
    const kept = { network: active.network, slices, grants: active.grants };
    const next: Revision = {
      revision: active.revision + 1,
      createdAt: this.nowIso(),
      by: p.owner,
      action: 'undeploy',
      network: active.network,
      slices,
      ...(active.grants ? { grants: active.grants } : {}),
      files: filesHeld(kept, active.files ?? []),
      plan,
    };
    return this.commitAndApply(p, 'undeploy', slice, next, diagnostics);
  }

  async rollback(p: Principal, to: number): Promise<DeployOutcome> {
    if (p.kind !== 'admin')
      return this.refuse(p, 'rollback', String(to), problem(403, 'FORBIDDEN', 'Forbidden', 'only the admin may roll back'));
    const old = await this.deps.repository.get(to);
    if (!old) return this.refuse(p, 'rollback', String(to), problem(404, 'UNKNOWN_REVISION', 'Unknown revision', `no revision ${to}`));
    const active = this.deps.repository.active();
    const next: Revision = { ...old, revision: (active?.revision ?? 0) + 1, createdAt: this.nowIso(), by: p.owner, action: 'rollback' };
    return this.commitAndApply(p, 'rollback', String(to), next, []);
  }

  listRevisions(): Promise<RevisionSummary[]> {
    return this.deps.repository.list();
  }

  private nowIso() {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /** A refusal as a tenant may read it: diagnostics without other owners' sources. */
  private forTenant(p: Principal, outcome: DeployOutcome, plan: Plan | undefined): DeployOutcome {
    if (outcome.ok || !outcome.problem.diagnostics || p.kind === 'admin') return outcome;
    const diagnostics = diagnosticsFor(p, outcome.problem.diagnostics, plan, deployedFile);
    const own = diagnostics.some((d) => d.severity === 'error');
    return {
      ok: false,
      problem: {
        ...outcome.problem,
        diagnostics,
        detail: own ? summarizeErrors(diagnostics) : 'the submission conflicts with slices of other owners',
      },
    };
  }

  /** The stored sources recompiled (an undeploy): removing a slice never takes another outside its grant. */
  private compileStored(network: SourceText[], slices: Record<string, SourceText>, previous: Plan, grants: SourceText[]) {
    const files: SourceText[] = [
      ...network.map((n, i) => ({ path: `${DEPLOYED_PREFIX}network-${i + 1}.slice`, text: n.text })),
      ...grants.map((g, i) => ({ path: `${DEPLOYED_PREFIX}grants-${i + 1}.slice`, text: g.text })),
      ...Object.entries(slices).map(([name, s]) => ({ path: `${DEPLOYED_PREFIX}${name}.slice`, text: s.text })),
    ];
    return compileTexts(files, previous, { kind: 'admin' });
  }

  private preparePlan(p: Principal, plan: Plan): { revision: Revision; diagnostics: Diagnostic[] } | DeployOutcome {
    if (p.kind !== 'admin')
      return problem(403, 'FORBIDDEN', 'Forbidden', 'only the admin may deploy a compiled plan; tenants deploy .slice sources');
    const checked = validatePlan(plan);
    if (!checked.ok)
      return problem(
        400,
        'INVALID_PLAN',
        'The plan does not match plan.schema.json',
        `${checked.errors.length} schema error(s); first: ${checked.errors[0].path || '(top level)'} ${checked.errors[0].message}`,
        undefined,
        checked.errors,
      );
    const active = this.deps.repository.active();
    return {
      revision: {
        revision: (active?.revision ?? 0) + 1,
        createdAt: this.nowIso(),
        by: p.owner,
        action: 'deploy',
        network: [],
        slices: {},
        plan,
      },
      diagnostics: [],
    };
  }

  private prepareSources(
    p: Principal,
    req: DeployRequest,
  ): { revision: Revision; diagnostics: Diagnostic[]; forced?: string[] } | DeployOutcome {
    const active = this.deps.repository.active();
    const files = req.files ?? [];
    if (files.length === 0) return problem(400, 'NO_SOURCES', 'Nothing to deploy', 'the request has neither files nor a plan');
    if (p.kind === 'tenant' && active && active.network.length === 0 && active.plan.slices.length > 0)
      return problem(
        409,
        'PLAN_REVISION',
        'Active revision has no sources',
        'the active revision was deployed from a compiled plan; ask the admin to deploy sources',
      );
    const owners = new Map(active?.plan.slices.map((s) => [s.name, s.owner]) ?? []);
    const mine = (slice: string) => p.kind === 'admin' || owners.get(slice) === p.owner;
    let tenantView: { grants: SourceText[]; forbidden: boolean } | undefined;
    const ws = buildDeployWorkspace(active, files, {
      only: req.only,
      prune: req.prune,
      mayRemove: mine,
      grants: req.removeGrants
        ? () => []
        : p.kind === 'admin'
          ? 'submitted'
          : (submitted) => (tenantView = tenantGrants(p.owner, submitted, active?.grants ?? [])).grants,
    });
    if (req.removeGrants && p.kind !== 'admin') return problem(403, 'FORBIDDEN', 'Forbidden', 'only the admin removes grants');
    if (req.removeGrants && ws.grants.length > 0)
      return problem(
        400,
        'BAD_REQUEST',
        'Grants and removeGrants',
        'removeGrants=true with grant blocks in the submission: send one or the other',
      );
    if (p.kind === 'tenant' && !active)
      return problem(403, 'FORBIDDEN', 'Forbidden', 'no network is deployed yet: the admin deploys the network first');
    if (ws.submitted.size === 0 && ws.removed.length === 0 && ws.network.length === 0 && ws.grants.length === 0 && !req.removeGrants)
      return problem(400, 'NO_SLICES', 'Nothing to deploy', 'the submitted files declare no slice and no network');
    if (tenantView?.forbidden)
      return problem(
        403,
        'FORBIDDEN',
        'Forbidden',
        `only the admin deploys grants; a tenant may deploy only grants under its own (grant "…" under ${JSON.stringify(p.owner)})`,
      );
    const grantsChanged = ws.grants.length > 0 && !sameGrants(ws.grantsInForce, active?.grants ?? []);

    const scope: GrantScope = p.kind === 'admin' ? { kind: 'admin' } : { kind: 'tenant', owner: p.owner };
    let { plan, diagnostics } = compile(ws.files, { previous: active?.plan, grants: scope });
    let forced: string[] = [];
    // Checked once the workspace compiles (a grant larger than its parent is SL607 first).
    if (plan && grantsChanged && active) {
      const inTheWay = grantsInTheWay(ws.files, Object.keys(active.slices), ws.submitted);
      if (inTheWay.slices.length > 0 && (!req.force || p.kind !== 'admin'))
        return {
          ok: false,
          problem: {
            status: 409,
            code: 'GRANTS_CONFLICT',
            title: 'Deployed slices do not fit the changed grants',
            detail: `deployed slices outside the changed grants: ${inTheWay.slices.join(', ')}${p.kind === 'admin' ? ' (deploy with force=true to undeploy them)' : ''}`,
            diagnostics: inTheWay.diagnostics,
            slices: inTheWay.slices,
          },
        };
      if (inTheWay.slices.length > 0) {
        forced = inTheWay.slices;
        const gone = new Set(forced.map(deployedFile));
        ({ plan, diagnostics } = compile(
          ws.files.filter((f) => !gone.has(f.path)),
          { previous: active.plan, grants: scope },
        ));
      }
    }
    if (!plan) return problem(422, 'LANGUAGE_ERRORS', 'The slices have errors', summarizeErrors(diagnostics), diagnostics);

    if (p.kind === 'tenant') {
      if (ws.network.length > 0 && networkChanged(active?.plan, plan))
        return problem(403, 'FORBIDDEN', 'Forbidden', 'tenants may not change the network section');
      for (const name of [...ws.submitted.keys(), ...ws.removed]) {
        // Checked first, and without naming the owner: the name is taken, nothing more is told.
        if (owners.has(name) && owners.get(name) !== p.owner)
          return problem(403, 'FORBIDDEN', 'Forbidden', `the slice name '${name}' is taken by another owner`);
        const owner = plan.slices.find((s) => s.name === name)?.owner ?? null;
        if (owner !== p.owner)
          return problem(
            403,
            'FORBIDDEN',
            'Forbidden',
            `slice '${name}' has owner ${owner === null ? '(none)' : JSON.stringify(owner)}; this token may only deploy slices of ${JSON.stringify(p.owner)}`,
          );
      }
    }

    const slices: Record<string, SourceText> = {};
    for (const s of plan.slices) {
      const text = ws.submitted.get(s.name) ?? active?.slices[s.name];
      if (text) slices[s.name] = text;
    }
    const network = ws.network.length > 0 ? ws.network : (active?.network ?? []);
    const grants = ws.grantsInForce;
    const held = filesHeld({ network, slices, grants }, [...(active?.files ?? []), ...files], ws.files);
    return {
      revision: {
        revision: (active?.revision ?? 0) + 1,
        createdAt: this.nowIso(),
        by: p.owner,
        action: 'deploy',
        network,
        slices,
        ...(grants.length > 0 ? { grants } : {}),
        files: held,
        plan,
      },
      diagnostics,
      forced,
    };
  }

  private async commitAndApply(
    p: Principal,
    action: string,
    target: string,
    next: Revision,
    diagnostics: Diagnostic[],
  ): Promise<DeployOutcome> {
    const before = this.deps.repository.active();
    const diff = diffPlans(before?.plan, next.plan);
    // A deploy that changes nothing stores nothing: the active revision stays.
    if (before && content(before) === content(next)) {
      this.audit(p, action, target, 'ok', before.revision, 'no change');
      return { ok: true, revision: before.revision, dryRun: false, diff, diagnostics, plan: before.plan };
    }
    this.emit({ type: 'deploy-progress', stage: 'committing', revision: next.revision });
    const committed = await this.deps.repository.commit(next, before?.revision ?? 0);
    if (!committed.ok) {
      this.emit({ type: 'deploy-progress', stage: 'failed', revision: next.revision, detail: committed.detail });
      const [status, code, title] = COMMIT_REFUSALS[committed.reason];
      return this.refuse(p, action, target, problem(status, code, title, committed.detail));
    }
    this.emit({ type: 'deploy-progress', stage: 'applying', revision: next.revision });
    const applied = await this.deps.applier.apply(next.plan, next.revision, this.progress(next.revision));
    if (!applied.ok) {
      this.emit({ type: 'deploy-progress', stage: 'rolling-back', revision: next.revision, detail: applied.errors.join('; ') });
      const restore: Revision | undefined = before && {
        ...before,
        revision: next.revision + 1,
        createdAt: this.nowIso(),
        by: p.owner,
        action: 'rollback',
      };
      const restored = restore ? await this.deps.repository.commit(restore, next.revision) : undefined;
      await this.deps.applier.apply(before?.plan, restored?.ok ? restore!.revision : undefined, this.progress(restore?.revision));
      this.audit(p, action, target, 'failed', next.revision, applied.errors.join('; '));
      this.emit({ type: 'deploy-progress', stage: 'failed', revision: next.revision, detail: 'rolled back' });
      const refused = problem(502, 'APPLY_FAILED', 'The switches refused the revision; rolled back', applied.errors.join('; '));
      if (!refused.ok && applied.switches) refused.problem.switches = applied.switches;
      return refused;
    }
    this.audit(p, action, target, 'ok', next.revision);
    this.emit({
      type: 'revision',
      revision: next.revision,
      by: next.by,
      action: next.action,
      diff: { added: diff.added, changed: diff.changed, removed: diff.removed },
    });
    const unreachable = (applied.switches ?? []).filter((s) => s.status === 'unreachable').map((s) => s.dpid);
    this.emit({
      type: 'deploy-progress',
      stage: 'done',
      revision: next.revision,
      ...(unreachable.length ? { detail: `not reachable (they get it when they come back): ${unreachable.join(', ')}` } : {}),
    });
    return {
      ok: true,
      revision: next.revision,
      dryRun: false,
      diff,
      diagnostics,
      plan: next.plan,
      ...(applied.switches ? { switches: applied.switches } : {}),
    };
  }

  /** Each switch's outcome as it is known: an event, and a progress line for the CLI and the extension. */
  private progress(revision: number | undefined) {
    return (s: SwitchApplyOutcome) => {
      if (revision === undefined) return;
      this.emit({ type: 'switch-applied', revision, ...s });
      const detail = `${s.dpid} ${s.status}${s.node ? ` by ${s.node}` : ''}${s.errors.length ? `: ${s.errors.join('; ')}` : ''}`;
      this.emit({ type: 'deploy-progress', stage: 'applying', revision, detail });
    };
  }
}

/** Compiles source texts; with `previous`, ids of slices that stay keep their values (stable deploys). */
export function compileTexts(files: SourceText[], previous?: Plan, grants?: GrantScope) {
  return compile(
    files.map((f) => parse(f.text, f.path)),
    { previous, grants },
  );
}

export const deployedFile = (slice: string) => `${DEPLOYED_PREFIX}${slice}.slice`;

function summarizeErrors(diags: Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error');
  const first = errors[0];
  return (
    `${errors.length} error(s)` +
    (first ? `; first: ${first.file}:${first.range.start.line + 1}:${first.range.start.character + 1} ${first.code} ${first.message}` : '')
  );
}
