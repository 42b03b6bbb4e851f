// Analysis snapshots: the parsed files of one generation of the workspace
// (re-parsing only files whose text changed) and, on demand, the bound model
// (bind/'s Program plus link loads). Checker diagnostics per file are computed on
// demand and cached per generation; a check hands its bound program to the
// snapshot of the same generation, so an edit binds the workspace once, not twice.
import { ide, type Diagnostic, type Plan, type Program, type SourceFile } from '@dfvisor/grammar';
import { check, parse, planOf, type Checked } from './core.js';
import type { WorkspaceFiles } from './workspace-files.js';

export class Snapshot {
  private bound: ide.EditorProgram | undefined;

  constructor(
    readonly generation: number,
    readonly files: SourceFile[],
    readonly byUri: Map<string, SourceFile>,
  ) {}

  /** The bound model of these files (bound on first use). */
  get model(): ide.EditorProgram {
    this.bound ??= ide.buildEditorProgram(this.files);
    return this.bound;
  }

  /** Uses a program bound from these same files (by a check) instead of binding again. */
  adopt(program: Program): void {
    this.bound ??= ide.editorProgramOf(program);
  }
}

export interface CheckResult {
  generation: number;
  byUri: Map<string, Diagnostic[]>;
  checked: Checked;
}

export class Analysis {
  private parsed = new Map<string, SourceFile>();
  private snap: Snapshot | undefined;
  private checked: CheckResult | undefined;
  private plan: { generation: number; plan: Plan | undefined } | undefined;

  constructor(private readonly ws: WorkspaceFiles) {}

  snapshot(): Snapshot {
    if (this.snap && this.snap.generation === this.ws.generation) return this.snap;
    const next = new Map<string, SourceFile>();
    for (const uri of this.ws.uris()) {
      const text = this.ws.text(uri);
      if (text === undefined) continue;
      const old = this.parsed.get(uri);
      next.set(uri, old && old.text === text ? old : parse(text, uri));
    }
    this.parsed = next;
    const files = [...next.values()];
    this.snap = new Snapshot(this.ws.generation, files, next);
    return this.snap;
  }

  file(uri: string): SourceFile | undefined {
    return this.snapshot().byUri.get(uri);
  }

  /** Whether the last check is for the current texts. */
  isCheckCurrent(): boolean {
    return this.checked?.generation === this.ws.generation;
  }

  lastCheck(): CheckResult | undefined {
    return this.checked;
  }

  check(): CheckResult {
    if (this.checked && this.checked.generation === this.ws.generation) return this.checked;
    const snap = this.snapshot();
    const byUri = new Map<string, Diagnostic[]>(snap.files.map((f) => [f.path, []]));
    const checked = check(snap.files);
    if (checked.program) snap.adopt(checked.program);
    for (const d of checked.diagnostics) {
      const list = byUri.get(d.file);
      if (list) list.push(d);
      else byUri.set(d.file, [d]);
    }
    this.checked = { generation: snap.generation, byUri, checked };
    return this.checked;
  }

  compiledPlan(): Plan | undefined {
    if (this.plan?.generation === this.ws.generation) return this.plan.plan;
    const c = this.check();
    this.plan = { generation: c.generation, plan: planOf(c.checked) };
    return this.plan.plan;
  }
}
