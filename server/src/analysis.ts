// Analysis snapshots: the parsed files of one generation of the workspace (re-parsing only files whose
// text changed), split into network workspaces by the grammar's rule (`partitionByNetwork`: each file
// belongs to the nearest folder at or above it that declares a network; files with no network above
// them form one group of their own). Each group has, on demand, its editor program (bind/'s Program
// plus link loads). Checker diagnostics per file are computed on demand and cached per generation; a
// check hands each group's bound program to the snapshot of the same generation, so an edit binds
// each workspace once, not twice.
import { ide, partitionByNetwork, type Diagnostic, type Plan, type Program, type SourceFile } from '@dfvisor/grammar';
import { check, checkAgainstGrant, checkUnplaced, parse, planOf, type Checked } from './core.js';
import { RUNTIME_GRANT_PATH, type RuntimeGrantState } from './runtime-grant.js';
import type { WorkspaceFiles } from './workspace-files.js';

/** The key of the group of files with no network above them (a network's group is keyed by its folder). */
export const UNPLACED = '\0no-network';

/** The files of one network workspace (or of the files without a network). */
export interface FileGroup {
  key: string;
  files: SourceFile[];
}

export class Snapshot {
  private readonly bound = new Map<string, ide.EditorProgram>();
  private readonly groupOf = new Map<string, FileGroup>();
  /** Network workspaces by folder, then the unplaced files' group (when there are any). */
  readonly groups: FileGroup[];

  constructor(
    readonly generation: number,
    readonly files: SourceFile[],
    readonly byUri: Map<string, SourceFile>,
    /** The runtime's network part and grant (runtime-grant.ts): checked with the files that have no network. */
    runtimeFile?: SourceFile,
  ) {
    const { workspaces, unplaced } = partitionByNetwork(files);
    this.groups = workspaces.map((w) => ({ key: w.root, files: w.files }));
    if (unplaced.length > 0) this.groups.push({ key: UNPLACED, files: runtimeFile ? [...unplaced, runtimeFile] : unplaced });
    for (const g of this.groups) for (const f of g.files) if (f !== runtimeFile) this.groupOf.set(f.path, g);
  }

  /** The group a file belongs to. */
  group(uri: string): FileGroup | undefined {
    return this.groupOf.get(uri);
  }

  /** The editor program of the file's workspace (bound on first use). */
  programFor(uri: string): ide.EditorProgram {
    const g = this.groupOf.get(uri) ?? { key: UNPLACED, files: [] };
    let p = this.bound.get(g.key);
    if (!p) {
      p = ide.buildEditorProgram(g.files);
      this.bound.set(g.key, p);
    }
    return p;
  }

  /** Every group's editor program (for workspace-wide requests such as workspace symbols). */
  programs(): ide.EditorProgram[] {
    return this.groups.map((g) => this.programFor(g.files[0]!.path));
  }

  /** Uses a program bound from a group's files (by a check) instead of binding again. */
  adopt(key: string, program: Program): void {
    if (!this.bound.has(key)) this.bound.set(key, ide.editorProgramOf(program));
  }
}

export interface CheckResult {
  generation: number;
  byUri: Map<string, Diagnostic[]>;
  /** The check of each group, by group key. */
  checked: Map<string, Checked>;
}

export class Analysis {
  private parsed = new Map<string, SourceFile>();
  private snap: Snapshot | undefined;
  private checked: CheckResult | undefined;
  private plans: { generation: number; byKey: Map<string, Plan | undefined> } | undefined;
  /** What the connected runtime reports about its network (the client sends it); undefined: not connected. */
  private runtimeTopology: ide.RuntimeTopology | undefined;

  constructor(
    private readonly ws: WorkspaceFiles,
    /** Where a tenant workspace's network and grant come from (absent: nowhere). */
    private readonly runtime: () => RuntimeGrantState = () => ({ kind: 'off' }),
  ) {}

  /** What the connected runtime reports about its network (undefined: not connected). */
  currentRuntimeTopology(): ide.RuntimeTopology | undefined {
    return this.runtimeTopology;
  }

  /** The runtime's topology changed (or the client disconnected): the next check judges the declarations again. */
  setRuntimeTopology(t: ide.RuntimeTopology | undefined): void {
    this.runtimeTopology = t;
    this.checked = undefined;
  }

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
    this.snap = new Snapshot(this.ws.generation, files, next, this.runtimeFile());
    return this.snap;
  }

  private runtimeParsed: SourceFile | undefined;

  /** The runtime's source as a virtual file (parsed once per text), when online. */
  private runtimeFile(): SourceFile | undefined {
    const rt = this.runtime();
    if (rt.kind !== 'online') return undefined;
    if (this.runtimeParsed?.text !== rt.source) this.runtimeParsed = parse(rt.source, RUNTIME_GRANT_PATH);
    return this.runtimeParsed;
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

  /** Checks each network workspace as one program, and the files without a network on their own. */
  check(): CheckResult {
    if (this.checked && this.checked.generation === this.ws.generation) return this.checked;
    const snap = this.snapshot();
    const byUri = new Map<string, Diagnostic[]>(snap.files.map((f) => [f.path, []]));
    const checked = new Map<string, Checked>();
    for (const g of snap.groups) {
      const rt = this.runtime();
      const c =
        g.key !== UNPLACED ? check(g.files) : rt.kind === 'online' ? checkAgainstGrant(g.files, rt.owner) : checkUnplaced(g.files, rt);
      if (c.program) snap.adopt(g.key, c.program);
      checked.set(g.key, c);
      for (const d of c.diagnostics) {
        if (d.file === RUNTIME_GRANT_PATH) continue; // the runtime's text is not the user's to fix
        const list = byUri.get(d.file);
        if (list) list.push(d);
        else byUri.set(d.file, [d]);
      }
    }
    // Declarations the connected runtime contradicts (SL701-SL703).
    for (const d of ide.runtimeTopologyDiagnostics(snap.files, this.runtimeTopology)) byUri.get(d.file)?.push(d);
    this.checked = { generation: snap.generation, byUri, checked };
    return this.checked;
  }

  /** The plan of the file's network workspace, or undefined when it has errors (or no network). */
  compiledPlan(uri: string): Plan | undefined {
    const c = this.check();
    if (this.plans?.generation !== c.generation) this.plans = { generation: c.generation, byKey: new Map() };
    const key = this.snapshot().group(uri)?.key;
    if (key === undefined || key === UNPLACED) return undefined;
    if (!this.plans.byKey.has(key)) {
      const checked = c.checked.get(key);
      this.plans.byKey.set(key, checked ? planOf(checked) : undefined);
    }
    return this.plans.byKey.get(key);
  }
}
