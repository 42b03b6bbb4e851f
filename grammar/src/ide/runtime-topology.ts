// Declared vs discovered in the editor: when the editor is connected to a runtime, the
// runtime's view of its network (GET /v1/topology, `discovery`) becomes diagnostics on the
// `link` and `switch` declarations it contradicts: SL701 a link cabled differently (with a
// quick fix that rewrites the declaration to what was discovered), SL702 a declared link no
// probe crosses, SL703 a declared port that is down. Plain data in and out (no LSP, no network).
import type { Diagnostic } from '../api.js';
import type { LinkDecl, NetworkDecl, PortRef, Range, SourceFile, SwitchDecl } from '../syntax/ast.js';

/** One end of a link as the runtime names it (switch: the declared name; null for an undeclared dpid). */
export interface RuntimeLinkEnd {
  switch: string | null;
  dpid: string;
  port: number;
}

/** What the runtime reports about its deployed network (the `discovery` part of GET /v1/topology, plus its name). */
export interface RuntimeTopology {
  /** The deployed network's name: only declarations of a network with this name are judged. */
  network: string;
  links: Array<{
    a: RuntimeLinkEnd;
    b: RuntimeLinkEnd;
    state: 'seen' | 'missing' | 'miswired';
    seen?: Array<{ a: RuntimeLinkEnd; b: RuntimeLinkEnd; since: string }>;
  }>;
  portsDown: Array<{ switch: string | null; port: number; name: string; reason: 'link-down' | 'admin-down' }>;
  /**
   * Virtual links across the managed core and the path each uses now (physical link ids from its `a`
   * end; null: no path is up, the virtual port is down). Optional: a runtime that does not report it
   * leaves the editor showing the compiled paths only.
   */
  virtualLinks?: Array<{ slice: string; id: string; links: string[] | null }>;
}

const endText = (e: { switch: string | null; dpid: string; port: number }) => `${e.switch ?? e.dpid}:${e.port}`;
export const refText = (r: PortRef) => (r.ports.form === 'single' ? `${r.switch.name}:${r.ports.port.value}` : undefined);
/** A warning about a declaration (the shape every checker diagnostic has). */
function warning(file: string, range: Range, code: string, message: string, data?: Record<string, unknown>): Diagnostic {
  return { file, range, severity: 'warning', code, message, related: [], ...(data ? { data } : {}) };
}

/** "12:04 UTC" from an ISO 8601 time. */
const clock = (iso: string) => `${iso.slice(11, 16)} UTC`;

function sameEnds(decl: LinkDecl, l: RuntimeTopology['links'][number]): boolean {
  const a = decl.a && refText(decl.a);
  const b = decl.b && refText(decl.b);
  const x = endText(l.a);
  const y = endText(l.b);
  return (a === x && b === y) || (a === y && b === x);
}

/** Diagnostics for the network declarations of `files` that the runtime's topology contradicts. */
export function runtimeTopologyDiagnostics(files: readonly SourceFile[], t: RuntimeTopology | undefined): Diagnostic[] {
  if (!t) return [];
  const out: Diagnostic[] = [];
  for (const f of files)
    for (const item of f.items) {
      if (item.kind !== 'Network' || (item as NetworkDecl).name?.name !== t.network) continue;
      for (const m of (item as NetworkDecl).members) {
        if (m.kind === 'Link') linkDiagnostics(f, m, t, out);
        else if (m.kind === 'Switch') switchDiagnostics(f, m, t, out);
      }
    }
  return out;
}

function linkDiagnostics(f: SourceFile, decl: LinkDecl, t: RuntimeTopology, out: Diagnostic[]): void {
  const l = t.links.find((x) => sameEnds(decl, x));
  if (!l || !decl.a || !decl.b || l.state === 'seen') return;
  const declared = `${refText(decl.a)} <-> ${refText(decl.b)}`;
  if (l.state === 'missing') {
    out.push(warning(f.path, decl.range, 'SL702', `declared ${declared}; the runtime sees no link there (no probe crossed it)`));
    return;
  }
  const seen = l.seen ?? [];
  const shown = seen.map((s) => `${endText(s.a)} <-> ${endText(s.b)} (since ${clock(s.since)})`).join(' and ');
  // The rewrite keeps the declared end that the discovered link shares and names its real peer.
  const first = seen.find((s) => s.a.switch !== null && s.b.switch !== null);
  const data = first ? { a: endText(first.a), b: endText(first.b) } : undefined;
  out.push(warning(f.path, decl.range, 'SL701', `declared ${declared}; the runtime sees ${shown}`, data));
}

function switchDiagnostics(f: SourceFile, decl: SwitchDecl, t: RuntimeTopology, out: Diagnostic[]): void {
  const name = decl.name?.name;
  if (!name) return;
  for (const p of t.portsDown.filter((x) => x.switch === name)) {
    const why = p.reason === 'admin-down' ? 'administratively down' : 'down (no link)';
    const label = `${name}:${p.port}${p.name ? ` (${p.name})` : ''}`;
    out.push(warning(f.path, decl.range, 'SL703', `port ${label} is ${why} on the runtime`, { port: p.port }));
  }
}
