// The "Deployed Slices" tree: slices → owner, overlay, controllers, switches, live counters,
// virtual links across the managed core (path in use, state, counters), and the control traffic
// the proxy held back or refused (slice-control-counters.ts).
import * as vscode from 'vscode';
import type { SliceStats, SliceSummary, VirtualLink } from '../api/types.js';
import { virtualLinkLeaf } from './virtual-links.js';
import { formatCount } from '../deploy/summary.js';
import { anyHeldBack, controlLeaves, controlSummary, controlTooltip } from './slice-control-counters.js';
import type { RuntimeWatch, RuntimeSnapshot } from './runtime-watch.js';

export type Node =
  | { kind: 'message'; text: string; detail?: string; command?: vscode.Command }
  | { kind: 'slice'; slice: SliceSummary; stats?: SliceStats; links?: VirtualLink[] }
  | { kind: 'group'; slice: SliceSummary; stats?: SliceStats; group: 'switches' | 'controllers' | 'control' }
  | { kind: 'leaf'; label: string; description?: string; icon: string; tooltip?: string };

export class SlicesTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: RuntimeWatch) {
    this.sub = model.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    const snap = this.model.current;
    if (!node) return roots(snap);
    if (node.kind === 'slice') return [...sliceChildren(node.slice, node.stats), ...(node.links ?? []).map(virtualLinkLeaf)];
    if (node.kind === 'group' && node.group === 'switches') return switchLeaves(node.slice, node.stats);
    if (node.kind === 'group' && node.group === 'control') return node.stats?.proxy ? controlLeaves(node.stats.proxy) : [];
    if (node.kind === 'group' && node.group === 'controllers') {
      return node.slice.controllers.map((c) => ({
        kind: 'leaf',
        label: c.url,
        description: c.connected ? 'connected' : 'not connected',
        icon: c.connected ? 'pass' : 'error',
      }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = node.detail;
        item.command = node.command;
        return item;
      }
      case 'slice': {
        const s = node.slice;
        const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `slice:${s.name}`;
        item.contextValue = 'slice';
        const connected = s.controllers.some((c) => c.connected);
        item.iconPath = new vscode.ThemeIcon(connected ? 'vm-active' : 'vm-outline');
        const tag = s.overlay ? `${s.overlay.type} ${s.overlay.tag ?? ''}`.trim() : '';
        const counters = node.stats ? `${formatCount(node.stats.packets)} pkts · ${formatCount(node.stats.flows)} flows` : '';
        item.description = [tag, `${s.switches.length} sw`, counters].filter(Boolean).join(' · ');
        item.tooltip = new vscode.MarkdownString(
          [
            `**${s.name}**`,
            s.owner ? `owner: ${s.owner}` : '',
            tag ? `overlay: ${tag}` : '',
            node.stats ? `packets ${node.stats.packets}, bytes ${node.stats.bytes}, flows ${node.stats.flows}` : '',
            node.stats?.proxy ? `control: ${controlSummary(node.stats.proxy)}` : '',
          ]
            .filter(Boolean)
            .join('  \n'),
        );
        return item;
      }
      case 'group': {
        if (node.group === 'control') return controlItem(node.slice, node.stats);
        const label =
          node.group === 'switches' ? `switches (${node.slice.switches.length})` : `controllers (${node.slice.controllers.length})`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `slice:${node.slice.name}:${node.group}`;
        item.iconPath = new vscode.ThemeIcon(node.group === 'switches' ? 'circuit-board' : 'plug');
        return item;
      }
      case 'leaf': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip;
        return item;
      }
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

function roots(snap: RuntimeSnapshot): Node[] {
  if (!snap.reachable) {
    return [
      {
        kind: 'message',
        text: snap.error ? 'Runtime not reachable' : 'Connecting…',
        detail: snap.error,
        command: { command: 'dfvisor.startRuntime', title: 'Start Embedded Runtime' },
      },
    ];
  }
  if (snap.slices.length === 0) return [{ kind: 'message', text: `No slices deployed on ${snap.url}` }];
  return snap.slices.map((slice) => ({
    kind: 'slice',
    slice,
    stats: snap.stats.get(slice.name),
    links: snap.virtualLinks?.get(slice.name),
  }));
}

function sliceChildren(slice: SliceSummary, stats?: SliceStats): Node[] {
  const out: Node[] = [];
  if (slice.owner) out.push({ kind: 'leaf', label: 'owner', description: slice.owner, icon: 'person' });
  if (slice.overlay)
    out.push({ kind: 'leaf', label: 'overlay', description: `${slice.overlay.type} ${slice.overlay.tag ?? ''}`.trim(), icon: 'tag' });
  if (stats) {
    out.push({
      kind: 'leaf',
      label: 'traffic',
      description: `${formatCount(stats.packets)} packets · ${formatCount(stats.bytes)} bytes · ${stats.flows} flows`,
      icon: 'pulse',
      tooltip: stats.updatedAt ? `updated ${stats.updatedAt}` : undefined,
    });
  }
  if (stats?.proxy) out.push({ kind: 'group', slice, stats, group: 'control' });
  out.push({ kind: 'group', slice, stats, group: 'controllers' });
  out.push({ kind: 'group', slice, stats, group: 'switches' });
  return out;
}

function switchLeaves(slice: SliceSummary, stats?: SliceStats): Node[] {
  return slice.switches.map((dpid) => {
    const per = stats?.perSwitch?.find((p) => p.dpid === dpid);
    return {
      kind: 'leaf',
      label: dpid,
      description: per ? `${formatCount(per.packets)} pkts · ${per.flows} flows` : undefined,
      icon: 'server',
    };
  });
}

/** The slice's "control" node: refusals, rate drops and dropped packet-ins, details in its tooltip and children. */
function controlItem(slice: SliceSummary, stats?: SliceStats): vscode.TreeItem {
  const item = new vscode.TreeItem('control', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `slice:${slice.name}:control`;
  const c = stats?.proxy;
  item.iconPath = new vscode.ThemeIcon(c && anyHeldBack(c) ? 'warning' : 'shield');
  if (c) {
    item.description = controlSummary(c);
    item.tooltip = new vscode.MarkdownString(controlTooltip(c));
  }
  return item;
}
