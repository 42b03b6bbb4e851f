// Declared vs discovered in the editor: what the connected runtime sees of its network (the
// admin's GET /v1/topology `discovery`, refreshed on `topology` events) is sent to the language
// server (`dfvisor/runtimeTopology`), which reports the `link` and `switch` declarations it
// contradicts (SL701–SL703). null when not connected, not admin, or discovery is off.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import type { TopologyCheck } from '../api/types.js';
import type { RuntimeSnapshot, RuntimeWatch } from './runtime-watch.js';

export const RUNTIME_TOPOLOGY = 'dfvisor/runtimeTopology';

/** The server's RuntimeTopology (grammar ide) from the API's TopologyCheck; null when there is nothing to judge. */
export function runtimeTopologyOf(t: TopologyCheck | undefined) {
  if (!t?.enabled || !t.settled || t.network === null) return null;
  return {
    network: t.network,
    links: t.links.map((l) => ({ a: l.a, b: l.b, state: l.state, ...(l.seen ? { seen: l.seen } : {}) })),
    portsDown: t.portsDown.map((p) => ({ switch: p.switch, port: p.port, name: p.name, reason: p.reason })),
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
    const t = runtimeTopologyOf(snap.reachable ? snap.topology : undefined);
    const key = JSON.stringify(t);
    const c = client();
    if (key === last || !c) return;
    last = key;
    void c.sendNotification(RUNTIME_TOPOLOGY, t);
  };
  const sub = model.onDidChange(send);
  return { dispose: () => sub.dispose(), flush: () => send(model.current) };
}
