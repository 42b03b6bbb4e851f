// Declared vs discovered in the editor: what the connected runtime sees of its network (the
// admin's GET /v1/topology `discovery`, refreshed on `topology` events) is sent to the language
// server (`dfvisor/runtimeTopology`), which reports the `link` and `switch` declarations it
// contradicts (SL701–SL703), with each managed-core virtual link's path in use (GET
// /v1/slices/{name}/virtual-links), which the slice hover shows. null when not connected, or when
// there is neither settled discovery nor a virtual link.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import type { TopologyCheck, VirtualLink } from '../api/types.js';
import type { RuntimeSnapshot, RuntimeWatch } from './runtime-watch.js';

export const RUNTIME_TOPOLOGY = 'dfvisor/runtimeTopology';

/**
 * The server's RuntimeTopology (grammar ide) from the API's TopologyCheck and the slices' virtual
 * links (slice name → its links); null when there is nothing to judge or show. Virtual links without
 * settled discovery go with an empty network name, which judges no declaration.
 */
export function runtimeTopologyOf(t: TopologyCheck | undefined, virtualLinks?: ReadonlyMap<string, readonly VirtualLink[]>) {
  const vls = [...(virtualLinks ?? [])].flatMap(([slice, ls]) =>
    ls.map((l) => ({ slice, id: l.id, links: l.path ? [...l.path.links] : null })),
  );
  const extra = vls.length ? { virtualLinks: vls } : {};
  if (!t?.enabled || !t.settled || t.network === null) return vls.length ? { network: '', links: [], portsDown: [], ...extra } : null;
  return {
    network: t.network,
    links: t.links.map((l) => ({ a: l.a, b: l.b, state: l.state, ...(l.seen ? { seen: l.seen } : {}) })),
    portsDown: t.portsDown.map((p) => ({ switch: p.switch, port: p.port, name: p.name, reason: p.reason })),
    ...extra,
  };
}

/**
 * Forwards the runtime's topology to the language server whenever it changes; `flush()` sends the
 * current one (once the language client has started).
 */
export function forwardRuntimeTopology(
  model: RuntimeWatch,
  client: () => LanguageClient | undefined,
): vscode.Disposable & { flush(): void } {
  let last = 'unset';
  const send = (snap: RuntimeSnapshot) => {
    const t = snap.reachable ? runtimeTopologyOf(snap.topology, snap.virtualLinks) : null;
    const key = JSON.stringify(t);
    const c = client();
    if (key === last || !c) return;
    last = key;
    void c.sendNotification(RUNTIME_TOPOLOGY, t);
  };
  const sub = model.onDidChange(send);
  return { dispose: () => sub.dispose(), flush: () => send(model.current) };
}
