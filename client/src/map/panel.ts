// "DFVisor: Show Network Map": one webview panel that draws the runtime's network and slices (model.ts ->
// webview/main.ts, cytoscape bundled into dist-bundle/map.js), redrawn when RuntimeWatch changes, with the
// slices' counters and rates from each refresh (the event stream's stats events) and the slice picked in the
// DFVisor view highlighted. Strict Content-Security-Policy: only the bundled script, by nonce.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { SliceDetail } from '../api/types.js';
import type { Connection } from '../settings.js';
import type { RuntimeSnapshot, RuntimeWatch } from '../views/runtime-watch.js';
import { buildMapModel, rateBetween, type CounterReading, type MapInput, type MapLinkEnd } from './model.js';
import type { FromWebview, RenderReport, SliceCounters, ToWebview } from './protocol.js';

type View = SliceDetail['view'];
export type Highlighted = Omit<Extract<FromWebview, { type: 'highlighted' }>, 'type'>;

export class NetworkMapPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private picked: string | null = null;
  private readonly views = new Map<string, { revision: number; view: View }>();
  private readonly readings = new Map<string, CounterReading>();
  private lastReport: RenderReport | undefined;
  private readonly rendered = new vscode.EventEmitter<RenderReport>();
  private readonly highlighted = new vscode.EventEmitter<Highlighted>();
  /** What the webview highlighted (elements picked and faded), after each highlight. */
  readonly onDidHighlight = this.highlighted.event;
  private readonly picks = new vscode.EventEmitter<string | null>();
  /** The slice picked in the map's legend (null: none). */
  readonly onDidPick = this.picks.event;
  private readonly subs: vscode.Disposable[] = [];
  private generation = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: RuntimeWatch,
    private readonly connection: Connection,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens (or reveals) the panel and draws what the runtime looks like now. */
  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const bundle = vscode.Uri.joinPath(this.extensionUri, 'dist-bundle');
    const panel = vscode.window.createWebviewPanel('dfvisor.networkMap', 'DFVisor Network Map', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [bundle],
    });
    this.panel = panel;
    this.ready = false;
    this.lastReport = undefined;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'dfvisor.svg');
    panel.webview.html = html(panel.webview, panel.webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'map.js')));
    this.subs.push(
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m)),
      this.model.onDidChange((snap) => void this.update(snap)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.subs.splice(0)) d.dispose();
      }),
    );
    await this.model.refresh();
  }

  /** Highlights a slice (null: none), e.g. the one picked in the DFVisor view. */
  highlight(slice: string | null): void {
    this.picked = slice;
    this.post({ type: 'highlight', slice });
  }

  /** Resolves with the first render report (now or to come) that `accept` holds for. */
  whenRendered(accept: (r: RenderReport) => boolean): Promise<RenderReport> {
    if (this.lastReport && accept(this.lastReport)) return Promise.resolve(this.lastReport);
    return new Promise((resolve) => {
      const sub = this.rendered.event((r) => {
        if (!accept(r)) return;
        sub.dispose();
        resolve(r);
      });
    });
  }

  private receive(m: FromWebview): void {
    if (m.type === 'ready') {
      this.ready = true;
      void this.update(this.model.current);
    } else if (m.type === 'rendered') {
      const { type: _t, ...report } = m;
      this.lastReport = report;
      this.log(`network map drew ${report.nodes} nodes, ${report.edges} edges`);
      this.rendered.fire(report);
    } else if (m.type === 'highlighted') {
      this.highlighted.fire({ slice: m.slice, picked: m.picked, faded: m.faded });
    } else if (m.type === 'pick') {
      this.picked = m.slice;
      this.picks.fire(m.slice);
    }
  }

  private post(m: ToWebview): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private async update(snap: RuntimeSnapshot): Promise<void> {
    if (!this.panel || !this.ready) return;
    const gen = ++this.generation;
    const input = await this.inputOf(snap);
    if (gen !== this.generation) return; // a newer snapshot is being drawn
    this.post({ type: 'graph', graph: buildMapModel(input) });
    this.post({ type: 'counters', at: new Date().toISOString(), live: snap.live, counters: this.counters(snap) });
    if (this.picked) this.post({ type: 'highlight', slice: this.picked });
  }

  /** The map's input: the snapshot plus each slice's view, read again only when its revision changed. */
  private async inputOf(snap: RuntimeSnapshot): Promise<MapInput> {
    const api = await this.connection.api();
    const names = new Set(snap.slices.map((s) => s.name));
    for (const n of [...this.views.keys()]) if (!names.has(n)) this.views.delete(n);
    await Promise.all(
      snap.slices
        .filter((s) => this.views.get(s.name)?.revision !== s.revision)
        .map(async (s) => {
          try {
            const d = await api.getSlice(s.name, { timeoutMs: 5000 });
            this.views.set(s.name, { revision: s.revision, view: d.view });
          } catch (e) {
            this.log(`network map: cannot read slice ${s.name}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }),
    );
    const net = snap.reachable ? snap.network : undefined;
    return {
      switches: (net?.switches ?? []).map((s) => ({ name: s.name, dpid: s.dpid, connected: s.connected })),
      links: (net?.links ?? []) as unknown as { id: string; a: MapLinkEnd; b: MapLinkEnd }[],
      discovery: snap.reachable ? snap.topology : undefined,
      slices: snap.slices.map((s) => ({
        name: s.name,
        paused: s.paused,
        view: (this.views.get(s.name)?.view ?? []) as unknown as MapInput['slices'][number]['view'],
      })),
    };
  }

  private counters(snap: RuntimeSnapshot): SliceCounters[] {
    const now = Date.now();
    return snap.slices.map((s) => {
      const st = snap.stats.get(s.name);
      const next: CounterReading = {
        atMs: st?.updatedAt ? Date.parse(st.updatedAt) : now,
        packets: st?.packets ?? 0,
        bytes: st?.bytes ?? 0,
      };
      const prev = this.readings.get(s.name);
      const rate = prev && prev.atMs === next.atMs ? null : rateBetween(prev, next);
      if (!prev || prev.atMs !== next.atMs) this.readings.set(s.name, next);
      return {
        slice: s.name,
        packets: next.packets,
        bytes: next.bytes,
        flows: st?.flows ?? 0,
        pps: rate?.pps ?? null,
        bps: rate?.bps ?? null,
      };
    });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.subs.splice(0)) d.dispose();
    this.rendered.dispose();
    this.highlighted.dispose();
    this.picks.dispose();
  }
}

function html(webview: vscode.Webview, script: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>DFVisor Network Map</title>
<style nonce="${nonce}" id="__________cytoscape_stylesheet">.__________cytoscape_container { position: relative; }</style>
<style nonce="${nonce}">
  html, body { height: 100%; margin: 0; padding: 0; color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  body { display: flex; }
  #graph { flex: 1; min-width: 0; height: 100%; position: relative; }
  aside { width: 280px; overflow: auto; padding: 8px 12px; border-left: 1px solid var(--vscode-panel-border); }
  h2 { font-size: 1em; margin: 8px 0 4px; }
  ul { list-style: none; margin: 0; padding: 0; }
  #slices li { padding: 4px; cursor: pointer; border-radius: 3px; }
  #slices li.picked { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
  .name { font-weight: 600; margin-right: 6px; }
  .dim, .counters, #updated { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
  #problems li { color: var(--vscode-errorForeground); }
  .key span { display: inline-block; width: 22px; border-top: 3px solid #888; vertical-align: middle; margin-right: 6px; }
  .key .k-miss { border-top: 3px dashed #d62728; }
  .key .k-misw { border-top: 3px dashed #ff7f0e; }
  .key .k-extra { border-top: 3px dotted #9467bd; }
</style>
</head>
<body>
<div id="graph"></div>
<aside>
  <h2>Slices</h2>
  <ul id="slices"></ul>
  <div id="updated"></div>
  <h2>Declared vs discovered</h2>
  <div id="discovery"></div>
  <ul id="problems"></ul>
  <h2>Key</h2>
  <ul class="key dim">
    <li><span class="k-decl"></span>declared link (seen, or not checked)</li>
    <li><span class="k-miss"></span>missing: declared, never seen</li>
    <li><span class="k-misw"></span>miswired (dotted: what its ends see)</li>
    <li><span class="k-extra"></span>extra: seen, not declared</li>
    <li>red diamond: port down · dashed red box: undeclared switch · dotted box: not connected</li>
  </ul>
</aside>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
