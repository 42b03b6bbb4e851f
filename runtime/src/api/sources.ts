// The deployed sources read back (GET /v1/sources, `dfvisor pull`). A file the active revision
// holds whole comes back verbatim, byte for byte as it was deployed (deploy/file-texts.ts). Any
// other path (a revision stored before file texts were kept, a file only part of which is deployed,
// or one a tenant owns only part of) is its stored blocks grouped again: network blocks first, then
// grant blocks, then slice blocks, joined by a blank line and ending in a newline (`verbatim: false`).
// Tenants get only their own slices' blocks (no network, no grant, no other owner's block or file).
import type { Plan } from '@dfvisor/grammar';
import type { Principal } from '../deploy/types.js';
import type { DeployedSourcesView } from '../view/runtime-view.js';
import { isAdmin, ownSliceNames } from './tenant-view.js';

interface Block {
  path: string;
  text: string;
  visible: boolean;
}

export function sourcesFor(p: Principal, deployed: DeployedSourcesView | undefined, plan: Plan | undefined) {
  if (!deployed) return { revision: 0, files: [] };
  const admin = isAdmin(p);
  const mine = ownSliceNames(p, plan);
  const blocks: Block[] = [
    ...deployed.network.map((b) => ({ ...b, visible: admin })),
    ...(deployed.grants ?? []).map((b) => ({ ...b, visible: admin })),
    ...Object.entries(deployed.slices).map(([name, b]) => ({ ...b, visible: mine.has(name) })),
  ];
  const byPath = new Map<string, Block[]>();
  for (const b of blocks) byPath.set(b.path, [...(byPath.get(b.path) ?? []), b]);
  const whole = new Map((deployed.files ?? []).map((f) => [f.path, f.text]));
  const files: Array<{ path: string; text: string; verbatim: boolean }> = [];
  for (const [path, held] of byPath) {
    const seen = held.filter((b) => b.visible);
    if (seen.length === 0) continue;
    const text = whole.get(path);
    if (text !== undefined && seen.length === held.length) files.push({ path, text, verbatim: true });
    else files.push({ path, text: `${seen.map((b) => b.text.trimEnd()).join('\n\n')}\n`, verbatim: false });
  }
  return { revision: deployed.revision, files };
}
