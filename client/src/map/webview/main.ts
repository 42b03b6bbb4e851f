// The network map's webview script (bundled by esbuild.mjs into dist-bundle/map.js with cytoscape): renders the
// graph the panel sends (model.ts elements and classes, as they are), the slice legend with live counters, and
// highlights a slice; posts back what it drew and which slice was picked. No data shaping here.
import cytoscape from 'cytoscape';
import type { MapGraph } from '../model.js';
import type { FromWebview, SliceCounters, ToWebview } from '../protocol.js';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void };
const vscode = acquireVsCodeApi();

const css = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const fg = css('--vscode-editor-foreground', '#333');
const muted = css('--vscode-descriptionForeground', '#888');

const cy = cytoscape({
  container: document.getElementById('graph'),
  wheelSensitivity: 0.3,
  maxZoom: 2.5,
  style: [
    {
      selector: 'node.switch',
      style: {
        label: 'data(label)',
        color: fg,
        'text-valign': 'top',
        'font-size': 12,
        'background-opacity': 0.08,
        'border-width': 2,
        'border-color': muted,
        shape: 'round-rectangle',
      },
    },
    { selector: 'node.switch.disconnected', style: { 'border-style': 'dotted' } },
    { selector: 'node.switch.undeclared', style: { 'border-style': 'dashed', 'border-color': '#d62728', color: '#d62728' } },
    {
      selector: 'node.port',
      style: { label: 'data(label)', width: 18, height: 18, 'font-size': 9, 'text-valign': 'center', color: fg, 'background-color': muted },
    },
    {
      selector: 'node.port.down',
      style: { 'background-color': '#d62728', 'border-width': 2, 'border-color': '#d62728', shape: 'diamond' },
    },
    { selector: 'edge', style: { 'curve-style': 'bezier', width: 3, 'line-color': muted } },
    { selector: 'edge.link.missing', style: { 'line-style': 'dashed', 'line-color': '#d62728' } },
    { selector: 'edge.link.miswired', style: { 'line-style': 'dashed', 'line-color': '#ff7f0e' } },
    { selector: 'edge.link.miswired-peer', style: { 'line-style': 'dotted', 'line-color': '#ff7f0e', width: 4 } },
    { selector: 'edge.link.extra', style: { 'line-style': 'dotted', 'line-color': '#9467bd', width: 4 } },
    { selector: 'edge.slice-link', style: { width: 2, 'line-color': 'data(color)' } },
    { selector: '.faded', style: { opacity: 0.25 } },
    { selector: '.picked', style: { 'underlay-color': fg, 'underlay-opacity': 0.15, 'underlay-padding': 4 } },
  ],
});

/** Edge ports take their slices' colours: one pie slice per slice. */
function paintPorts(): void {
  cy.nodes('.edge-port').forEach((n) => {
    const colors = (n.data('colors') as string[] | undefined) ?? [];
    const style: Record<string, string | number> = {};
    colors.slice(0, 16).forEach((c, i) => {
      style[`pie-${i + 1}-background-color`] = c;
      style[`pie-${i + 1}-background-size`] = 100 / colors.length;
    });
    n.style(style);
  });
}

/**
 * Lays the graph out: the library's force layout (cose) on the switch-level graph (one node per switch, one edge
 * per pair of linked switches), then each switch's ports around it: a link port on the side facing its peer,
 * the others in the free directions. Compound nodes (the switches) follow their ports.
 */
function layout(): void {
  const switches = cy.nodes('.switch');
  const switchOf = (portId: string) => cy.getElementById(portId).parent().first().id() || portId;
  const pairs = new Set<string>();
  cy.edges('.link').forEach((e) => {
    const [a, b] = [switchOf(e.source().id()), switchOf(e.target().id())].sort();
    if (a !== b) pairs.add(`${a}|${b}`);
  });
  const skeleton = cytoscape({
    headless: true,
    styleEnabled: true,
    elements: [
      ...switches.map((n) => ({ group: 'nodes' as const, data: { id: n.id() }, style: { width: 120, height: 120 } })),
      ...[...pairs].map((p) => ({ group: 'edges' as const, data: { id: p, source: p.split('|')[0], target: p.split('|')[1] } })),
    ],
  });
  skeleton
    .layout({
      name: 'cose',
      animate: false,
      randomize: false,
      idealEdgeLength: () => 120,
      nodeRepulsion: () => 200_000,
      nodeOverlap: 40,
      fit: false,
    })
    .run();
  const center = new Map(skeleton.nodes().map((n) => [n.id(), n.position()] as const));
  skeleton.destroy();
  switches.forEach((sw) => {
    const c = center.get(sw.id()) ?? { x: 0, y: 0 };
    const ports = sw.children();
    if (ports.length === 0) {
      sw.position({ ...c });
      return;
    }
    const used: number[] = [];
    const place = (p: cytoscape.NodeSingular, angle: number) => {
      used.push(angle);
      p.position({ x: c.x + 45 * Math.cos(angle), y: c.y + 45 * Math.sin(angle) });
    };
    const rest: cytoscape.NodeSingular[] = [];
    ports.forEach((p) => {
      const peer = p
        .connectedEdges('.link')
        .connectedNodes()
        .filter((n) => n.id() !== p.id())
        .first();
      const pc = peer.nonempty() ? center.get(switchOf(peer.id())) : undefined;
      if (pc && (pc.x !== c.x || pc.y !== c.y)) place(p, Math.atan2(pc.y - c.y, pc.x - c.x));
      else rest.push(p);
    });
    const gap = (a: number) => Math.min(...used.map((u) => Math.abs(Math.atan2(Math.sin(a - u), Math.cos(a - u)))), Math.PI);
    for (const p of rest) {
      let best = Math.PI / 2;
      for (let k = 0; k < 16; k++) {
        const a = (2 * Math.PI * k) / 16 + Math.PI / 2;
        if (gap(a) > gap(best) + 1e-9) best = a;
      }
      place(p, best);
    }
  });
}

let picked: string | null = null;
let graph: MapGraph | undefined;

function highlight(slice: string | null): void {
  picked = slice;
  cy.elements().removeClass('faded picked');
  if (slice) {
    const inSlice = cy.elements().filter((e) => ((e.data('slices') as string[] | undefined) ?? []).includes(slice));
    // Differences stay visible whichever slice is picked.
    cy.elements()
      .not(inSlice)
      .not(inSlice.parents())
      .not('.missing, .miswired, .miswired-peer, .extra, .down, .undeclared')
      .addClass('faded');
    inSlice.addClass('picked');
  }
  for (const li of Array.from(document.querySelectorAll<HTMLElement>('#slices li')))
    li.classList.toggle('picked', li.dataset.slice === slice);
  vscode.postMessage({ type: 'highlighted', slice, picked: cy.elements('.picked').length, faded: cy.elements('.faded').length });
}

function render(g: MapGraph): void {
  graph = g;
  cy.elements().remove();
  cy.add(g.elements.map((e) => ({ group: e.group, data: e.data, classes: e.classes })));
  paintPorts();
  layout();
  cy.fit(undefined, 30);
  renderLegend(g);
  highlight(picked && g.slices.some((s) => s.name === picked) ? picked : null);
  const classes: Record<string, number> = {};
  cy.elements().forEach((e) => {
    for (const c of e.classes()) classes[c] = (classes[c] ?? 0) + 1;
  });
  vscode.postMessage({
    type: 'rendered',
    nodes: cy.nodes().length,
    edges: cy.edges().length,
    classes,
    slices: g.slices.map((s) => s.name),
  });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function renderLegend(g: MapGraph): void {
  const list = document.getElementById('slices')!;
  list.replaceChildren(
    ...g.slices.map((s) => {
      const li = el('li');
      li.dataset.slice = s.name;
      const sw = el('span', '', 'swatch');
      sw.style.backgroundColor = s.color;
      li.append(
        sw,
        el('span', s.name + (s.paused ? ' (paused)' : ''), 'name'),
        el('span', `${s.switches} sw · ${s.edgePorts} ports · ${s.links} links`, 'dim'),
      );
      li.append(el('div', '', 'counters'));
      li.addEventListener('click', () => {
        const next = picked === s.name ? null : s.name;
        highlight(next);
        vscode.postMessage({ type: 'pick', slice: next });
      });
      return li;
    }),
  );
  const state = document.getElementById('discovery')!;
  state.textContent = {
    unknown: 'Declared vs discovered: not available (admin token needed)',
    off: 'Link discovery is off on the runtime',
    settling: 'Link discovery is settling…',
    on: g.problems.length
      ? `${g.problems.length} difference(s) between declared and discovered:`
      : 'Discovered topology matches the declaration',
  }[g.discovery];
  document.getElementById('problems')!.replaceChildren(...g.problems.map((p) => el('li', p)));
}

const num = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)}G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)}M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)}k`
        : `${Math.round(n)}`;

function renderCounters(at: string, live: boolean, counters: SliceCounters[]): void {
  for (const c of counters) {
    const li = document.querySelector<HTMLElement>(`#slices li[data-slice="${CSS.escape(c.slice)}"] .counters`);
    if (!li) continue;
    const rate = c.pps === null ? '' : ` · ${num(c.pps)} pkt/s · ${num(c.bps ?? 0)}bit/s`;
    li.textContent = `${num(c.packets)} pkts · ${num(c.bytes)}B · ${c.flows} flows${rate}`;
  }
  document.getElementById('updated')!.textContent = `counters at ${new Date(at).toLocaleTimeString()}${live ? ' (live)' : ' (polling)'}`;
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const m = ev.data;
  if (m.type === 'graph') render(m.graph);
  else if (m.type === 'counters') renderCounters(m.at, m.live, m.counters);
  else if (m.type === 'highlight' && graph) highlight(m.slice);
});
window.addEventListener('resize', () => cy.resize());
vscode.postMessage({ type: 'ready' });
